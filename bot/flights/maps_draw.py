"""The drawing half of `bot.flights.maps`: numpy and matplotlib, loaded on the first map.

`bot.flights.maps` holds the public names and imports this module only when a map is
drawn (or warmed up), in the worker thread that draws it, so importing the bot loads
neither numpy nor matplotlib. See `bot.flights.maps.render_track_png` for what a map
shows. It builds its own `Figure` on the Agg canvas and never touches pyplot, so it is
safe to run from worker threads (`asyncio.to_thread`) and leaves matplotlib's global
backend alone. The map data is read once per process and resolution (about 30 ms at
most); `warm_up` pays for that, the imports and the fonts before the first picture.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib import colormaps, patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import ListedColormap, Normalize, to_rgba
from matplotlib.figure import Figure
from matplotlib.offsetbox import AnchoredOffsetbox, AnnotationBbox, HPacker, TextArea, VPacker
from matplotlib.patches import FancyBboxPatch

from bot.flights.airports import Airport
from bot.flights.geo import EARTH_RADIUS_KM
from bot.flights.maps import AirportLike, AirportMark, MapTitle, PointLike
from bot.flights.maps_data import ATTRIBUTION, FloatArray, Geography, Resolution, geography
from bot.flights.maps_view import View, fit_view, mercator_y

_DPI = 100
_MIN_SIDE_PX, _MAX_SIDE_PX = 200, 4096

# Subtle ground colours, so the track is what the eye finds first.
_WATER = "#dbe7f0"
_LAND = "#f4f2ec"
_SHORE = "#8ea7ba"
_BORDER = "#a08f9c"
_TEXT = "#263238"
_TRACK = "#c2185b"  # one colour when no altitude is known
_START = "#2e7d32"
_END = "#b71c1c"
_AIRPORT = "#37474f"
_HALO = [patheffects.withStroke(linewidth=3, foreground="white")]

# Altitude colours: plasma without its pale yellow end, which vanishes on the land colour.
# Fixed range, so the same colour means the same altitude on every map.
_ALT_CMAP = ListedColormap(colormaps["plasma"](np.linspace(0.0, 0.82, 256)), name="altitude")
_ALT_RANGE_FT = (0.0, 45000.0)
_ALT_TICKS = ((0.0, "0 ft"), (15000.0, "FL150"), (30000.0, "FL300"), (45000.0, "FL450"))


def _altitude_norm() -> Normalize:
    """A Normalize of its own for each map: a shared one carries the callbacks of every
    figure that used it, and two threads drawing (or collecting an old figure) at once
    corrupt that registry (KeyError in matplotlib.cbook)."""
    low, high = _ALT_RANGE_FT
    return Normalize(vmin=low, vmax=high, clip=True)


# Fixes further apart than this in time are a gap in coverage, drawn dashed.
_GAP_S = 600.0
# Hops longer than this are drawn along their great circle, in steps of `_STEP_KM`.
_DENSIFY_KM = 100.0
_STEP_KM = 50.0

# A small track for `warm_up`: Vnukovo to Baku, with altitudes, so every part is drawn.
_WARM_TRACK = ((55.5915, 37.2615, 0.0), (48.0, 46.0, 39000.0), (40.4675, 50.0467, 0.0))


def warm_up(resolutions: Sequence[Resolution] = ("c", "l", "i")) -> None:
    """Read the map data and draw one small map, so the first real one is drawn warm."""
    for resolution in resolutions:
        geography(resolution)
    render_track_png(
        _WARM_TRACK,
        airports=[AirportMark("VKO", 55.5915, 37.2615, "Moscow")],
        title=MapTitle("WARM", ("Moscow (VKO) → Baku (GYD)",)),
        size_px=(320, 240),
    )


def render_track_png(
    track: Sequence[PointLike],
    *,
    airports: Sequence[AirportLike] = (),
    title: str | MapTitle | None = None,
    size_px: tuple[int, int] = (1024, 768),
) -> bytes:
    """Draw the map; see `bot.flights.maps.render_track_png`."""
    path, marks, view = _plan(track, airports, size_px, title)
    width, height = view.size_px
    fig = Figure(figsize=(width / _DPI, height / _DPI), dpi=_DPI, facecolor=_WATER)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_axis_off()
    scale = _scale(view.size_px)
    _draw_geography(ax, geography(view.resolution), view)
    _draw_track(ax, path, view, width)
    for mark in marks:
        _draw_airport(ax, mark, view, scale)
    ax.set_xlim(view.x0, view.x1)
    ax.set_ylim(view.y0, view.y1)
    if path.has_altitude:
        _draw_altitude_legend(fig, scale)
    if title:
        _draw_title(ax, _title_rows(title, view.size_px), scale)
    fig.text(
        0.996,
        0.006,
        ATTRIBUTION,
        ha="right",
        va="bottom",
        fontsize=max(6.0, 7 * scale),
        color="#546e7a",
        parse_math=False,
        bbox={"boxstyle": "square,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.7},
    )
    out = io.BytesIO()
    # No "Software" key: the PNG then depends on nothing but the input.
    fig.savefig(out, format="png", dpi=_DPI, metadata={"Software": None})
    return out.getvalue()


def map_view(
    track: Sequence[PointLike],
    *,
    airports: Sequence[AirportLike] = (),
    title: str | MapTitle | None = None,
    size_px: tuple[int, int] = (1024, 768),
) -> View:
    """The view `render_track_png` picks for these arguments (see `View.pixel`).

    Raises:
        ValueError: as `render_track_png`.
    """
    return _plan(track, airports, size_px, title)[2]


def _plan(
    track: Sequence[PointLike],
    airports: Sequence[AirportLike],
    size_px: tuple[int, int],
    title: str | MapTitle | None,
) -> tuple[_Path, list[AirportMark], View]:
    size = _check_size(size_px)
    path = _Path.of(track)
    marks = [_mark(a) for a in airports]
    # Airports go on the copy of the world nearest the track, as the track is unwrapped.
    ref_lon = float(np.degrees(path.x.mean()))
    mark_x = np.array([math.radians(_near(m.lon, ref_lon)) for m in marks])
    mark_y = mercator_y(np.array([m.lat for m in marks], dtype=np.float64))
    x, y = np.concatenate((path.x, mark_x)), np.concatenate((path.y, mark_y))
    view = fit_view(x, y, size)
    if title:
        # The title box covers the top left corner. Only when something would be
        # under it does the map make room, so a title never shrinks a map needlessly.
        box_w, box_h = _title_box_px(_title_rows(title, size), size)
        room = 28 * _scale(size)  # an airport's label stands above its marker
        col = (x - view.x0) / (view.x1 - view.x0) * size[0]
        row = (view.y1 - y) / (view.y1 - view.y0) * size[1]
        if np.any((col < box_w + room) & (row < box_h + room)):
            view = fit_view(x, y, size, top_reserve=(box_h + room) / size[1])
    return path, marks, view


def _scale(size_px: tuple[int, int]) -> float:
    """Text and marker scale of a picture: 1 at 1024x768."""
    width, height = size_px
    return max(0.6, min(2.0, min(width / 1024, height / 768)))


# A line of the title box: text (wrapped), size in points, bold.
_TitleRow = tuple[str, float, bool]
_TITLE_ANCHOR = (0.012, 0.985)  # top left corner of the box, in figure fractions
_TITLE_PAD_PT = 6.0  # AnchoredOffsetbox's pad of 0.6, in its default 10 pt font


def _title_rows(title: str | MapTitle, size_px: tuple[int, int]) -> list[_TitleRow]:
    scale = _scale(size_px)
    fit = size_px[0] * 0.9
    if isinstance(title, str):
        size = 13 * scale
        return [(_wrap(title, fit, size, 3), size, False)]
    rows: list[_TitleRow] = []
    if title.heading:
        size = 15 * scale
        rows.append((_wrap(title.heading, fit, size, 1), size, True))
    for line in title.lines:
        size = 11.5 * scale
        rows.append((_wrap(line, fit, size, 2), size, False))
    return rows


def _title_box_px(rows: Sequence[_TitleRow], size_px: tuple[int, int]) -> tuple[float, float]:
    """Where the title box ends, from the top left corner: (right, bottom) in pixels.

    An estimate (0.6 em per character, as `_wrap`, 1.25 em per line), a little
    generous: it only decides whether the map makes room for the box.
    """
    px = _DPI / 72
    lines = [(line, size, bold) for text, size, bold in rows for line in text.split("\n")]
    text_w = max(len(line) * (0.65 if bold else 0.6) * size * px for line, size, bold in lines)
    text_h = sum(1.25 * size * px for _, size, _ in lines)
    pad = 2 * _TITLE_PAD_PT * px
    left, top = _TITLE_ANCHOR[0] * size_px[0], (1 - _TITLE_ANCHOR[1]) * size_px[1]
    return left + text_w + pad, top + text_h + pad


def _draw_title(ax: Axes, rows: Sequence[_TitleRow], scale: float) -> None:
    children: list[Artist] = [_text(text, size, bold=bold) for text, size, bold in rows]
    box = AnchoredOffsetbox(
        loc="upper left",
        child=VPacker(children=children, align="left", pad=0, sep=3 * scale),
        bbox_to_anchor=_TITLE_ANCHOR,
        bbox_transform=ax.figure.transFigure,
        borderpad=0,
        pad=_TITLE_PAD_PT / 10,
        frameon=True,
    )
    box.patch.set_boxstyle("round,pad=0,rounding_size=0.5")
    box.patch.set(facecolor="white", edgecolor="#cfd8dc", linewidth=0.6, alpha=0.9)
    box.set_zorder(20)
    ax.add_artist(box)


def _text(text: str, size: float, *, bold: bool = False, halo: bool = False) -> TextArea:
    return TextArea(
        text,
        textprops={
            "fontsize": size,
            "fontweight": "bold" if bold else "normal",
            "color": _TEXT,
            "parse_math": False,
            "path_effects": _HALO if halo else None,
        },
    )


def _wrap(text: str, width_px: float, fontsize_pt: float, max_lines: int = 3) -> str:
    """Break a title line into at most `max_lines` lines that fit the picture's width.

    By an estimate of the width of a character: matplotlib's own `wrap=True` measures
    the text as mathtext whenever it holds two "$", ignoring `parse_math=False`, and
    fails on text that is not valid mathtext.
    """
    char_px = 0.6 * fontsize_pt * _DPI / 72  # DejaVu Sans averages about 0.6 em
    lines = textwrap.wrap(
        text, max(10, int(width_px / char_px)), max_lines=max_lines, placeholder=" …"
    )
    return "\n".join(lines)


def _check_size(size_px: tuple[int, int]) -> tuple[int, int]:
    width, height = size_px
    for side in (width, height):
        if type(side) is not int or not _MIN_SIDE_PX <= side <= _MAX_SIDE_PX:
            raise ValueError(
                f"size_px must be two integers from {_MIN_SIDE_PX} to {_MAX_SIDE_PX}, "
                f"got {size_px!r}"
            )
    return width, height


def _near(lon: float, ref: float) -> float:
    """The longitude plus or minus whole turns that lies within 180° of `ref`."""
    return lon + 360.0 * round((ref - lon) / 360.0)


def _mark(airport: AirportLike) -> AirportMark:
    if isinstance(airport, AirportMark):
        mark = airport
    elif isinstance(airport, Airport):
        mark = AirportMark(airport.iata or airport.icao, airport.lat, airport.lon)
    else:
        mark = AirportMark(*airport)
    _check_position(mark.lat, mark.lon, f"airport {mark.label!r}")
    return mark


def _check_position(lat: float, lon: float, what: str) -> None:
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValueError(f"{what}: latitude and longitude must be finite numbers")
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise ValueError(f"{what}: ({lat}, {lon}) is not a latitude and longitude in degrees")


@dataclass(frozen=True, slots=True)
class _Path:
    """A track ready to draw: great-circle hops filled in, in Mercator coordinates.

    `x` and `y` hold the points, `alt` their altitude in feet (filled in between known
    ones), `gap[i]` says whether the hop from point i to i+1 is a gap in coverage.
    """

    x: FloatArray
    y: FloatArray
    alt: FloatArray
    gap: np.ndarray
    has_altitude: bool

    @classmethod
    def of(cls, track: Sequence[PointLike]) -> _Path:
        if len(track) == 0:
            raise ValueError("track is empty: a map needs at least one position")
        rows = [_unpack(p, i) for i, p in enumerate(track)]
        lat = np.array([r[0] for r in rows], dtype=np.float64)
        lon = np.array([r[1] for r in rows], dtype=np.float64)
        alt = np.array([np.nan if r[2] is None else r[2] for r in rows], dtype=np.float64)
        ts = np.array([np.nan if r[3] is None else r[3] for r in rows], dtype=np.float64)
        known = np.flatnonzero(np.isfinite(alt))
        if known.size:
            # Unknown altitudes (on the ground, or not reported) take their neighbours'.
            alt = np.interp(np.arange(alt.size), known, alt[known])
        gap = np.diff(ts) > _GAP_S  # NaN compares False: no times, no gaps
        lat, lon, alt, gap = _densify(lat, lon, alt, gap)
        x = np.radians(np.unwrap(lon, period=360.0))
        return cls(x, mercator_y(lat), alt, gap, bool(known.size))


def _unpack(point: PointLike, index: int) -> tuple[float, float, float | None, float | None]:
    if isinstance(point, tuple):
        lat, lon = float(point[0]), float(point[1])
        alt = point[2] if len(point) > 2 else None
        ts = point[3] if len(point) > 3 else None
    else:
        lat, lon, alt, ts = float(point.lat), float(point.lon), point.alt_ft, point.ts
    what = f"track point {index}"
    _check_position(lat, lon, what)
    if alt is not None and not math.isfinite(alt):
        raise ValueError(f"{what}: altitude must be a finite number or None")
    if ts is not None and ts.utcoffset() is None:
        raise ValueError(f"{what}: time must be timezone-aware (UTC)")
    return lat, lon, None if alt is None else float(alt), None if ts is None else ts.timestamp()


def _densify(
    lat: FloatArray, lon: FloatArray, alt: FloatArray, gap: np.ndarray
) -> tuple[FloatArray, FloatArray, FloatArray, np.ndarray]:
    """Insert points along the great circle of every hop longer than `_DENSIFY_KM`."""
    p = np.radians(np.column_stack((lat, lon)))
    # Unit vectors, so a hop's arc and its intermediate points are plain vector algebra.
    v = np.column_stack(
        (np.cos(p[:, 0]) * np.cos(p[:, 1]), np.cos(p[:, 0]) * np.sin(p[:, 1]), np.sin(p[:, 0]))
    )
    arc = np.arctan2(
        np.linalg.norm(np.cross(v[:-1], v[1:]), axis=1), np.einsum("ij,ij->i", v[:-1], v[1:])
    )
    # Antipodal fixes (a spoofed jump, say) have no single great circle: left straight.
    long_hops = np.flatnonzero((arc * EARTH_RADIUS_KM > _DENSIFY_KM) & (np.sin(arc) > 1e-6))
    if long_hops.size == 0:
        return lat, lon, alt, gap
    lats, lons, alts, gaps = [lat[:1]], [lon[:1]], [alt[:1]], []
    prev = 0
    for i in long_hops:
        lats.append(lat[prev + 1 : i + 1])
        lons.append(lon[prev + 1 : i + 1])
        alts.append(alt[prev + 1 : i + 1])
        gaps.append(gap[prev:i])
        steps = math.ceil(arc[i] * EARTH_RADIUS_KM / _STEP_KM)
        f = np.arange(1, steps + 1) / steps  # ends on point i+1
        a = np.sin((1 - f) * arc[i]) / np.sin(arc[i])
        b = np.sin(f * arc[i]) / np.sin(arc[i])
        w = a[:, None] * v[i] + b[:, None] * v[i + 1]
        lats.append(np.degrees(np.arctan2(w[:, 2], np.hypot(w[:, 0], w[:, 1]))))
        lons.append(np.degrees(np.arctan2(w[:, 1], w[:, 0])))
        alts.append(alt[i] + f * (alt[i + 1] - alt[i]))
        gaps.append(np.full(steps, gap[i]))
        prev = i + 1
    lats.append(lat[prev + 1 :])
    lons.append(lon[prev + 1 :])
    alts.append(alt[prev + 1 :])
    gaps.append(gap[prev:])
    return np.concatenate(lats), np.concatenate(lons), np.concatenate(alts), np.concatenate(gaps)


def _draw_geography(ax: Axes, geo: Geography, view: View) -> None:
    # Slightly more than the view, so lines leaving it are not cut at a shape's vertex.
    west, east = view.lon_range
    south, north = view.lat_range
    pad_lon, pad_lat = 0.05 * (east - west), 0.05 * (north - south)
    window = (west - pad_lon, east + pad_lon, south - pad_lat, north + pad_lat)

    def project(points: FloatArray, shift: float) -> FloatArray:
        return np.column_stack((np.radians(points[:, 0] + shift), mercator_y(points[:, 1])))

    # GSHHG nests levels: land, lakes on it, islands in lakes, ponds on those.
    fills: dict[int, list[FloatArray]] = {}
    for i, shift in geo.polygons.select(*window):
        level = int(geo.polygons.level[i])
        fills.setdefault(min(level, 5), []).append(project(geo.polygons.points(i), shift))
    for level, rings in sorted(fills.items()):
        colour = _WATER if level in (2, 4) else _LAND
        # Not antialiased: the halves of a shape cut at the antimeridian then meet
        # without a hairline; the antialiased shorelines on top smooth the edges.
        _add(
            ax,
            PolyCollection(
                rings, facecolors=colour, edgecolors="none", antialiased=False, zorder=1 + level % 5
            ),
        )
    shores = [project(geo.shorelines.points(i), s) for i, s in geo.shorelines.select(*window)]
    _add(ax, LineCollection(shores, colors=_SHORE, linewidths=0.6, zorder=6))
    borders = [project(geo.borders.points(i), s) for i, s in geo.borders.select(*window)]
    _add(ax, LineCollection(borders, colors=_BORDER, linewidths=0.8, zorder=7))


def _add(ax: Axes, collection: PolyCollection | LineCollection) -> None:
    ax.add_collection(collection, autolim=False)


def _draw_track(ax: Axes, path: _Path, view: View, width_px: int) -> None:
    keep = _decimate(path, width_px / (view.x1 - view.x0))
    x, y, alt = path.x[keep], path.y[keep], path.alt[keep]
    if x.size == 1:
        ax.plot(x, y, marker="o", ms=10, mfc=_END, mec="white", mew=1.5, zorder=13)
        return
    # A kept hop is a gap only if it is an original gap hop (their ends are all kept).
    gap = (np.diff(keep) == 1) & path.gap[keep[:-1]]
    xy = np.column_stack((x, y))
    segments = np.stack((xy[:-1], xy[1:]), axis=1)
    if path.has_altitude:
        colours = _ALT_CMAP(_altitude_norm()((alt[:-1] + alt[1:]) / 2))
    else:
        colours = np.tile(np.array(to_rgba(_TRACK)), (len(segments), 1))
    solid = ~gap
    round_ends = {"capstyle": "round", "joinstyle": "round"}
    _add(
        ax, LineCollection(segments[solid], colors="white", linewidths=4.5, zorder=10, **round_ends)
    )
    _add(
        ax,
        LineCollection(
            segments[solid], colors=colours[solid], linewidths=2.2, zorder=11, **round_ends
        ),
    )
    _add(
        ax,
        LineCollection(
            segments[gap], colors=colours[gap], linewidths=1.6, linestyles=(0, (4, 3)), zorder=11
        ),
    )
    ax.plot(x[:1], y[:1], marker="o", ms=9, mfc=_START, mec="white", mew=1.5, zorder=13)
    # The last triangle points the way the aircraft was going on screen.
    moved = np.flatnonzero((x != x[-1]) | (y != y[-1]))
    if moved.size:
        j = moved[-1]
        angle = math.degrees(math.atan2(y[-1] - y[j], x[-1] - x[j])) - 90.0
        ax.plot(
            x[-1:], y[-1:], marker=(3, 0, angle), ms=12, mfc=_END, mec="white", mew=1.5, zorder=13
        )
    else:
        ax.plot(x[-1:], y[-1:], marker="o", ms=10, mfc=_END, mec="white", mew=1.5, zorder=13)


def _decimate(path: _Path, px_per_unit: float) -> np.ndarray:
    """Indices of the points to draw: about one per pixel of path, ends and gaps kept.

    A long ADS-B track has far more points than pixels; drawing them all costs time
    and changes nothing on screen.
    """
    step = np.hypot(np.diff(path.x), np.diff(path.y)) * px_per_unit
    travelled = np.concatenate(([0.0], np.cumsum(step)))
    pixel = np.floor(travelled)
    keep = np.ones(path.x.size, dtype=bool)
    keep[1:] = pixel[1:] != pixel[:-1]
    keep[-1] = True
    keep[:-1] |= path.gap
    keep[1:] |= path.gap
    return np.flatnonzero(keep)


def _draw_airport(ax: Axes, mark: AirportMark, view: View, scale: float) -> None:
    mid = math.degrees((view.x0 + view.x1) / 2)
    x = math.radians(_near(mark.lon, mid))
    y = float(mercator_y(np.array([mark.lat]))[0])
    ax.plot([x], [y], marker="s", ms=7, mfc=_AIRPORT, mec="white", mew=1.2, zorder=12)
    # Labels go up and to the right, or to the left near the right edge.
    right_side = (x - view.x0) / (view.x1 - view.x0) > 0.75
    parts: list[Artist] = [_text(mark.label, 10 * scale, bold=True, halo=True)]
    if mark.city:
        parts.append(_text(mark.city, 9.5 * scale, halo=True))
    label = AnnotationBbox(
        HPacker(children=parts, align="baseline", pad=0, sep=4 * scale),
        (x, y),
        xybox=(-6 if right_side else 6, 5),
        boxcoords="offset points",
        box_alignment=(1.0 if right_side else 0.0, 0.0),
        frameon=False,
        pad=0,
        annotation_clip=False,
    )
    label.set_zorder(14)
    ax.add_artist(label)


def _draw_altitude_legend(fig: Figure, scale: float) -> None:
    left, bottom, width, height = 0.018, 0.045, 0.2, 0.016
    fig.add_artist(
        FancyBboxPatch(
            (left - 0.01, bottom - 0.033),
            width + 0.02,
            height + 0.043,
            boxstyle="round,pad=0,rounding_size=0.008",
            transform=fig.transFigure,
            fc="white",
            ec="none",
            alpha=0.8,
            zorder=1,
        )
    )
    cax = fig.add_axes((left, bottom, width, height))
    cax.set_zorder(2)
    bar = fig.colorbar(
        ScalarMappable(norm=_altitude_norm(), cmap=_ALT_CMAP), cax=cax, orientation="horizontal"
    )
    bar.set_ticks([t for t, _ in _ALT_TICKS], labels=[label for _, label in _ALT_TICKS])
    cax.set_frame_on(False)
    cax.tick_params(labelsize=max(6.0, 7 * scale), length=2, pad=1.5, colors=_TEXT)
