"""The flight-event detector on synthetic trajectories, one trap at a time."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.flights import airports
from bot.flights.airports import Airport, default_index
from bot.flights.detector import Detector, DetectorConfig, SnapshotError
from bot.flights.events import Confidence, EventKind, FlightEvent
from bot.flights.reports import PositionReport, from_readsb_v2
from bot.flights.synthetic import flight, great_circle_point

HEX = "ff1001"
T0 = datetime(2025, 1, 1, 22, 0, tzinfo=UTC)
TAKEOFF = datetime(2025, 1, 1, 22, 54, tzinfo=UTC)  # 01:54 in Moscow
LANDING = datetime(2025, 1, 2, 1, 30, tzinfo=UTC)  # 05:30 in Baku


def airport(icao: str) -> Airport:
    found = airports.get(icao)
    assert found is not None
    return found


VKO = airport("UUWW")
GYD = airport("UBBB")


def rep(
    seconds: float,
    lat: float,
    lon: float,
    alt: int | None = None,
    *,
    ground: bool = False,
    gs: float | None = None,
    vrate: float | None = None,
    squawk: str | None = "2000",
    hex_: str = HEX,
) -> PositionReport:
    """A report `seconds` after T0."""
    return PositionReport(
        hex=hex_,
        ts=T0 + timedelta(seconds=seconds),
        lat=lat,
        lon=lon,
        alt_ft=alt,
        on_ground=ground,
        gs_kt=gs,
        track_deg=None,
        vrate_fpm=vrate,
        squawk=squawk,
        callsign="DEMO1",
        registration="DEMO1",
        type_code="GLF6",
        provider="test",
    )


def detector(**overrides: object) -> Detector:
    return Detector(DetectorConfig(**overrides), default_index())  # type: ignore[arg-type]


def run(
    reports: Iterable[PositionReport],
    *,
    tick_every_s: float | None = None,
    until: datetime | None = None,
    det: Detector | None = None,
) -> list[FlightEvent]:
    """Feed reports in order, ticking like the live poller would; tick at `until`."""
    det = detector() if det is None else det
    events: list[FlightEvent] = []
    last: datetime | None = None
    for report in reports:
        if tick_every_s is not None and last is not None:
            moment = last + timedelta(seconds=tick_every_s)
            while moment < report.ts:
                events += det.tick(moment)
                moment += timedelta(seconds=tick_every_s)
        events += det.feed(report)
        last = report.ts
    if until is not None:
        events += det.tick(until)
    return events


def kinds(events: Sequence[FlightEvent]) -> list[tuple[str, str, str | None]]:
    return [(e.kind.value, e.confidence.value, e.airport) for e in events]


def vko_gyd(step_s: float = 15.0) -> list[PositionReport]:
    return flight(HEX, VKO, GYD, TAKEOFF, LANDING, step_s=step_s)


# ---- the example ---------------------------------------------------------


def test_vnukovo_to_baku_takeoff_and_landing_in_local_time() -> None:
    events = run(vko_gyd(), tick_every_s=15.0, until=LANDING + timedelta(hours=2))
    assert kinds(events) == [
        ("takeoff", "confirmed", "UUWW"),
        ("landing", "confirmed", "UBBB"),
    ]
    takeoff, landing = events
    assert takeoff.ts == TAKEOFF
    assert landing.ts == LANDING
    assert takeoff.ts.astimezone(ZoneInfo(VKO.tz)).strftime("%H:%M") == "01:54"
    assert landing.ts.astimezone(ZoneInfo(GYD.tz)).strftime("%H:%M") == "05:30"
    assert landing.data["departure"] == "UUWW"
    assert landing.data["departure_ts"] == "2025-01-01T22:54:00Z"
    assert landing.data["duration_s"] == 2 * 3600 + 36 * 60
    assert takeoff.dedup_key == f"{HEX}:takeoff:confirmed:{int(TAKEOFF.timestamp())}"
    assert landing.thread_key == landing.dedup_key
    assert (takeoff.hex, takeoff.provider) == (HEX, "synthetic")


def test_same_reports_give_the_same_events_every_time() -> None:
    first = run(vko_gyd())
    second = run(vko_gyd())
    assert first == second
    assert [e.dedup_key for e in first] == [e.dedup_key for e in second]


# ---- taxiing and air/ground flicker ----------------------------------------------


def taxi_around(*, flag: bool, glitch: bool = False) -> list[PositionReport]:
    """Half an hour of taxiing about Vnukovo at 5-25 kt."""
    reports = []
    for i in range(120):
        lat = VKO.lat + 0.004 * ((i % 20) - 10) / 10
        lon = VKO.lon + 0.006 * ((i % 30) - 15) / 15
        alt = None if flag else VKO.elevation_ft + (i % 7 - 3) * 25
        gs = 5.0 + (i % 5) * 5.0
        reports.append(rep(i * 15, lat, lon, alt, ground=flag, gs=gs))
    if glitch:
        # One report without the ground bit, as transponders do on a bump.
        reports[60] = replace(reports[60], on_ground=False, alt_ft=VKO.elevation_ft + 25)
        reports[61] = replace(reports[61], on_ground=False, alt_ft=None, gs_kt=None)
    return reports


@pytest.mark.parametrize(
    "reports",
    [
        pytest.param(taxi_around(flag=True), id="ground-bit"),
        pytest.param(taxi_around(flag=False), id="no-ground-bit-low-and-slow"),
        pytest.param(taxi_around(flag=True, glitch=True), id="air-bit-glitch"),
    ],
)
def test_taxiing_never_takes_off(reports: list[PositionReport]) -> None:
    # Even hours of silence afterwards: a parked aircraft going quiet is not news.
    assert run(reports, tick_every_s=30.0, until=T0 + timedelta(hours=6)) == []


def test_air_ground_flicker_at_liftoff_and_touchdown_gives_one_event_each() -> None:
    reports = vko_gyd()
    takeoff_i = next(i for i, r in enumerate(reports) if not r.on_ground)
    landing_i = next(i for i, r in enumerate(reports) if r.on_ground and i > takeoff_i)
    # Liftoff: the ground bit comes back for one report; touchdown: a bounce.
    reports[takeoff_i + 1] = replace(
        reports[takeoff_i + 1], on_ground=True, alt_ft=None, gs_kt=150.0
    )
    reports[landing_i + 1] = replace(
        reports[landing_i + 1], on_ground=False, alt_ft=GYD.elevation_ft + 20, gs_kt=120.0
    )
    events = run(reports)
    assert kinds(events) == [("takeoff", "confirmed", "UUWW"), ("landing", "confirmed", "UBBB")]
    # The liftoff is confirmed by the two airborne reports after the flicker.
    assert events[0].ts == reports[takeoff_i + 2].ts
    assert events[1].ts == reports[landing_i + 2].ts


# ---- coverage gaps ---------------------------------------------------------------


def with_gap(reports: list[PositionReport], start: datetime, end: datetime) -> list[PositionReport]:
    return [r for r in reports if not start <= r.ts < end]


@pytest.mark.parametrize("tick_every_s", [None, 10.0, 60.0])
def test_gap_at_cruise_is_signal_lost_and_regained_not_a_landing(
    tick_every_s: float | None,
) -> None:
    gap_start = TAKEOFF + timedelta(minutes=60)
    gap_end = TAKEOFF + timedelta(minutes=100)
    reports = with_gap(vko_gyd(), gap_start, gap_end)
    events = run(reports, tick_every_s=tick_every_s)
    assert kinds(events) == [
        ("takeoff", "confirmed", "UUWW"),
        ("signal_lost", "confirmed", None),
        ("signal_regained", "confirmed", None),
        ("landing", "confirmed", "UBBB"),
    ]
    lost, regained = events[1], events[2]
    assert lost.ts == gap_start - timedelta(seconds=15)  # the last report heard
    assert lost.alt_ft == 39_000
    assert regained.ts == gap_end
    assert regained.data["gap_s"] == 40 * 60 + 15
    assert events[3].data["duration_s"] == 2 * 3600 + 36 * 60


def test_short_dropouts_are_not_news() -> None:
    reports = vko_gyd()
    for minute in (30, 70, 110):  # three two-minute holes
        start = TAKEOFF + timedelta(minutes=minute)
        reports = with_gap(reports, start, start + timedelta(minutes=2))
    assert kinds(run(reports, tick_every_s=15.0)) == [
        ("takeoff", "confirmed", "UUWW"),
        ("landing", "confirmed", "UBBB"),
    ]


def lost_on_final() -> list[PositionReport]:
    """The Baku flight, heard until it is about 1500 ft up on final, then silence."""
    cut = LANDING - timedelta(seconds=45)
    return [r for r in vko_gyd() if r.ts <= cut]


def test_signal_lost_low_near_airport_is_a_probable_landing() -> None:
    reports = lost_on_final()
    det = detector()
    events = run(reports, det=det, tick_every_s=15.0)
    last = reports[-1].ts
    assert det.tick(last + timedelta(seconds=170)) == []  # not yet
    (probable,) = det.tick(last + timedelta(seconds=185))
    assert kinds([probable]) == [("landing", "probable", "UBBB")]
    # Not simply the nearest airport: a small field lies closer to Baku's final approach.
    nearest = airports.nearest(reports[-1].lat, reports[-1].lon, 30.0)
    assert nearest is not None and nearest.airport.icao != "UBBB"
    # Touchdown estimated along the descent: 1500 ft at 2000 fpm is 45 s.
    assert abs((probable.ts - LANDING).total_seconds()) <= 10
    assert probable.data["departure"] == "UUWW"
    assert probable.data["how"] == "lost_low"
    assert kinds(events) == [("takeoff", "confirmed", "UUWW")]
    # More silence adds no signal_lost: the landing explains it.
    assert det.tick(last + timedelta(hours=2)) == []


def after_probable(*extra: PositionReport, tick: bool = True) -> list[FlightEvent]:
    det = detector()
    run(lost_on_final(), det=det)
    events = []
    if tick:
        events += det.tick(LANDING + timedelta(minutes=5))
    for report in extra:
        events += det.feed(report)
    return events


def at(when: datetime, lat: float, lon: float, alt: int | None, **kw: object) -> PositionReport:
    return replace(rep(0, lat, lon, alt, **kw), ts=when)  # type: ignore[arg-type]


@pytest.mark.parametrize("tick", [True, False])
def test_probable_landing_confirmed_by_ground_data_in_the_same_thread(tick: bool) -> None:
    on_stand = at(LANDING + timedelta(minutes=12), GYD.lat + 0.005, GYD.lon, None, ground=True)
    probable, confirmed = after_probable(on_stand, tick=tick)
    assert kinds([probable, confirmed]) == [
        ("landing", "probable", "UBBB"),
        ("landing", "confirmed", "UBBB"),
    ]
    assert confirmed.thread_key == probable.thread_key == probable.dedup_key
    assert confirmed.dedup_key != probable.dedup_key
    assert confirmed.data["probable_airport"] == "UBBB"
    assert confirmed.data["departure"] == "UUWW"


def test_probable_landing_confirmed_by_a_later_departure() -> None:
    climbing = at(
        LANDING + timedelta(minutes=50),
        GYD.lat + 0.05,
        GYD.lon + 0.05,
        1500,
        gs=160.0,
        vrate=2200.0,
    )
    probable, confirmed, takeoff = after_probable(climbing)
    assert kinds([probable, confirmed, takeoff]) == [
        ("landing", "probable", "UBBB"),
        ("landing", "confirmed", "UBBB"),
        ("takeoff", "probable", "UBBB"),
    ]
    assert confirmed.thread_key == probable.thread_key
    assert confirmed.ts == probable.ts
    assert confirmed.data["how"] == "departure"
    assert takeoff.ts < climbing.ts  # estimated back along the climb


def test_probable_landing_withdrawn_when_it_flies_on_too_soon() -> None:
    go_around = at(
        LANDING + timedelta(minutes=6), GYD.lat + 0.1, GYD.lon, 3000, gs=180.0, vrate=1500.0
    )
    probable, regained = after_probable(go_around)
    assert kinds([probable, regained]) == [
        ("landing", "probable", "UBBB"),
        ("signal_regained", "confirmed", None),
    ]
    assert regained.thread_key == probable.thread_key
    assert regained.data["retracts"] == probable.dedup_key


def test_probable_landing_left_open_when_it_reappears_far_away_much_later() -> None:
    lat, lon = great_circle_point(GYD.lat, GYD.lon, 41.0, 60.0, 1.0)
    cruising = at(LANDING + timedelta(hours=2), lat, lon, 41000, gs=450.0, vrate=0.0)
    probable, regained = after_probable(cruising)
    assert kinds([probable, regained]) == [
        ("landing", "probable", "UBBB"),
        ("signal_regained", "confirmed", None),
    ]
    assert "retracts" not in regained.data
    assert regained.thread_key != probable.thread_key


def test_ground_report_then_silence_is_a_probable_landing() -> None:
    reports = [r for r in vko_gyd() if r.ts <= LANDING]  # one ground report, then nothing
    events = run(reports, until=LANDING + timedelta(minutes=10))
    assert kinds(events) == [("takeoff", "confirmed", "UUWW"), ("landing", "probable", "UBBB")]
    assert events[1].ts == LANDING
    assert events[1].data["how"] == "ground_then_lost"


def test_lost_at_cruise_then_seen_on_the_ground_is_a_landing() -> None:
    reports = with_gap(vko_gyd(), TAKEOFF + timedelta(minutes=60), LANDING + timedelta(minutes=3))
    events = run(reports, tick_every_s=30.0)
    assert kinds(events) == [
        ("takeoff", "confirmed", "UUWW"),
        ("signal_lost", "confirmed", None),
        ("signal_regained", "confirmed", None),
        ("landing", "confirmed", "UBBB"),
    ]
    landing = events[3]
    assert landing.data["estimated"] is True  # it landed during the gap
    assert landing.ts == LANDING + timedelta(minutes=3)


# ---- fixes after a gap -------------------------------------------------------------


@pytest.mark.parametrize(
    ("fix", "expected"),
    [
        pytest.param(
            rep(0, VKO.lat + 0.08, VKO.lon, VKO.elevation_ft + 2000, gs=170.0, vrate=2000.0),
            [("takeoff", "probable", "UUWW")],
            id="low-and-climbing-near-vnukovo",
        ),
        pytest.param(
            rep(0, VKO.lat + 0.08, VKO.lon, VKO.elevation_ft + 2000, gs=170.0, vrate=-900.0),
            [],
            id="low-but-descending",
        ),
        pytest.param(rep(0, VKO.lat + 0.08, VKO.lon, 30000, gs=420.0, vrate=2000.0), [], id="high"),
        pytest.param(
            rep(0, 43.0, 51.0, 2000, gs=170.0, vrate=2000.0), [], id="low-over-the-caspian"
        ),
        pytest.param(rep(0, VKO.lat, VKO.lon, None, ground=True), [], id="on-the-ground"),
    ],
)
def test_first_fix(fix: PositionReport, expected: list[tuple[str, str, str | None]]) -> None:
    events = run([fix])
    assert kinds(events) == expected
    if expected:
        # 2000 ft at 2000 fpm: airborne about a minute before the first fix.
        assert events[0].ts == fix.ts - timedelta(minutes=1)
        assert events[0].data["first_fix_ts"] == "2025-01-01T22:00:00Z"


def test_parked_then_seen_flying_after_a_gap_took_off_from_where_it_stood() -> None:
    parked = [rep(i * 30, VKO.lat, VKO.lon + 0.001 * i, ground=True, gs=8.0) for i in range(5)]
    lat, lon = great_circle_point(VKO.lat, VKO.lon, GYD.lat, GYD.lon, 0.3)
    later = [rep(7200 + i * 15, lat, lon + 0.05 * i, 39000, gs=450.0, vrate=0.0) for i in range(3)]
    events = run(parked + later, tick_every_s=30.0)
    assert kinds(events) == [("takeoff", "probable", "UUWW")]
    assert events[0].data["estimated"] is True
    assert events[0].data["last_ground_ts"] == "2025-01-01T22:02:00Z"


def test_one_ground_fix_then_flying_after_a_gap_leaves_the_airport_open() -> None:
    # A lone first fix may be spoofed: it does not say where the aircraft stood.
    lat, lon = great_circle_point(VKO.lat, VKO.lon, GYD.lat, GYD.lon, 0.3)
    reports = [rep(0, VKO.lat, VKO.lon, ground=True, gs=0.0)] + [
        rep(7200 + i * 15, lat, lon + 0.05 * i, 39000, gs=450.0, vrate=0.0) for i in range(3)
    ]
    assert kinds(run(reports)) == [("takeoff", "probable", None)]


def test_parked_then_climbing_out_after_a_gap() -> None:
    parked = [rep(i * 30, VKO.lat, VKO.lon + 0.001 * i, ground=True, gs=8.0) for i in range(5)]
    climb = [
        rep(
            3600 + i * 15,
            VKO.lat + 0.05 + 0.01 * i,
            VKO.lon,
            2000 + 500 * i,
            gs=170.0,
            vrate=2000.0,
        )
        for i in range(3)
    ]
    events = run(parked + climb)
    assert kinds(events) == [("takeoff", "probable", "UUWW")]
    assert events[0].data["how"] == "after_gap"


# ---- bad data ----------------------------------------------------------------------


def cruise(count: int, start_s: float = 0.0) -> list[PositionReport]:
    """Level flight at FL390 east over the Kazakh steppe at 450 kt, every 15 s."""
    step_deg = 450 * 1.852 / 3600 * 15 / (111.195 * 0.656)  # cos(49°)
    return [
        rep(start_s + i * 15, 49.0, 60.0 + i * step_deg, 39000, gs=450.0, vrate=0.0)
        for i in range(count)
    ]


def spoof(report: PositionReport, lat: float, lon: float, **fields: object) -> PositionReport:
    return replace(report, lat=lat, lon=lon, **fields)  # type: ignore[arg-type]


def test_spoofed_jump_at_cruise_is_ignored() -> None:
    reports = cruise(20)
    reports[8] = spoof(reports[8], 44.0, 70.0)  # ~900 km away
    reports[12] = spoof(reports[12], GYD.lat, GYD.lon, on_ground=True, alt_ft=None)
    assert run(reports, tick_every_s=15.0) == []


def test_spoofed_airborne_fix_does_not_take_a_parked_jet_off() -> None:
    parked = [rep(i * 15, VKO.lat, VKO.lon + 0.0005 * i, ground=True, gs=5.0) for i in range(20)]
    # Near Baku, low and climbing, one minute after being parked in Moscow.
    parked[10] = spoof(
        parked[10],
        GYD.lat + 0.05,
        GYD.lon,
        on_ground=False,
        alt_ft=1500,
        gs_kt=170.0,
        vrate_fpm=2000.0,
    )
    parked[11] = spoof(
        parked[11],
        GYD.lat + 0.06,
        GYD.lon,
        on_ground=False,
        alt_ft=2000,
        gs_kt=170.0,
        vrate_fpm=2000.0,
    )
    assert run(parked, tick_every_s=15.0, until=T0 + timedelta(hours=1)) == []


def test_ground_bit_at_cruise_over_an_airport_is_no_landing() -> None:
    overhead = [
        rep(i * 15, VKO.lat, VKO.lon - 0.2 + 0.06 * i, 39000, gs=450.0, vrate=0.0) for i in range(8)
    ]
    for i in (3, 4, 5):  # bad decodes: "ground" while at FL390
        overhead[i] = replace(overhead[i], on_ground=True, alt_ft=None)
    assert run(overhead) == []


@pytest.mark.parametrize(
    ("alt", "gs"),
    [
        pytest.param(39000, 450.0, id="cruise"),
        pytest.param(10000, 300.0, id="ten-thousand-feet"),
    ],
)
def test_ground_bit_in_flight_away_from_airports_is_no_landing(alt: int, gs: float) -> None:
    reports = [replace(r, alt_ft=alt, gs_kt=gs) for r in cruise(12)]
    for i in (4, 5, 6, 7):  # a stuck air/ground bit for a minute
        reports[i] = replace(reports[i], on_ground=True, alt_ft=None)
    assert run(reports, tick_every_s=15.0) == []


def test_agreeing_rejected_fixes_become_the_new_track_without_an_event() -> None:
    reports = cruise(5)
    # The first fixes were the bad ones: the real aircraft is on approach to Baku.
    approach = [
        rep(75 + i * 15, GYD.lat + 0.3 - 0.02 * i, GYD.lon, 5000 - 400 * i, gs=160.0, vrate=-1600.0)
        for i in range(12)
    ]
    touchdown = [
        rep(75 + 12 * 15 + i * 15, GYD.lat + 0.03 - 0.005 * i, GYD.lon, None, ground=True, gs=60.0)
        for i in range(3)
    ]
    events = run(reports + approach + touchdown)
    # No takeoff, landing or loss from the jump itself; the landing after it is real.
    assert kinds(events) == [("landing", "confirmed", "UBBB")]


def test_stale_seen_pos_is_not_a_new_position() -> None:
    """Polls every 15 s; the position stops updating after the third poll."""
    now0 = int(T0.timestamp() * 1000)
    det = detector()
    events: list[FlightEvent] = []
    for poll in range(30):
        frozen = max(0, poll - 2) * 15.0  # seen_pos grows once updates stop
        envelope = {
            "now": now0 + poll * 15_000,
            "ac": [
                {
                    "hex": HEX,
                    "alt_baro": 39000,
                    "gs": 450.0,
                    "baro_rate": 0,
                    "lat": 49.0,
                    "lon": 60.0 + 0.05 * min(poll, 2),
                    "seen_pos": frozen,
                    "seen": 0.5,
                }
            ],
        }
        (report,) = from_readsb_v2(envelope, "adsb.lol")
        before = json.dumps(det.snapshot(), sort_keys=True)
        events += det.feed(report)
        if poll > 2:
            assert json.dumps(det.snapshot(), sort_keys=True) == before  # ignored
        events += det.tick(report.ts + timedelta(seconds=frozen))
    assert kinds(events) == [("signal_lost", "confirmed", None)]
    assert events[0].ts == T0 + timedelta(seconds=30)  # when the position last moved


def test_reports_out_of_order_are_ignored() -> None:
    reports = vko_gyd()
    late = []
    for i, report in enumerate(reports):
        late.append(report)
        if i >= 5 and i % 10 == 0:
            late.append(reports[i - 5])  # a report arrives again, 75 s late
            late.append(report)  # and one twice
    assert run(late) == run(reports)


# ---- emergency -----------------------------------------------------------------------


def squawking(codes: Sequence[str | None], step_s: float = 15.0) -> list[PositionReport]:
    return [replace(r, squawk=code) for r, code in zip(cruise(len(codes)), codes, strict=True)]


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        pytest.param(["2000", "7700", "7700", "7700", "7700", "2000"], [("7700", 15)], id="held"),
        pytest.param(["2000", "7700", "2000", "2000"], [], id="blip"),
        pytest.param(["7500", "7500", "1000", "1000"], [], id="too-short"),
        pytest.param(["7600", None, "7600", "7600"], [("7600", 0)], id="gap-in-squawk"),
        pytest.param(
            ["7700", "7700", "7700", "2000", "7700", "7700", "7700"],
            [("7700", 0), ("7700", 60)],
            id="two-episodes",
        ),
        pytest.param(["7700", "7500", "7700", "7500"], [], id="changing-codes"),
    ],
)
def test_emergency_squawk_held(codes: list[str | None], expected: list[tuple[str, int]]) -> None:
    events = run(squawking(codes))
    assert [(e.data["squawk"], int((e.ts - T0).total_seconds())) for e in events] == expected
    assert all(e.kind is EventKind.EMERGENCY for e in events)
    assert len({e.dedup_key for e in events}) == len(events)


# ---- snapshot and restore --------------------------------------------------------------


@pytest.mark.parametrize("split_minutes", [5, 60, 155])
def test_snapshot_restore_continues_where_it_left(split_minutes: int) -> None:
    reports = with_gap(vko_gyd(), TAKEOFF + timedelta(minutes=60), TAKEOFF + timedelta(minutes=80))
    split = TAKEOFF + timedelta(minutes=split_minutes)
    whole = run(reports, tick_every_s=30.0)
    first = detector()
    events = run([r for r in reports if r.ts < split], det=first, tick_every_s=30.0)
    saved = json.loads(json.dumps(first.snapshot()))
    second = detector()
    second.restore(saved)
    events += run([r for r in reports if r.ts >= split], det=second, tick_every_s=30.0)
    assert events == whole


@pytest.mark.parametrize(
    "snapshot",
    [
        {"version": 99, "tracks": {}},
        {"version": 1},
        {"version": 1, "tracks": {HEX: {"phase": "air"}}},
        {"version": 1, "tracks": {HEX: "air"}},
        {"version": 1, "tracks": {HEX: [1.5, 2.0]}},  # a row, but not a whole one
    ],
)
def test_restore_rejects_foreign_snapshots(snapshot: dict[str, object]) -> None:
    with pytest.raises(SnapshotError):
        detector().restore(snapshot)


@pytest.mark.parametrize(
    ("field", "value"),
    [("t", "noon"), ("lost", 1), ("alt", 1.5), ("phase", "hovering"), ("keys", [1])],
)
def test_restore_checks_field_types(field: str, value: object) -> None:
    det = detector()
    run(cruise(3), det=det)
    snapshot = det.snapshot()
    snapshot["tracks"][HEX][field] = value
    fresh = detector()
    with pytest.raises(SnapshotError):
        fresh.restore(snapshot)
    assert len(fresh) == 0


def test_tick_forgets_long_silent_aircraft() -> None:
    det = detector(forget_after_s=3600.0)
    run(taxi_around(flag=True)[:3], det=det)
    assert len(det) == 1
    det.tick(T0 + timedelta(minutes=30))
    assert len(det) == 1
    det.tick(T0 + timedelta(hours=2))
    assert len(det) == 0


def test_events_are_plain_data() -> None:
    events = run(with_gap(vko_gyd(), TAKEOFF + timedelta(minutes=60), LANDING))
    for event in events:
        json.dumps(event.data)  # storable as it is
        assert event.ts.tzinfo is UTC
        assert isinstance(event.confidence, Confidence)
