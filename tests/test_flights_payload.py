"""Alert payloads of flight events: what the renderer and the map read, per event kind."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.alerts.events import FlightAlert
from bot.alerts.render_flight import render_flight
from bot.flights.airports import get
from bot.flights.events import Confidence, EventKind, FlightEvent
from bot.flights.payload import AircraftInfo, airport_info, flight_alert
from bot.kernel.i18n import translator

TS = datetime(2025, 3, 14, 1, 30, tzinfo=UTC)
ENVOY = {"slug": "envoy", "names": {"en": "Demo Envoy"}, "confidence": "confirmed"}


def _stored(event: FlightEvent, **inputs: Any) -> dict[str, Any]:
    """The alert's JSON form, as the store keeps it."""
    return flight_alert(event, **inputs).to_json()


def _event(kind: EventKind, airport: str | None, **data: object) -> FlightEvent:
    return FlightEvent(
        kind=kind,
        ts=TS,
        hex="ffa0d1",
        airport=airport,
        lat=40.46,
        lon=50.05,
        alt_ft=None,
        confidence=Confidence.CONFIRMED,
        dedup_key=f"ffa0d1:{kind.value}:confirmed:0",
        thread_key=f"ffa0d1:{kind.value}:confirmed:0",
        provider="adsb.lol",
        data=dict(data),
    )


def test_a_landing_carries_origin_duration_and_track() -> None:
    event = _event(
        EventKind.LANDING,
        "UBBB",
        departure="UUWW",
        departure_ts="2025-03-13T22:54:00Z",
        duration_s=9360,
        how="ground",
    )
    track = [(55.6, 37.3, None), (48.0, 44.0, 39000), (40.46, 50.05, None)]
    payload = _stored(
        event,
        aircraft=AircraftInfo(registration="DEMO1", callsign="DMO1", demo=True, source="test"),
        people=[ENVOY],
        airports=get,
        track=track,
    )
    assert payload["airport"] == airport_info(get("UBBB"))
    assert payload["airport"]["tz"] == "Asia/Baku" and payload["airport"]["iata"] == "GYD"
    assert payload["origin"]["icao"] == "UUWW" and payload["origin"]["lat"] > 55
    assert payload["departed_ts"] == "2025-03-13T22:54:00+00:00"
    assert payload["duration_s"] == 9360
    assert payload["track"] == [[55.6, 37.3, None], [48.0, 44.0, 39000], [40.46, 50.05, None]]
    assert payload["demo"] is True and payload["provider"] == "adsb.lol"
    text = render_flight(FlightAlert.from_json(payload), translator("en")).text
    assert "[DEMO DATA]" in text and "carrying Demo Envoy (confirmed)" in text
    assert "05:30 Baku time (01:30 UTC)" in text and "Flight time: 2 h 36 min" in text


def test_other_kinds_carry_what_they_need_and_no_more() -> None:
    takeoff = _stored(
        _event(EventKind.TAKEOFF, "UUWW", how="first_fix", estimated=True),
        aircraft=AircraftInfo(),
        people=[],
        airports=get,
        track=[(55.6, 37.3, 1000)],
    )
    assert takeoff["estimated"] is True and "track" not in takeoff and "origin" not in takeoff
    assert "demo" not in takeoff
    emergency = _stored(
        _event(EventKind.EMERGENCY, None, squawk="7700", held_s=40),
        aircraft=AircraftInfo(),
        people=[],
        airports=get,
    )
    assert emergency["airport"] is None and emergency["squawk"] == "7700"
    assert "7700" in render_flight(FlightAlert.from_json(emergency), translator("en")).text
    regained = _stored(
        _event(EventKind.SIGNAL_REGAINED, "UBBB", retracts="ffa0d1:landing:probable:0"),
        aircraft=AircraftInfo(),
        people=[],
        airports=get,
    )
    assert regained["retracts"] == "ffa0d1:landing:probable:0"
    # An ICAO code airportsdata does not know leaves the place unknown, not invented.
    unknown = _stored(
        _event(EventKind.LANDING, "ZZZZ"), aircraft=AircraftInfo(), people=[], airports=get
    )
    assert unknown["airport"] is None and "origin" not in unknown
