"""Flights and whereabouts from stored events and positions (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.flights.history import State, effective_events, flights, whereabouts
from storage.flight_records import EventRecord, Fix

T0 = datetime(2025, 3, 13, 22, 54, tzinfo=UTC)
HEX = "ffa001"


def _event(
    number: int,
    kind: str,
    minutes: float,
    airport: str | None = None,
    *,
    hex_code: str = HEX,
    confidence: str = "confirmed",
    thread: str | None = None,
    **data: Any,
) -> EventRecord:
    key = f"{hex_code}:{kind}:{number}"
    return EventRecord(
        id=number,
        kind=kind,
        hex=hex_code,
        ts=T0 + timedelta(minutes=minutes),
        airport_icao=airport,
        confidence=confidence,
        dedup_key=key,
        thread_key=thread or key,
        data=data,
    )


def _fix(minutes: float, *, on_ground: bool = False, alt_ft: int | None = 30000) -> Fix:
    return Fix(HEX, T0 + timedelta(minutes=minutes), 45.0, 45.0, alt_ft, on_ground)


def test_a_takeoff_and_the_next_landing_make_one_flight() -> None:
    events = [_event(1, "takeoff", 0, "UUWW"), _event(2, "landing", 216, "UBBB")]
    [flight] = flights(events)
    assert (flight.departure, flight.arrival) == ("UUWW", "UBBB")
    assert flight.departed == T0 and flight.duration_s == 216 * 60
    assert flight.landing_confidence == "confirmed"


def test_flights_come_newest_first_and_pair_per_aircraft() -> None:
    events = [
        _event(1, "takeoff", 0, "UUWW"),
        _event(2, "takeoff", 5, "LTFM", hex_code="abc123"),
        _event(3, "landing", 216, "UBBB"),
        _event(4, "landing", 300, "OMAA", hex_code="abc123"),
        _event(5, "takeoff", 600, "UBBB"),
    ]
    found = flights(events)
    assert [(f.hex, f.departure, f.arrival) for f in found] == [
        (HEX, "UBBB", None),  # in the air, landing not seen yet
        ("abc123", "LTFM", "OMAA"),
        (HEX, "UUWW", "UBBB"),
    ]
    assert found[0].duration_s is None


def test_a_confirmed_landing_replaces_the_probable_one_of_its_thread() -> None:
    events = [
        _event(1, "takeoff", 0, "UUWW"),
        _event(2, "landing", 210, "UBBB", confidence="probable", thread="t-landing"),
        _event(3, "landing", 212, "UBBB", thread="t-landing"),
    ]
    [flight] = flights(events)
    assert flight.landing_confidence == "confirmed"
    assert flight.landed == T0 + timedelta(minutes=212)


def test_a_retracted_probable_landing_is_no_landing() -> None:
    probable = _event(2, "landing", 100, "UBBB", confidence="probable", thread="t")
    events = [
        _event(1, "takeoff", 0, "UUWW"),
        probable,
        _event(3, "signal_regained", 110, thread="t", retracts=probable.dedup_key),
        _event(4, "landing", 216, "UBBB"),
    ]
    assert [e.id for e in effective_events(events)] == [1, 4]
    [flight] = flights(events)
    assert (flight.departed, flight.landed) == (T0, T0 + timedelta(minutes=216))


def test_a_landing_without_its_takeoff_uses_its_own_departure_data() -> None:
    landing = _event(
        7, "landing", 216, "UBBB", departure="UUWW", departure_ts=T0.isoformat(), duration_s=12960
    )
    [flight] = flights([landing])
    assert (flight.departure, flight.departed, flight.duration_s) == ("UUWW", T0, 12960)
    [bare] = flights([_event(8, "landing", 216, "UBBB", departure_ts="not a time")])
    assert (bare.departure, bare.departed, bare.duration_s) == (None, None, None)


def test_two_takeoffs_in_a_row_leave_the_first_flight_without_landing() -> None:
    found = flights([_event(1, "takeoff", 0, "UUWW"), _event(2, "takeoff", 600, "UBBB")])
    assert [(f.departure, f.landed) for f in found] == [("UBBB", None), ("UUWW", None)]


NOW = T0 + timedelta(minutes=100)


def test_a_fresh_airborne_fix_after_a_takeoff_is_airborne_from_there() -> None:
    where = whereabouts(_fix(95), [_event(1, "takeoff", 0, "UUWW")], NOW)
    assert (where.state, where.airport, where.since) == (State.AIRBORNE, "UUWW", T0)
    assert where.last_seen == T0 + timedelta(minutes=95)


def test_an_airborne_aircraft_not_heard_for_a_while_is_unknown() -> None:
    where = whereabouts(_fix(60), [_event(1, "takeoff", 0, "UUWW")], NOW)
    assert where.state == State.UNKNOWN
    assert where.last_seen == T0 + timedelta(minutes=60)


def test_a_landing_means_on_the_ground_however_old() -> None:
    events = [_event(1, "takeoff", 0, "UUWW"), _event(2, "landing", 50, "UBBB")]
    where = whereabouts(_fix(49, alt_ft=1200), events, NOW + timedelta(days=3))
    assert (where.state, where.airport, where.probable) == (State.ON_GROUND, "UBBB", False)
    probable = [_event(1, "takeoff", 0), _event(3, "landing", 50, "UBBB", confidence="probable")]
    assert whereabouts(None, probable, NOW).probable


def test_a_ground_fix_without_events_is_on_the_ground_at_an_unknown_airport() -> None:
    where = whereabouts(_fix(10, on_ground=True, alt_ft=None), [], NOW)
    assert (where.state, where.airport, where.since) == (State.ON_GROUND, None, None)


def test_a_takeoff_newer_than_the_last_ground_fix_wins() -> None:
    where = whereabouts(
        _fix(1, on_ground=True), [_event(1, "takeoff", 2, "UUWW")], NOW - timedelta(minutes=90)
    )
    assert where.state == State.AIRBORNE


def test_nothing_stored_is_unknown_and_never_seen() -> None:
    where = whereabouts(None, [], NOW)
    assert (where.state, where.last_seen) == (State.UNKNOWN, None)
