"""Airport data and the nearest-airport index."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.flights import airports
from bot.flights.airports import Airport, AirportIndex, default_index, is_jet_airport
from bot.flights.geo import distance_km, haversine_km


def fake(icao: str, lat: float, lon: float, elevation_ft: int = 0) -> Airport:
    return Airport(icao, None, f"Test {icao}", "", "ZZ", lat, lon, elevation_ft, "UTC")


def test_get_knows_the_issue_airports() -> None:
    vnukovo = airports.get("uuww")
    baku = airports.get("UBBB")
    assert vnukovo is not None and baku is not None
    assert (vnukovo.iata, vnukovo.country, vnukovo.tz) == ("VKO", "RU", "Europe/Moscow")
    assert (baku.iata, baku.country, baku.tz) == ("GYD", "AZ", "Asia/Baku")
    assert isinstance(baku.elevation_ft, int)
    assert airports.get("ZZZZ") is None


def test_default_index_keeps_jet_airports_only() -> None:
    index = default_index()
    assert index.get("UUWW") == airports.get("UUWW")
    # A private strip with no IATA code is known to get() but not indexed.
    strip = airports.get("00AK")
    assert strip is not None and strip.iata is None
    assert index.get("00AK") is None
    assert 5000 < len(index) < 15000
    assert default_index() is index  # built once per process


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ({"iata": "VKO", "name": "Vnukovo International Airport"}, True),
        ({"iata": "", "name": "Somewhere Air Base"}, True),
        ({"iata": "", "name": "Somewhere Air Force Base"}, True),
        ({"iata": "", "name": "Somewhere Airbase"}, True),
        ({"iata": "", "name": "Somewhere Airstrip"}, False),
        ({"iata": "", "name": "Basel Field"}, False),
    ],
)
def test_jet_airport_filter(raw: dict[str, str], kept: bool) -> None:
    assert is_jet_airport(raw) is kept


@pytest.mark.parametrize(
    ("lat", "lon", "max_km", "icao"),
    [
        (55.5960, 37.2700, 10.0, "UUWW"),  # on Vnukovo's apron
        (40.4700, 50.0500, 10.0, "UBBB"),  # at Baku
        (43.0000, 51.0000, 10.0, None),  # the middle of the Caspian Sea
        (43.0000, 51.0000, 400.0, None),  # no coastline airport is that close
    ],
)
def test_nearest_real_airports(lat: float, lon: float, max_km: float, icao: str | None) -> None:
    match = airports.nearest(lat, lon, max_km)
    if icao is None:
        assert match is None or match.distance_km > 10.0
    else:
        assert match is not None and match.airport.icao == icao
        assert match.distance_km < max_km


def test_nearest_distance_is_haversine() -> None:
    match = airports.nearest(55.6, 37.3, 10.0)
    assert match is not None
    vnukovo = match.airport
    assert match.distance_km == pytest.approx(haversine_km(55.6, 37.3, vnukovo.lat, vnukovo.lon))


@pytest.mark.parametrize(
    ("lat", "lon", "max_km", "icao"),
    [
        # Across the antimeridian, both ways.
        (0.0, -179.99, 50.0, "WEST"),
        (0.0, 180.0, 50.0, "WEST"),
        (0.0, -179.93, 50.0, "EAST"),
        (10.0, 179.97, 50.0, "EAS2"),
        # Over the pole: the nearest is on the far side of it.
        (89.9, -10.0, 200.0, "NPOL"),
        (-89.95, 45.0, 100.0, "SPOL"),
        # Nothing within reach.
        (10.0, 10.0, 100.0, None),
        (0.0, 0.0, 0.0, None),
    ],
)
def test_nearest_antimeridian_and_poles(
    lat: float, lon: float, max_km: float, icao: str | None
) -> None:
    index = AirportIndex(
        [
            fake("WEST", 0.0, 179.95),  # just west of the antimeridian
            fake("EAST", 0.0, -179.90),  # just east of it
            fake("EAS2", 10.0, -179.95),
            fake("FARX", 0.0, -179.0),
            fake("NPOL", 89.0, 170.0),
            fake("SPOL", -89.9, -135.0),
        ]
    )
    match = index.nearest(lat, lon, max_km)
    assert (match.airport.icao if match else None) == icao


def test_invalid_cell_size() -> None:
    with pytest.raises(ValueError, match="divide"):
        AirportIndex([], cell_deg=7.0)


latitudes = st.floats(min_value=-90.0, max_value=90.0)
longitudes = st.floats(min_value=-180.0, max_value=180.0)
points = st.tuples(latitudes, longitudes)


@settings(max_examples=150, deadline=None)
@given(
    sites=st.lists(points, min_size=1, max_size=40),
    query=points,
    max_km=st.floats(min_value=1.0, max_value=5000.0),
    cell=st.sampled_from([0.5, 1.0, 5.0]),
)
def test_nearest_matches_brute_force(
    sites: list[tuple[float, float]], query: tuple[float, float], max_km: float, cell: float
) -> None:
    index = AirportIndex(
        [fake(f"X{i:03d}", lat, lon) for i, (lat, lon) in enumerate(sites)], cell_deg=cell
    )
    distances = [haversine_km(*query, lat, lon) for lat, lon in sites]
    best = min(distances)
    match = index.nearest(*query, max_km)
    if best > max_km + 1e-6:
        assert match is None
    elif best < max_km - 1e-6:
        assert match is not None
        assert match.distance_km == pytest.approx(best, abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(a=points, dlat=st.floats(-2.0, 2.0), dlon=st.floats(-2.0, 2.0))
def test_fast_distance_close_to_haversine(a: tuple[float, float], dlat: float, dlon: float) -> None:
    lat2 = max(-90.0, min(90.0, a[0] + dlat))
    lon2 = math.remainder(a[1] + dlon, 360.0)
    exact = haversine_km(a[0], a[1], lat2, lon2)
    assert distance_km(a[0], a[1], lat2, lon2) == pytest.approx(exact, rel=0.01, abs=0.01)
