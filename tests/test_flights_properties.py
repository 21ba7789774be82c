"""Properties of the detector that must hold for any input, checked with hypothesis."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.flights import airports
from bot.flights.airports import Airport, default_index
from bot.flights.detector import SNAPSHOT_VERSION, Detector, DetectorConfig
from bot.flights.events import EventKind, FlightEvent
from bot.flights.reports import PositionReport
from bot.flights.synthetic import flight

# A failing example holds dozens of reports; hypothesis warns that printing it is
# expensive, and with warnings as errors that warning would hide the failure itself.
pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")

# Long enough that no track is forgotten within one example.
CONFIG = DetectorConfig(forget_after_s=1e9)
T0 = datetime(2025, 1, 1, 22, 0, tzinfo=UTC)


def airport(icao: str) -> Airport:
    found = airports.get(icao)
    assert found is not None
    return found


VKO, GYD, SPOOF = airport("UUWW"), airport("UBBB"), airport("ULLI")
PLACES = [(VKO.lat, VKO.lon), (GYD.lat, GYD.lon), (43.0, 51.0), (49.0, 60.0)]


def detector() -> Detector:
    return Detector(CONFIG, default_index())


def supports(report: PositionReport, event: FlightEvent) -> bool:
    """Whether a report shows the aircraft on or near the ground for this event."""
    if report.on_ground or (report.gs_kt is not None and report.gs_kt <= CONFIG.taxi_max_gs_kt):
        return True
    if report.alt_ft is None or event.airport is None:
        return False
    field = airports.get(event.airport)
    assert field is not None
    # An aircraft first seen climbing counts as having left a field up to a higher band
    # (coverage often starts a few thousand feet up: DetectorConfig.first_fix_agl_ft).
    first_fix = event.kind is EventKind.TAKEOFF and event.data.get("how") == "first_fix"
    band = CONFIG.first_fix_agl_ft if first_fix else CONFIG.low_agl_ft
    return report.alt_ft <= field.elevation_ft + band


def run_checked(
    reports: Sequence[PositionReport], ticks: Sequence[datetime] = ()
) -> list[FlightEvent]:
    """Feed reports (ticking at `ticks` in between); check invariants on the way."""
    det = detector()
    seen: dict[str, list[PositionReport]] = defaultdict(list)
    events: list[FlightEvent] = []
    pending_ticks = sorted(ticks)
    for report in reports:
        while pending_ticks and pending_ticks[0] < report.ts:
            events += det.tick(pending_ticks.pop(0))
        seen[report.hex].append(report)
        new = det.feed(report)
        for event in new:
            if event.kind in (EventKind.TAKEOFF, EventKind.LANDING):
                # Never a takeoff or landing without a ground or low fix behind it.
                assert any(supports(r, event) for r in seen[event.hex]), event
        events += new
    if reports:
        events += det.tick(max(r.ts for r in reports) + timedelta(hours=1))
    keys = [event.dedup_key for event in events]
    assert len(keys) == len(set(keys)), "a dedup key was emitted twice"
    for event in events:
        assert event.ts.tzinfo is UTC
        json.dumps(event.data)
    return events


@st.composite
def chaotic_reports(draw: st.DrawFn) -> list[PositionReport]:
    """Anything goes: jumps, glitches, odd altitudes, two aircraft, late reports."""
    count = draw(st.integers(min_value=1, max_value=40))
    elapsed = 0.0
    reports = []
    for _ in range(count):
        elapsed += draw(st.sampled_from([0.0, 5.0, 15.0, 60.0, 200.0, 400.0, 1000.0, 7200.0]))
        lat, lon = draw(st.sampled_from(PLACES))
        ground = draw(st.booleans())
        late = draw(st.sampled_from([0.0, 0.0, 0.0, 30.0]))
        reports.append(
            PositionReport(
                hex=draw(st.sampled_from(["ff2001", "ff2002"])),
                ts=T0 + timedelta(seconds=elapsed - late),
                lat=lat + draw(st.floats(-0.3, 0.3)),
                lon=lon + draw(st.floats(-0.3, 0.3)),
                alt_ft=None if ground else draw(st.none() | st.integers(-1000, 45_000)),
                on_ground=ground,
                gs_kt=draw(st.none() | st.floats(0.0, 600.0)),
                track_deg=draw(st.none() | st.floats(0.0, 359.9)),
                vrate_fpm=draw(st.none() | st.floats(-8000.0, 8000.0)),
                squawk=draw(st.sampled_from(["2000", "7700", "7600", "7500", None])),
                callsign=None,
                registration=None,
                type_code=None,
                provider="test",
            )
        )
    return reports


def baku_flight() -> list[PositionReport]:
    takeoff = T0 + timedelta(minutes=54)
    return flight("ff2003", VKO, GYD, takeoff, takeoff + timedelta(hours=2, minutes=36), step_s=60)


FLIGHT = baku_flight()


@dataclass(frozen=True)
class Damage:
    """What to do to the Baku flight (small, so hypothesis can print it)."""

    flips: tuple[int, ...]  # flip the ground bit of these reports
    spoofs: tuple[tuple[int, int], ...]  # (start, 1 or 2): fixes moved to St Petersburg
    gaps: tuple[tuple[int, int], ...]  # (start, length): reports lost
    late: tuple[tuple[int, int], ...]  # (index, lag): a report arrives again, late

    def apply(self, original: Sequence[PositionReport]) -> list[PositionReport]:
        reports: list[PositionReport | None] = list(original)
        for i in self.flips:
            r = original[i]
            alt = None if not r.on_ground else GYD.elevation_ft + 50
            reports[i] = replace(r, on_ground=not r.on_ground, alt_ft=alt)
        for start, length in self.spoofs:
            for j in range(start, start + length):
                spoofed = reports[j]
                assert spoofed is not None
                reports[j] = replace(spoofed, lat=SPOOF.lat + 0.02, lon=SPOOF.lon)
        for start, length in self.gaps:
            for j in range(start, min(len(reports), start + length)):
                reports[j] = None
        kept = [r for r in reports if r is not None]
        for index, lag in self.late:
            if 0 < index < len(kept):
                kept.insert(index, kept[max(0, index - lag)])
        return kept


n_reports = len(FLIGHT)
damages = st.builds(
    Damage,
    flips=st.lists(st.integers(0, n_reports - 1), max_size=6).map(tuple),
    # Three apart, at most two long: never three agreeing spoofed fixes in a row.
    spoofs=st.lists(
        st.tuples(st.integers(0, n_reports // 3 - 1).map(lambda i: 3 * i), st.integers(1, 2)),
        max_size=6,
        unique_by=lambda spoof: spoof[0],
    ).map(tuple),
    gaps=st.lists(st.tuples(st.integers(0, n_reports - 1), st.integers(1, 60)), max_size=3).map(
        tuple
    ),
    late=st.lists(st.tuples(st.integers(1, n_reports), st.integers(1, 5)), max_size=5).map(tuple),
)


@settings(max_examples=150, deadline=None)
@given(reports=chaotic_reports(), data=st.data())
def test_chaotic_input_keeps_the_invariants(
    reports: list[PositionReport], data: st.DataObject
) -> None:
    without_ticks = run_checked(reports)
    if not reports:
        return
    start, end = min(r.ts for r in reports), max(r.ts for r in reports)
    span = (end - start).total_seconds()
    offsets = data.draw(st.lists(st.floats(0.0, max(span, 1.0)), max_size=20))
    with_ticks = run_checked(reports, [start + timedelta(seconds=o) for o in offsets])
    # The events do not depend on how often `tick` runs (only their order may).
    assert sorted(e.dedup_key for e in with_ticks) == sorted(e.dedup_key for e in without_ticks)
    assert run_checked(reports) == without_ticks  # deterministic


def test_first_seen_climbing_above_the_low_band_is_a_supported_first_fix_takeoff() -> None:
    # Found by the chaotic-input property in a CI run: first seen at 3,011 ft near GYD,
    # climbing; a probable takeoff from GYD, inside the first-fix band, above the low one.
    at = datetime(2025, 1, 1, 22, 0, tzinfo=UTC)
    common = {"gs_kt": None, "track_deg": None, "callsign": None, "registration": None}
    moscow = PositionReport(
        hex="ff2001", ts=at, lat=55.5915, lon=37.2615, alt_ft=None, on_ground=True,
        vrate_fpm=None, squawk="2000", type_code=None, provider="test", **common,
    )  # fmt: skip
    baku = PositionReport(
        hex="ff2002", ts=at, lat=40.4675, lon=50.0467, alt_ft=3011, on_ground=False,
        vrate_fpm=300.0, squawk="2000", type_code=None, provider="test", **common,
    )  # fmt: skip
    events = run_checked([moscow, baku])  # checks the invariants on the way
    [takeoff] = [e for e in events if e.kind is EventKind.TAKEOFF]
    assert (takeoff.hex, takeoff.airport, takeoff.data["how"]) == ("ff2002", "UBBB", "first_fix")


@settings(max_examples=80, deadline=None)
@given(damage=damages)
def test_damaged_flight_never_lands_or_leaves_at_the_spoofed_place(damage: Damage) -> None:
    events = run_checked(damage.apply(FLIGHT))
    for event in events:
        assert event.airport != SPOOF.icao, event
        # (A lone fix right after a long gap cannot be checked against anything, so a
        # signal_regained may be placed at a spoofed position; takeoffs and landings not.)
        if event.kind in (EventKind.TAKEOFF, EventKind.LANDING):
            assert abs(event.lat - SPOOF.lat) > 1.0, event
        if event.kind is EventKind.TAKEOFF:
            assert event.airport in (VKO.icao, None), event
        if event.kind is EventKind.LANDING:
            assert event.airport in (GYD.icao, None), event


@settings(max_examples=60, deadline=None)
@given(reports=chaotic_reports(), split=st.floats(0.0, 1.0))
def test_snapshot_restore_anywhere_changes_nothing(
    reports: list[PositionReport], split: float
) -> None:
    whole = detector()
    expected = [event for report in reports for event in whole.feed(report)]
    cut = int(len(reports) * split)
    first = detector()
    events = [event for report in reports[:cut] for event in first.feed(report)]
    second = detector()
    second.restore(json.loads(json.dumps(first.snapshot())))
    events += [event for report in reports[cut:] for event in second.feed(report)]
    assert events == expected
    assert json.loads(json.dumps(second.snapshot())) == json.loads(json.dumps(whole.snapshot()))


OFFSETS = (0, 200, 400, 4000)  # silences around the thresholds of 180, 300 and 3000 s


@settings(max_examples=100, deadline=None)
@given(reports=chaotic_reports(), data=st.data())
def test_the_changed_tracks_are_all_a_store_needs_to_follow(
    reports: list[PositionReport], data: st.DataObject
) -> None:
    """A copy of the rows kept up to date from `take_changed` alone restores the whole state,
    whenever it is taken, with ticks that expire and forget tracks, and unwatching."""
    det = Detector(DetectorConfig(forget_after_s=3000.0), default_index())
    copy: dict[str, object] = {}

    def follow() -> None:
        for hex_ in det.take_changed():
            row = det.track_row(hex_)
            if row is None:
                copy.pop(hex_, None)
            else:
                copy[hex_] = json.loads(json.dumps(row))
        restored = detector()
        restored.restore({"version": SNAPSHOT_VERSION, "tracks": copy})
        assert restored.snapshot() == det.snapshot()

    for report in reports:
        det.feed(report)
        for action in data.draw(st.lists(st.sampled_from(["tick", "sync", "unwatch"]))):
            if action == "tick":
                det.tick(report.ts + timedelta(seconds=data.draw(st.sampled_from(OFFSETS))))
            elif action == "sync":
                follow()
            else:
                det.retain({"ff2001"})
    # Silence after the last report: a probable landing or none, lost, forgotten.
    for offset in OFFSETS:
        det.tick(max(r.ts for r in reports) + timedelta(seconds=offset))
        follow()
    # Nothing changed since: nothing to write.
    assert det.take_changed() == set()
