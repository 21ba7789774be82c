"""The live poll round over real HTTP to fake providers, on SQLite and PostgreSQL:
events stored once with the payload alerts need, positions kept, health recorded,
provider faults survived, and the detector state carried across a restart."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import aiohttp
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.events import FlightAlert
from bot.alerts.render_flight import render_flight
from bot.flights.airports import default_index, get
from bot.flights.geo import bearing_deg, haversine_km
from bot.flights.polling import FlightWatch, PollResult
from bot.flights.providers import FlightFetcher, Limits, build_providers
from bot.flights.reports import PositionReport
from bot.flights.scenario import poll_instants
from bot.flights.synthetic import flight, great_circle_point, taxi
from bot.flights.thresholds import DestinationConfig
from bot.flights.track import Track
from bot.kernel.config import load_settings
from bot.kernel.i18n import translator
from bot.net.http import new_session
from storage.flight_state import AircraftState, save_state
from storage.models import (
    Aircraft,
    AlertPayload,
    FlightEventRow,
    FlightTrackState,
    FlightWatchState,
    OutboxRow,
    Person,
    PersonAircraft,
    Position,
    Source,
    SubscriptionKind,
)
from tests.alerting import subscribe_chats
from tests.fakes.adsb import FakeADSB, FaultKind

T = TypeVar("T")
HEX = "ffa0b1"
TAKEOFF = datetime(2025, 3, 13, 22, 54, tzinfo=UTC)
LANDING = datetime(2025, 3, 14, 1, 30, tzinfo=UTC)
FAST = Limits(
    requests=1000,
    per_seconds=1.0,
    timeout_s=0.5,
    max_wait_s=1.0,
    backoff_base_s=120.0,
    backoff_max_s=240.0,
)


class Clock:
    """The time of the test; both fakes and the poller read it."""

    def __init__(self) -> None:
        self.now = TAKEOFF - timedelta(hours=1)

    def __call__(self) -> datetime:
        return self.now

    def seconds(self) -> float:
        return self.now.timestamp()


def _flight() -> list[PositionReport]:
    vko, gyd = get("UUWW"), get("UBBB")
    assert vko is not None and gyd is not None
    return flight(HEX, vko, gyd, TAKEOFF, LANDING, step_s=60.0)


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def _fake(clock: Clock) -> FakeADSB:
    fake = FakeADSB()
    await fake.start()
    fake.clock = clock.seconds
    fake.fault_timeout = 2.0
    fake.load_reports(_flight())
    return fake


@pytest.fixture
async def fakes(clock: Clock) -> AsyncIterator[tuple[FakeADSB, FakeADSB]]:
    first, second = await _fake(clock), await _fake(clock)
    try:
        yield first, second
    finally:
        await first.stop()
        await second.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with new_session() as session:
        yield session


@pytest.fixture
async def watchlist(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        person = Person(
            slug="envoy",
            names={"en": "Demo Envoy", "ru": "Демо-посланник", "az": "Demo nümayəndə"},
        )
        session.add(person)
        session.add(Aircraft(hex=HEX, registration="DEMO1", type_code="GLF6", source="test"))
        await session.flush()
        assert person.id is not None
        session.add(PersonAircraft(person_id=person.id, aircraft_hex=HEX, note="test link"))
    await subscribe_chats(sessions, [(101, "ru")], kind=SubscriptionKind.PERSON, key="envoy")


@dataclass
class Rig:
    """The store with a watchlist, two fake providers and the clock they share."""

    sessions: async_sessionmaker[AsyncSession]
    http: aiohttp.ClientSession
    fakes: tuple[FakeADSB, FakeADSB]
    clock: Clock

    def watch(
        self,
        providers: int = 1,
        wake: Callable[[], None] = lambda: None,
        names: Sequence[str] = ("adsb.lol", "airplanes.live"),
        slice_size: int | None = None,
        destinations: DestinationConfig | None = None,
    ) -> FlightWatch:
        """A poller over the first `providers` fakes, in order (a new process each time)."""
        chosen = names[:providers]
        settings = load_settings(
            SUMMITWATCH_FLIGHT_PROVIDERS=",".join(
                f"{name}={fake.base_url(name)}"
                for name, fake in zip(chosen, self.fakes[:providers], strict=True)
            )
        )
        providers_ = build_providers(settings, self.http, limits=dict.fromkeys(chosen, FAST))
        fetcher = FlightFetcher(providers_, clock=self.clock, rng=random.Random(7))
        return FlightWatch(
            self.sessions,
            fetcher,
            clock=self.clock,
            wake=wake,
            airports=default_index(),
            slice_size=slice_size,
            # Most of these tests count the detector's events: no predictions in the air
            # unless asked (test_a_diversion_...; test_e2e_flights.py has them on).
            destinations=destinations,
        )

    async def follow(self, watch: FlightWatch, instants: Iterable[datetime]) -> list[PollResult]:
        """Poll at each instant."""
        results = []
        for instant in instants:
            self.clock.now = instant
            results.append(await watch.poll())
        return results

    async def rows(self, model: type[T]) -> list[T]:
        async with self.sessions() as session:
            return list((await session.exec(select(model))).all())

    async def kinds(self) -> list[str]:
        """The stored events' kinds, in time order."""
        return [e.kind for e in sorted(await self.rows(FlightEventRow), key=lambda e: e.ts)]


@pytest.fixture
async def rig(
    sessions: async_sessionmaker[AsyncSession],
    http: aiohttp.ClientSession,
    fakes: tuple[FakeADSB, FakeADSB],
    clock: Clock,
    watchlist: None,
) -> Rig:
    return Rig(sessions, http, fakes, clock)


async def test_a_flight_becomes_one_takeoff_and_one_landing_alert(rig: Rig) -> None:
    woken: list[int] = []
    watch = rig.watch(wake=lambda: woken.append(1))
    instants = poll_instants(_flight())
    results = await rig.follow(watch, instants)

    assert all(r.provider == "adsb.lol" for r in results)
    events = sorted(await rig.rows(FlightEventRow), key=lambda e: e.ts)
    assert [(e.kind, e.airport_icao, e.ts) for e in events] == [
        ("takeoff", "UUWW", TAKEOFF),
        ("landing", "UBBB", LANDING),
    ]
    assert len(woken) == 2
    outbox = sorted(await rig.rows(OutboxRow), key=lambda r: r.event_id)
    assert [r.chat_id for r in outbox] == [101, 101]
    takeoff, landing = (r.payload for r in outbox)
    assert takeoff["airport"]["tz"] == "Europe/Moscow" and takeoff["airport"]["iata"] == "VKO"
    assert takeoff["people"] == [
        {
            "slug": "envoy",
            "names": {"en": "Demo Envoy", "ru": "Демо-посланник", "az": "Demo nümayəndə"},
            "confidence": "believed",
        }
    ]
    assert takeoff["callsign"] == "DEMO1" and takeoff["registration"] == "DEMO1"
    assert "track" not in takeoff
    assert landing["origin"]["icao"] == "UUWW" and landing["airport"]["icao"] == "UBBB"
    assert landing["duration_s"] == int((LANDING - TAKEOFF).total_seconds())
    assert landing["departed_ts"] == TAKEOFF.isoformat()
    # The map track: the kept positions from before the takeoff to the touchdown.
    track = landing["track"]
    assert 60 < len(track) < 200
    assert track[0][0] == pytest.approx(55.59, abs=0.05)
    assert track[-1][0] == pytest.approx(40.47, abs=0.05)
    text = render_flight(FlightAlert.from_json(landing), translator("ru")).text
    assert "05:30" in text and "01:54" in text and "Демо-посланник" in text

    # Positions are downsampled, keep their provider, and every kept one is distinct.
    positions = await rig.rows(Position)
    fresh = sum(r.fresh for r in results)
    assert 0 < len(positions) <= fresh
    assert {p.provider for p in positions} == {"adsb.lol"}
    assert len({p.ts for p in positions}) == len(positions)
    [health] = await rig.rows(Source)
    assert health.name == "adsb.lol" and health.consecutive_failures == 0
    assert health.last_success_at == instants[-1]


async def test_a_position_seen_before_is_not_new(rig: Rig) -> None:
    watch = rig.watch()
    rig.clock.now = TAKEOFF - timedelta(minutes=5)
    assert (await watch.poll()).fresh == 1
    # Same answer again, then the same fix 20 s older (seen_pos grew): nothing new.
    assert (await watch.poll()).fresh == 0
    rig.clock.now += timedelta(seconds=20)
    again = await watch.poll()
    assert (again.reports, again.fresh) == (1, 0)
    assert len(await rig.rows(Position)) == 1


async def test_restart_continues_the_flight_without_repeating_an_event(rig: Rig) -> None:
    instants = poll_instants(_flight())
    half = len(instants) // 2
    first = rig.watch()
    await rig.follow(first, instants[:half])
    # A new process: same store, new fetcher and detector; it polls the last instant
    # again before going on.
    second = rig.watch()
    results = await rig.follow(second, instants[half - 1 :])
    assert results[0].stored == []
    events = sorted(await rig.rows(FlightEventRow), key=lambda e: e.ts)
    assert [e.kind for e in events] == ["takeoff", "landing"]
    # Only a restored detector knows where and when the flight began.
    assert events[1].data["departure"] == "UUWW"
    [state] = await rig.rows(FlightWatchState)
    assert state.revision > 1


async def test_replaying_a_flight_from_scratch_stores_nothing_twice(rig: Rig) -> None:
    instants = poll_instants(_flight())
    await rig.follow(rig.watch(), instants)
    # The state is lost (a wiped row, another format): the flight is detected again
    # from the first position, and the dedup keys turn it away.
    async with rig.sessions.begin() as session:
        await session.exec(delete(FlightWatchState))
        await session.exec(delete(Position))
    results = await rig.follow(rig.watch(), instants)
    assert sorted(e.kind.value for r in results for e in r.events) == ["landing", "takeoff"]
    assert [s for r in results for s in r.stored] == []
    assert len(await rig.rows(FlightEventRow)) == 2
    assert len(await rig.rows(OutboxRow)) == 2


FAULTS: Sequence[FaultKind] = (
    "timeout",
    "500",
    "503",
    "429",
    "malformed_json",
    "html_200",
    "no_ac",
    "wrong_shape",
    "oversized",
)


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("kind", FAULTS)
async def test_a_failing_provider_fails_over_and_is_recorded(kind: FaultKind, rig: Rig) -> None:
    primary = rig.fakes[0]
    primary.fault_timeout = 1.0
    watch = rig.watch(providers=2)
    instants = poll_instants(_flight())
    # On the ground before the flight, then the primary fails once at the takeoff.
    takeoff_at = instants.index(TAKEOFF)
    await rig.follow(watch, instants[:takeoff_at])
    primary.fail_next(kind, retry_after=45)
    rig.clock.now = TAKEOFF
    failed = await watch.poll()
    assert failed.provider == "airplanes.live" and failed.fresh == 1
    sources = {s.name: s for s in await rig.rows(Source)}
    assert sources["adsb.lol"].consecutive_failures == 1
    assert sources["adsb.lol"].last_error and sources["adsb.lol"].last_error_at == TAKEOFF
    assert sources["airplanes.live"].last_success_at == TAKEOFF
    results = await rig.follow(watch, instants[takeoff_at + 1 :])
    # The primary is skipped while it backs off (at least half the 120 s base, and
    # Retry-After when longer), then used again; the flight comes out exactly as
    # without the fault.
    assert results[0].provider == "airplanes.live"
    assert results[-1].provider == "adsb.lol"
    events = sorted(await rig.rows(FlightEventRow), key=lambda e: e.ts)
    assert [(e.kind, e.ts) for e in events] == [("takeoff", TAKEOFF), ("landing", LANDING)]


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_an_outage_on_approach_makes_no_event_and_the_landing_follows(rig: Rig) -> None:
    watch = rig.watch(providers=2)
    instants = poll_instants(_flight())
    on_approach = [t for t in instants if LANDING - timedelta(minutes=4) < t < LANDING]
    await rig.follow(watch, [t for t in instants if t < on_approach[0]])
    # Low and descending near Baku, every provider goes down for ten minutes.
    for fake in rig.fakes:
        fake.fail_next("503", count=1000)
    outage = [on_approach[0] + timedelta(seconds=30 * i) for i in range(20)]
    results = await rig.follow(watch, outage)
    assert all(r.provider is None and r.events == [] for r in results)
    sources = {s.name: s for s in await rig.rows(Source)}
    assert all(s.consecutive_failures >= 1 for s in sources.values())
    assert await rig.kinds() == ["takeoff"]
    # Back, the provider shows the aircraft on the ground at Baku: a landing.
    for fake in rig.fakes:
        fake.clear_faults()
    # (Both providers back off at most 240 s here; the parked aircraft stays listed.)
    await rig.follow(watch, [outage[-1] + timedelta(seconds=60 * i) for i in range(1, 9)])
    events = sorted(await rig.rows(FlightEventRow), key=lambda e: e.ts)
    # Touchdown was missed: the landing is confirmed when it is first seen on the ground.
    assert [(e.kind, e.airport_icao) for e in events] == [("takeoff", "UUWW"), ("landing", "UBBB")]
    assert LANDING < events[1].ts <= rig.clock.now


async def test_the_job_never_raises(sessions: async_sessionmaker[AsyncSession]) -> None:
    from bot.flights.live import LiveFlights

    settings = load_settings(SUMMITWATCH_FLIGHT_PROVIDERS="nosuch=http://127.0.0.1:9")
    async with sessions.begin() as session:
        session.add(Aircraft(hex=HEX, registration="DEMO1", source="test"))
    live = LiveFlights(settings, sessions, clock=lambda: datetime.now(UTC), wake=lambda: None)
    assert await live.poll() is None
    await live.close()


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_our_outage_is_not_the_aircraft_losing_its_signal_but_a_gap_is(rig: Rig) -> None:
    watch = rig.watch()
    instants = poll_instants(_flight())
    outage = TAKEOFF + timedelta(hours=1)
    gap = outage + timedelta(minutes=40)
    await rig.follow(watch, [t for t in instants if t < outage])
    # Twenty minutes without any answer: we were blind, the aircraft flew on.
    rig.fakes[0].fail_next("503", count=1000)
    down = await rig.follow(watch, [outage + timedelta(minutes=m) for m in range(0, 20, 2)])
    assert all(r.provider is None for r in down)
    rig.fakes[0].clear_faults()
    await rig.follow(watch, [t for t in instants if outage + timedelta(minutes=20) <= t < gap])
    # Ten minutes of answers without the aircraft: a real gap in its coverage.
    rig.fakes[0].fail_next("empty_ac", count=1000)
    silent = await rig.follow(watch, [gap + timedelta(minutes=m) for m in range(0, 10, 2)])
    assert all(r.provider == "adsb.lol" for r in silent)
    rig.fakes[0].clear_faults()
    await rig.follow(watch, [t for t in instants if t >= gap + timedelta(minutes=10)])
    events = sorted(await rig.rows(FlightEventRow), key=lambda e: e.ts)
    assert [e.kind for e in events] == ["takeoff", "signal_lost", "signal_regained", "landing"]
    assert gap - timedelta(minutes=2) <= events[1].ts < gap


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_opensky_carries_the_flight_when_the_readsb_provider_is_down(rig: Rig) -> None:
    watch = rig.watch(providers=2, names=("adsb.lol", "opensky"))
    rig.fakes[0].fail_next("503", count=1000)
    results = await rig.follow(watch, poll_instants(_flight()))
    assert {r.provider for r in results} == {"opensky"}
    events = sorted(await rig.rows(FlightEventRow), key=lambda e: e.ts)
    assert [(e.kind, e.airport_icao, e.ts, e.provider) for e in events] == [
        ("takeoff", "UUWW", TAKEOFF, "opensky"),
        ("landing", "UBBB", LANDING, "opensky"),
    ]
    assert {p.provider for p in await rig.rows(Position)} == {"opensky"}


async def test_processes_taking_turns_continue_each_others_state(rig: Rig) -> None:
    """Two processes polling in turn (a leader change, then back) share one flight."""
    instants = poll_instants(_flight())
    first, second = rig.watch(), rig.watch()
    thirds = len(instants) // 3
    await rig.follow(first, instants[:thirds])
    await rig.follow(second, instants[thirds : 2 * thirds])
    await rig.follow(first, instants[2 * thirds :])
    events = sorted(await rig.rows(FlightEventRow), key=lambda e: e.ts)
    assert [(e.kind, e.ts) for e in events] == [("takeoff", TAKEOFF), ("landing", LANDING)]
    assert events[1].data["departure"] == "UUWW"
    # A poller that saves over a state it did not restore is refused, not silently wrong.
    stale_revision = (await rig.rows(FlightWatchState))[0].revision - 1
    async with rig.sessions.begin() as session:
        assert (
            await save_state(
                session, "detector", {}, revision=stale_revision, now=rig.clock(), aircraft=[]
            )
        ) is None


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_watchlist_polled_in_slices_still_gets_every_event_on_time(rig: Rig) -> None:
    """Two aircraft, one per round: each is asked every other round, none looks silent."""
    other = "ffa0b2"
    vko, gyd = get("UUWW"), get("UBBB")
    assert vko is not None and gyd is not None
    rig.fakes[0].load_reports(flight(other, gyd, vko, TAKEOFF, LANDING, step_s=60.0))
    async with rig.sessions.begin() as session:
        session.add(Aircraft(hex=other, registration="DEMO2", source="test"))
    watch = rig.watch(slice_size=1)  # what a provider of one hex per round allows
    start, end = TAKEOFF - timedelta(minutes=10), LANDING + timedelta(minutes=10)
    rounds = int((end - start).total_seconds() // 30)
    results = await rig.follow(watch, [start + timedelta(seconds=30 * i) for i in range(rounds)])
    assert {r.watched for r in results} == {2} and max(r.reports for r in results) == 1
    events = sorted(await rig.rows(FlightEventRow), key=lambda e: (e.hex, e.ts))
    assert [(e.hex, e.kind, e.airport_icao, e.ts) for e in events] == [
        (HEX, "takeoff", "UUWW", TAKEOFF),
        (HEX, "landing", "UBBB", LANDING),
        (other, "takeoff", "UBBB", TAKEOFF),
        (other, "landing", "UUWW", LANDING),
    ]


PARKED = "ffa0b3"


async def _park(rig: Rig, at: datetime) -> None:
    """A second watched aircraft, reported once standing at Vnukovo, then switched off."""
    vko = get("UUWW")
    assert vko is not None
    rig.fakes[0].load_track(PARKED, [(at.timestamp(), vko.lat, vko.lon, "ground", 0.0)])
    async with rig.sessions.begin() as session:
        session.add(Aircraft(hex=PARKED, registration="DEMO3", source="test"))


async def _tracks(rig: Rig) -> dict[str, FlightTrackState]:
    return {row.hex: row for row in await rig.rows(FlightTrackState)}


def _track(row: FlightTrackState) -> dict[str, Any]:
    """The detector's state of the aircraft that a row holds."""
    assert row.track is not None
    return Track.from_row(row.hex, row.track).to_dict()


async def test_a_save_writes_only_the_aircraft_that_changed(rig: Rig) -> None:
    instants = poll_instants(_flight())
    await _park(rig, instants[0])
    watch = rig.watch()
    await rig.follow(watch, instants[:40])
    rows = await _tracks(rig)
    [state] = await rig.rows(FlightWatchState)
    # Saved many times since (the flight took off), the parked aircraft's row only once.
    assert state.revision > 2
    parked, flying = rows[PARKED], rows[HEX]
    assert parked.updated_at == instants[0]
    assert _track(parked)["phase"] == "ground"
    assert flying.updated_at > instants[30]
    assert _track(flying)["t"] > instants[30].timestamp()
    # The global row holds no track.
    assert set(state.state) == {"version", "answered_at", "freshness"}
    assert state.state["freshness"]["watched"] == len(rows)


async def test_an_event_saves_its_aircraft_at_once_the_rest_once_a_minute(rig: Rig) -> None:
    other = "ffa0b2"  # cruising towards Vnukovo, a new position every 20 s
    vko, gyd = get("UUWW"), get("UBBB")
    assert vko is not None and gyd is not None
    rig.fakes[0].load_reports(
        flight(other, gyd, vko, TAKEOFF - timedelta(hours=1), LANDING, step_s=20.0)
    )
    async with rig.sessions.begin() as session:
        session.add(Aircraft(hex=other, registration="DEMO2", source="test"))
    watch = rig.watch()
    # Rounds every 20 s, a full save at 20 s past each minute; the takeoff is confirmed
    # by a report on a full minute.
    start = TAKEOFF - timedelta(minutes=10) + timedelta(seconds=20)
    for k in range(60):
        rig.clock.now = start + timedelta(seconds=20 * k)
        if (await watch.poll()).stored:
            break
    assert await rig.kinds() == ["takeoff"]
    rows = await _tracks(rig)
    # Saved with its event; the other aircraft moved too, but waits for the minute.
    assert rows[HEX].updated_at == rig.clock.now
    assert rig.clock.now - timedelta(seconds=60) < rows[other].updated_at < rig.clock.now
    rig.clock.now += timedelta(seconds=20)
    await watch.poll()
    assert (await _tracks(rig))[other].updated_at == rig.clock.now


async def test_an_unwatched_aircraft_loses_its_row(rig: Rig) -> None:
    instants = poll_instants(_flight())
    await _park(rig, instants[0])
    watch = rig.watch()
    await rig.follow(watch, instants[:5])
    assert set(await _tracks(rig)) == {HEX, PARKED}
    async with rig.sessions.begin() as session:
        await session.exec(delete(Aircraft).where(col(Aircraft.hex) == PARKED))
    await rig.follow(watch, [instants[5], instants[5] + timedelta(seconds=61)])
    assert set(await _tracks(rig)) == {HEX}
    # A new process starts from the store: it does not know the aircraft either.
    rig.clock.now += timedelta(seconds=61)
    await rig.watch().poll()
    assert set(await _tracks(rig)) == {HEX}


async def test_a_foreign_save_is_restored_not_overwritten(rig: Rig) -> None:
    instants = poll_instants(_flight())
    takeoff_at = instants.index(TAKEOFF)
    first, second = rig.watch(), rig.watch()
    await rig.follow(first, instants[: takeoff_at + 5])
    # A leader change: the second process polls a while and saves what it saw.
    await rig.follow(second, instants[takeoff_at + 5 : takeoff_at + 40])
    theirs = _track((await _tracks(rig))[HEX])
    # The first one comes back: it restores their state (its own is 35 rounds behind)
    # and goes on from there rather than writing its old track over theirs.
    [result] = await rig.follow(first, [instants[takeoff_at + 40]])
    assert result.fresh == 1 and result.events == []
    ours = _track((await _tracks(rig))[HEX])
    assert ours["t"] > theirs["t"]
    assert ours["dep_icao"] == theirs["dep_icao"] == "UUWW"
    # A save over a revision that is not the stored one writes nothing at all.
    [state] = await rig.rows(FlightWatchState)
    async with rig.sessions.begin() as session:
        refused = await save_state(
            session,
            "detector",
            {},
            revision=state.revision - 1,
            now=rig.clock(),
            aircraft=[{HEX: AircraftState(None, None)}],
        )
    assert refused is None
    assert _track((await _tracks(rig))[HEX]) == ours
    assert [e.kind for e in await rig.rows(FlightEventRow)] == ["takeoff"]


def _diverted() -> list[PositionReport]:
    """Vnukovo for Baku; eight minutes out, descending through 16,000 ft, the jet turns
    for Nakhchivan instead (weather, say): level at 16,000 ft at 400 kt, then down at
    1500 fpm to land there, and taxi in."""
    vko, gyd, naj = get("UUWW"), get("UBBB"), get("UBBN")
    assert vko is not None and gyd is not None and naj is not None
    turn = LANDING - timedelta(minutes=8)
    first = [r for r in flight(HEX, vko, gyd, TAKEOFF, LANDING, step_s=60.0) if r.ts <= turn]
    start = first[-1]
    assert start.alt_ft is not None
    km = haversine_km(start.lat, start.lon, naj.lat, naj.lon)
    speed_km_s = 400 * 1.852 / 3600
    flying_s = km / speed_km_s
    descent_s = (start.alt_ft - naj.elevation_ft) / 1500 * 60
    reports = list(first)
    elapsed = 60.0
    while elapsed < flying_s:
        lat, lon = great_circle_point(start.lat, start.lon, naj.lat, naj.lon, elapsed / flying_s)
        left = flying_s - elapsed
        down = left < descent_s
        alt = naj.elevation_ft + 1500 * left / 60 if down else start.alt_ft
        reports.append(
            replace(
                start,
                ts=turn + timedelta(seconds=elapsed),
                lat=lat,
                lon=lon,
                alt_ft=round(alt),
                gs_kt=400.0,
                track_deg=round(bearing_deg(lat, lon, naj.lat, naj.lon), 1),
                vrate_fpm=-1500.0 if down else 0.0,
            )
        )
        elapsed += 60.0
    landed = turn + timedelta(seconds=elapsed)
    return reports + taxi(HEX, naj, landed, 600, 60.0)


async def test_a_diversion_alerts_the_new_destination_once_and_the_landing_says_so(
    rig: Rig,
) -> None:
    rig.fakes[0].clear()
    rig.fakes[0].load_reports(_diverted())
    watch = rig.watch(destinations=DestinationConfig())
    await rig.follow(watch, poll_instants(_diverted()))

    events = sorted(await rig.rows(FlightEventRow), key=lambda e: e.ts)
    kinds = [(e.kind, e.airport_icao) for e in events]
    assert kinds == [
        ("takeoff", "UUWW"),
        ("destination", "UBBB"),
        ("destination", "UBBN"),
        ("landing", "UBBN"),
    ]
    payloads = {p.event_id: p.payload for p in await rig.rows(AlertPayload)}
    ids = [e.id or 0 for e in events]
    [baku, nakhchivan] = [payloads[ids[i]] for i in (1, 2)]
    assert baku["probability"] >= 0.6 and nakhchivan["probability"] >= 0.6
    assert nakhchivan["previous"]["icao"] == "UBBB"
    landing = FlightAlert.from_json(payloads[ids[-1]])
    assert "🧭 As predicted" in render_flight(landing, translator("en")).text


async def test_a_restart_in_the_air_does_not_alert_the_same_destination_again(
    rig: Rig,
) -> None:
    instants = poll_instants(_flight())
    # Past the descent's start: Baku has been alerted; then a new process continues.
    turn = next(i for i, t in enumerate(instants) if t >= LANDING - timedelta(minutes=10))
    await rig.follow(rig.watch(destinations=DestinationConfig()), instants[:turn])
    assert [e.kind for e in await rig.rows(FlightEventRow)].count("destination") == 1
    await rig.follow(rig.watch(destinations=DestinationConfig()), instants[turn:])

    rows = await rig.rows(FlightEventRow)
    assert sorted((e.kind, e.airport_icao) for e in rows) == [
        ("destination", "UBBB"),
        ("landing", "UBBB"),
        ("takeoff", "UUWW"),
    ]
