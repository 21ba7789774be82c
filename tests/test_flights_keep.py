"""Which reports are new and which are kept: stale positions, downsampling, state."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.flights.keep import KeepRule, Sightings
from bot.flights.reports import PositionReport

T0 = datetime(2025, 3, 13, 23, 30, tzinfo=UTC)


def _report(seconds: float, **changes: object) -> PositionReport:
    base = PositionReport(
        hex="ffa0c1",
        ts=T0 + timedelta(seconds=seconds),
        lat=50.0,
        lon=40.0,
        alt_ft=39_000,
        on_ground=False,
        gs_kt=420.0,
        track_deg=140.0,
        vrate_fpm=0.0,
        squawk="2000",
        callsign="DEMO1",
        registration=None,
        type_code=None,
        provider="adsb.lol",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_position_not_newer_than_the_last_seen_is_stale() -> None:
    sightings = Sightings()
    assert sightings.fresh([_report(0)]) == [_report(0)]
    assert sightings.fresh([_report(0)]) == []  # the same answer again
    assert sightings.fresh([_report(-5), _report(10)]) == [_report(10)]
    # Another aircraft has its own clock; order is by time.
    other = _report(1, hex="ffa0c2")
    assert sightings.fresh([_report(20), other]) == [other, _report(20)]


def test_steady_cruise_is_kept_once_a_minute_and_changes_at_once() -> None:
    sightings = Sightings(KeepRule(every_s=60.0, alt_step_ft=1000, turn_deg=20.0))
    cruise = [_report(15 * i) for i in range(12)]  # 3 minutes every 15 s
    kept = [r.ts for r in sightings.fresh(cruise) if sightings.keep(r)]
    assert kept == [T0 + timedelta(seconds=s) for s in (0, 60, 120)]
    assert sightings.keep(_report(190, track_deg=170.0))  # a turn
    assert sightings.keep(_report(200, track_deg=170.0, alt_ft=37_900))  # a descent
    assert not sightings.keep(_report(210, track_deg=172.0, alt_ft=37_500))
    assert sightings.keep(_report(220, track_deg=172.0, alt_ft=37_500, squawk="7700"))
    assert sightings.keep(
        _report(225, track_deg=172.0, alt_ft=37_500, squawk="7700", on_ground=True)
    )


def test_the_state_survives_a_round_trip_and_bad_entries_are_dropped() -> None:
    sightings = Sightings()
    for report in sightings.fresh([_report(0), _report(30, hex="ffa0c2", callsign="DMO2")]):
        sightings.keep(report)
    restored = Sightings()
    restored.restore({**sightings.to_dict(), "ffa0c3": ["not", "a", "row"]})
    assert restored.to_dict() == sightings.to_dict()
    assert restored.callsign("ffa0c2") == "DMO2"
    assert restored.fresh([_report(0), _report(30, hex="ffa0c2")]) == []
    assert not restored.keep(_report(20))
    restored.retain(["ffa0c1"])
    assert restored.callsign("ffa0c2") is None


def test_only_changed_entries_are_reported_for_the_store() -> None:
    sightings = Sightings()
    for report in sightings.fresh([_report(0), _report(0, hex="ffa0c2")]):
        sightings.keep(report)
    assert sightings.take_changed() == {"ffa0c1", "ffa0c2"}
    assert sightings.take_changed() == set()
    # A stale answer changes nothing; a new position of one aircraft changes it alone.
    assert sightings.fresh([_report(0), _report(0, hex="ffa0c2")]) == []
    assert sightings.take_changed() == set()
    for report in sightings.fresh([_report(15)]):
        sightings.keep(report)
    assert sightings.take_changed() == {"ffa0c1"}
    assert sightings.entry("ffa0c1") == sightings.to_dict()["ffa0c1"]
    # Unwatched: gone, and reported so that its row goes too.
    sightings.retain(["ffa0c1"])
    assert sightings.take_changed() == {"ffa0c2"} and sightings.entry("ffa0c2") is None
    # Restored entries are what the store holds; a malformed one is to be rewritten.
    sightings.restore({**sightings.to_dict(), "ffa0c3": ["not", "a", "row"]})
    assert sightings.take_changed() == {"ffa0c3"} and sightings.entry("ffa0c3") is None
