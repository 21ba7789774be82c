"""The map's title and labels: the text, language-neutral, and where the renderer puts it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest

from bot.alerts.events import FlightAlert
from bot.flights.alert_map import landing_map, landing_title
from bot.flights.history import Flight
from bot.flights.maps import AirportMark, MapTitle, map_view, render_track_png
from bot.flights.maps_title import aircraft_name, airport_mark, flight_title, route, utc_span
from bot.flights.status_text import track_picture
from bot.kernel.i18n import translator
from storage.flight_records import Fix
from storage.models import Aircraft
from tests.alerting import BAKU, LANDING_TS, TAKEOFF_TS, VNUKOVO, landing_payload
from tests.test_flights_maps import GYD, VKO, flight, pixels, png_size

TRACK: list[list[float]] = [
    [55.5915, 37.2615, 0],
    [50.0, 44.0, 39000],
    [45.0, 48.5, 30000],
    [40.4675, 50.0467, 0],
]
ORIGIN = {**VNUKOVO, "lat": 55.5915, "lon": 37.2615}
ARRIVAL = {**BAKU, "lat": 40.4675, "lon": 50.0467}
TITLE = MapTitle("DEMO1 · GLF6", ("Moscow (VKO) → Baku (GYD)", "2025-03-13 22:54 UTC"))
WHITE = np.array([1.0, 1.0, 1.0])


def test_the_landing_map_title_names_aircraft_route_and_utc_times() -> None:
    payload = landing_payload(type_code="GLF6", track=TRACK)
    assert landing_title(FlightAlert.from_json(payload)) == MapTitle(
        "DEMO1 · DMO1 · GLF6",
        ("Moscow (VKO) → Baku (GYD)", "2025-03-13 22:54 – 2025-03-14 01:30 UTC"),
    )


@pytest.mark.parametrize(
    ("registration", "callsign", "type_code", "hex_code", "expected"),
    [
        ("RA-96022", "RSD093", "IL96", "1513ad", "RA-96022 · RSD093 · IL96"),
        ("DEMO1", "demo1", None, "ffd001", "DEMO1"),  # the callsign is the registration
        (None, "RSD093", None, "1513ad", "RSD093"),
        ("", " ", "GLF6", "ffd001", "FFD001 · GLF6"),
        (None, None, None, None, "?"),
    ],
)
def test_the_aircraft_is_its_registration_else_callsign_else_hex(
    registration: str | None,
    callsign: str | None,
    type_code: str | None,
    hex_code: str | None,
    expected: str,
) -> None:
    assert aircraft_name(registration, callsign, type_code, hex_code) == expected


def test_route_and_times_say_what_is_known() -> None:
    assert route(None, BAKU) == "… → Baku (GYD)"
    assert route({"icao": "UUEE", "name": "Sheremetyevo"}, {"icao": "ZZZZ"}) == (
        "Sheremetyevo (UUEE) → ZZZZ"
    )
    early = datetime(2025, 3, 14, 0, 10, tzinfo=UTC)
    late = datetime(2025, 3, 14, 1, 30, tzinfo=UTC)
    assert utc_span(early, late) == "2025-03-14 00:10 – 01:30 UTC"
    assert utc_span(None, late) == "2025-03-14 01:30 UTC"
    assert utc_span(None, None) == ""
    assert flight_title("DEMO1", None, BAKU) == MapTitle("DEMO1", ("… → Baku (GYD)",))


def test_airports_are_labelled_with_code_and_city() -> None:
    assert airport_mark(ORIGIN) == AirportMark("VKO", 55.5915, 37.2615, "Moscow")
    assert airport_mark(VNUKOVO) is None  # no position: nothing to mark


def test_the_renderer_draws_the_title_box_and_the_city_labels() -> None:
    track = flight(VKO, GYD)
    marks = [AirportMark("VKO", *VKO), AirportMark("GYD", *GYD)]
    plain = render_track_png(track, airports=marks)
    titled = render_track_png(track, airports=marks, title=TITLE)
    assert png_size(titled) == (1024, 768)
    assert titled != plain
    # The box is white (with dark text) where the map is land or water.
    corner = (slice(20, 60), slice(30, 200))
    assert np.median(np.linalg.norm(pixels(titled)[corner] - WHITE, axis=2)) < 0.05
    assert np.linalg.norm(pixels(titled)[corner] - WHITE, axis=2).max() > 1.0
    assert np.linalg.norm(pixels(plain)[corner] - WHITE, axis=2).min() > 0.05
    with_cities = [AirportMark("VKO", *VKO, "Moscow"), AirportMark("GYD", *GYD, "Baku")]
    assert render_track_png(track, airports=with_cities, title=TITLE) != titled


def test_a_track_under_the_title_is_moved_clear_of_it() -> None:
    # Helsinki in the top left corner of a Helsinki–Baku map.
    track: list[Any] = [(60.3172, 24.9633), (50.0, 40.0), (40.4675, 50.0467)]
    plain, titled = map_view(track), map_view(track, title=TITLE)
    col, row = plain.pixel(60.3172, 24.9633)
    assert col < 290 and row < 100  # where the box would be
    col, row = titled.pixel(60.3172, 24.9633)
    assert row > 100
    # Away from the corner the map is left as it is.
    south = [(45.0, 40.0), (40.4675, 50.0467)]
    assert map_view(south, title=TITLE) == map_view(south)


def test_the_landing_map_carries_its_title() -> None:
    payload = landing_payload(track=TRACK, origin=ORIGIN, airport=ARRIVAL)
    png = landing_map(FlightAlert.from_json(payload))
    assert png is not None and png_size(png) == (1024, 768)
    untitled = render_track_png(
        [(p[0], p[1], p[2]) for p in TRACK],
        airports=[AirportMark("VKO", 55.5915, 37.2615), AirportMark("GYD", 40.4675, 50.0467)],
    )
    assert png != untitled
    assert landing_map(FlightAlert.from_json({**payload, "kind": "takeoff"})) is None


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "ru",
            (
                "Москва (VKO) → Баку (GYD)",
                "13 мар. 2025\u202fг., 22:54 – 14 мар. 2025\u202fг., 01:30 UTC",
            ),
        ),
        ("az", ("Moskva (VKO) → Bakı (GYD)", "13 mar 2025, 22:54 – 14 mar 2025, 01:30 UTC")),
        ("en", ("Moscow (VKO) → Baku (GYD)", "Mar 13, 2025, 22:54 – Mar 14, 2025, 01:30 UTC")),
    ],
)
def test_a_map_drawn_for_one_chat_is_titled_in_its_language(
    locale: str, expected: tuple[str, str]
) -> None:
    """The /status map is drawn per chat: cities and dates in its language, codes and UTC kept."""
    t = translator(locale)
    title = flight_title("DEMO1", VNUKOVO, BAKU, departed=TAKEOFF_TS, landed=LANDING_TS, t=t)
    assert title == MapTitle("DEMO1", expected)
    city = expected[0].split(" (")[0]
    assert airport_mark(ORIGIN, t) == AirportMark("VKO", 55.5915, 37.2615, city)


def test_the_status_map_carries_the_aircraft_and_the_chats_language() -> None:
    points = flight(VKO, GYD, n=20)
    fixes = [
        Fix("ffd001", p.ts or LANDING_TS, p.lat, p.lon, int(p.alt_ft or 0), False, "DMO1")
        for p in points
    ]
    last = Flight("ffd001", "UUWW", fixes[0].ts, "UBBB", fixes[-1].ts, "confirmed")
    demo = Aircraft(hex="ffd001", registration="DEMO1", type_code="GLF6")
    ru = track_picture(fixes, last, translator("ru"), demo)
    en = track_picture(fixes, last, translator("en"), demo)
    assert ru is not None and en is not None and png_size(ru) == (1024, 768)
    assert ru != en
    assert track_picture(fixes, last, translator("ru"), None) != ru  # "DMO1", not "DEMO1 · GLF6"
