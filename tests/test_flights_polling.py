"""The live poll round over real HTTP to fake providers, on SQLite and PostgreSQL:
events stored once with the payload alerts need, positions kept, health recorded,
provider faults survived, and the detector state carried across a restart."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.render_flight import render_flight
from bot.config import load_settings
from bot.flights.airports import default_index, get
from bot.flights.polling import FlightWatch, PollResult
from bot.flights.providers import FlightFetcher, Limits, build_providers
from bot.flights.reports import PositionReport
from bot.flights.scenario import poll_instants
from bot.flights.synthetic import flight
from bot.http import new_session
from bot.i18n import translator
from storage.models import (
    Aircraft,
    FlightEvent,
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

HEX = "ffa0b1"
TAKEOFF = datetime(2025, 3, 13, 22, 54, tzinfo=UTC)
LANDING = datetime(2025, 3, 14, 1, 30, tzinfo=UTC)
FAST = Limits(requests=1000, per_seconds=1.0, timeout_s=0.5, max_wait_s=1.0, backoff_base_s=120.0)


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


def _watch(
    sessions: async_sessionmaker[AsyncSession],
    http: aiohttp.ClientSession,
    fakes: Sequence[FakeADSB],
    clock: Clock,
    wake: Callable[[], None] = lambda: None,
) -> FlightWatch:
    names = ("adsb.lol", "airplanes.live")[: len(fakes)]
    settings = load_settings(
        SUMMITWATCH_FLIGHT_PROVIDERS=",".join(
            f"{name}={fake.base_url(name)}" for name, fake in zip(names, fakes, strict=True)
        )
    )
    providers = build_providers(settings, http, limits=dict.fromkeys(names, FAST))
    fetcher = FlightFetcher(providers, clock=clock)
    return FlightWatch(sessions, fetcher, clock=clock, wake=wake, airports=default_index())


async def _follow(
    watch: FlightWatch, clock: Clock, instants: Sequence[datetime]
) -> list[PollResult]:
    results = []
    for instant in instants:
        clock.now = instant
        results.append(await watch.poll())
    return results


async def _rows(sessions: async_sessionmaker[AsyncSession], model: type) -> list:  # type: ignore[type-arg]
    async with sessions() as session:
        return list((await session.exec(select(model))).all())


async def test_a_flight_becomes_one_takeoff_and_one_landing_alert(
    sessions: async_sessionmaker[AsyncSession],
    http: aiohttp.ClientSession,
    fakes: tuple[FakeADSB, FakeADSB],
    clock: Clock,
    watchlist: None,
) -> None:
    woken: list[int] = []
    watch = _watch(sessions, http, fakes[:1], clock, wake=lambda: woken.append(1))
    instants = poll_instants(_flight())
    results = await _follow(watch, clock, instants)

    assert all(r.provider == "adsb.lol" for r in results)
    events = sorted(await _rows(sessions, FlightEvent), key=lambda e: e.ts)
    assert [(e.kind, e.airport_icao, e.ts) for e in events] == [
        ("takeoff", "UUWW", TAKEOFF),
        ("landing", "UBBB", LANDING),
    ]
    assert len(woken) == 2
    outbox = sorted(await _rows(sessions, OutboxRow), key=lambda r: r.event_id)
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
    text = render_flight(landing, translator("ru")).text
    assert "05:30" in text and "01:54" in text and "Демо-посланник" in text

    # Positions are downsampled, keep their provider, and every kept one is distinct.
    positions = await _rows(sessions, Position)
    fresh = sum(r.fresh for r in results)
    assert 0 < len(positions) <= fresh
    assert {p.provider for p in positions} == {"adsb.lol"}
    assert len({p.ts for p in positions}) == len(positions)
    [health] = await _rows(sessions, Source)
    assert health.name == "adsb.lol" and health.consecutive_failures == 0
    assert health.last_success_at == instants[-1]


async def test_a_position_seen_before_is_not_new(
    sessions: async_sessionmaker[AsyncSession],
    http: aiohttp.ClientSession,
    fakes: tuple[FakeADSB, FakeADSB],
    clock: Clock,
    watchlist: None,
) -> None:
    watch = _watch(sessions, http, fakes[:1], clock)
    clock.now = TAKEOFF - timedelta(minutes=5)
    assert (await watch.poll()).fresh == 1
    # Same answer again, then the same fix 20 s older (seen_pos grew): nothing new.
    assert (await watch.poll()).fresh == 0
    clock.now += timedelta(seconds=20)
    again = await watch.poll()
    assert (again.reports, again.fresh) == (1, 0)
    assert len(await _rows(sessions, Position)) == 1


async def test_restart_continues_the_flight_without_repeating_an_event(
    sessions: async_sessionmaker[AsyncSession],
    http: aiohttp.ClientSession,
    fakes: tuple[FakeADSB, FakeADSB],
    clock: Clock,
    watchlist: None,
) -> None:
    instants = poll_instants(_flight())
    half = len(instants) // 2
    first = _watch(sessions, http, fakes[:1], clock)
    await _follow(first, clock, instants[:half])
    # A new process: same store, new fetcher and detector; it polls the last instant
    # again before going on.
    second = _watch(sessions, http, fakes[:1], clock)
    results = await _follow(second, clock, instants[half - 1 :])
    assert results[0].fresh == 0 and results[0].events == []
    events = sorted(await _rows(sessions, FlightEvent), key=lambda e: e.ts)
    assert [e.kind for e in events] == ["takeoff", "landing"]
    # Only a restored detector knows where and when the flight began.
    assert events[1].data["departure"] == "UUWW"
    [state] = await _rows(sessions, FlightWatchState)
    assert state.revision > 1


async def test_replaying_a_flight_from_scratch_stores_nothing_twice(
    sessions: async_sessionmaker[AsyncSession],
    http: aiohttp.ClientSession,
    fakes: tuple[FakeADSB, FakeADSB],
    clock: Clock,
    watchlist: None,
) -> None:
    instants = poll_instants(_flight())
    await _follow(_watch(sessions, http, fakes[:1], clock), clock, instants)
    # The state is lost (a wiped row, another format): the flight is detected again
    # from the first position, and the dedup keys turn it away.
    async with sessions.begin() as session:
        await session.exec(delete(FlightWatchState))
        await session.exec(delete(Position))
    results = await _follow(_watch(sessions, http, fakes[:1], clock), clock, instants)
    assert sorted(e.kind.value for r in results for e in r.events) == ["landing", "takeoff"]
    assert [s for r in results for s in r.stored] == []
    assert len(await _rows(sessions, FlightEvent)) == 2
    assert len(await _rows(sessions, OutboxRow)) == 2


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
async def test_a_failing_provider_fails_over_and_is_recorded(
    kind: FaultKind,
    sessions: async_sessionmaker[AsyncSession],
    http: aiohttp.ClientSession,
    fakes: tuple[FakeADSB, FakeADSB],
    clock: Clock,
    watchlist: None,
) -> None:
    primary = fakes[0]
    primary.fault_timeout = 1.0
    watch = _watch(sessions, http, fakes, clock)
    instants = poll_instants(_flight())
    # On the ground before the flight, then the primary fails once at the takeoff.
    takeoff_at = instants.index(TAKEOFF)
    await _follow(watch, clock, instants[:takeoff_at])
    primary.fail_next(kind, retry_after=45)
    clock.now = TAKEOFF
    failed = await watch.poll()
    assert failed.provider == "airplanes.live" and failed.fresh == 1
    sources = {s.name: s for s in await _rows(sessions, Source)}
    assert sources["adsb.lol"].consecutive_failures == 1
    assert sources["adsb.lol"].last_error and sources["adsb.lol"].last_error_at == TAKEOFF
    assert sources["airplanes.live"].last_success_at == TAKEOFF
    results = await _follow(watch, clock, instants[takeoff_at + 1 :])
    # The primary is skipped while it backs off (at least half the 120 s base, and
    # Retry-After when longer), then used again; the flight comes out exactly as
    # without the fault.
    assert results[0].provider == "airplanes.live"
    assert results[-1].provider == "adsb.lol"
    events = sorted(await _rows(sessions, FlightEvent), key=lambda e: e.ts)
    assert [(e.kind, e.ts) for e in events] == [("takeoff", TAKEOFF), ("landing", LANDING)]


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_an_empty_answer_and_an_outage_make_no_event(
    sessions: async_sessionmaker[AsyncSession],
    http: aiohttp.ClientSession,
    fakes: tuple[FakeADSB, FakeADSB],
    clock: Clock,
    watchlist: None,
) -> None:
    primary = fakes[0]
    watch = _watch(sessions, http, fakes, clock)
    instants = poll_instants(_flight())
    on_approach = [t for t in instants if LANDING - timedelta(minutes=4) < t < LANDING]
    await _follow(watch, clock, [t for t in instants if t < on_approach[0]])
    # Low and descending near Baku, every provider goes down for ten minutes.
    for fake in fakes:
        fake.fail_next("503", count=1000)
    outage = [on_approach[0] + timedelta(seconds=30 * i) for i in range(20)]
    results = await _follow(watch, clock, outage)
    assert all(r.provider is None and r.events == [] for r in results)
    sources = {s.name: s for s in await _rows(sessions, Source)}
    assert all(s.consecutive_failures >= 1 for s in sources.values())
    assert await _rows(sessions, FlightEvent) != []  # the takeoff only
    assert [e.kind for e in await _rows(sessions, FlightEvent)] == ["takeoff"]
    # One empty but valid answer is a provider's success, not an event either.
    for fake in fakes:
        fake.clear_faults()
    primary.fail_next("empty_ac")
    clock.now = outage[-1] + timedelta(minutes=30)
    empty = await watch.poll()
    assert empty.provider is not None and empty.reports == 0


async def test_the_job_never_raises(sessions: async_sessionmaker[AsyncSession]) -> None:
    from bot.flights.live import LiveFlights

    settings = load_settings(SUMMITWATCH_FLIGHT_PROVIDERS="nosuch=http://127.0.0.1:9")
    async with sessions.begin() as session:
        session.add(Aircraft(hex=HEX, registration="DEMO1", source="test"))
    live = LiveFlights(settings, sessions, clock=lambda: datetime.now(UTC), wake=lambda: None)
    assert await live.poll() is None
    await live.close()
    assert col(Aircraft.hex) is not None


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_our_outage_is_not_the_aircraft_losing_its_signal_but_a_gap_is(
    sessions: async_sessionmaker[AsyncSession],
    http: aiohttp.ClientSession,
    fakes: tuple[FakeADSB, FakeADSB],
    clock: Clock,
    watchlist: None,
) -> None:
    watch = _watch(sessions, http, fakes[:1], clock)
    instants = poll_instants(_flight())
    outage = TAKEOFF + timedelta(hours=1)
    gap = outage + timedelta(minutes=40)
    await _follow(watch, clock, [t for t in instants if t < outage])
    # Twenty minutes without any answer: we were blind, the aircraft flew on.
    fakes[0].fail_next("503", count=1000)
    down = await _follow(watch, clock, [outage + timedelta(minutes=m) for m in range(0, 20, 2)])
    assert all(r.provider is None for r in down)
    fakes[0].clear_faults()
    await _follow(watch, clock, [t for t in instants if outage + timedelta(minutes=20) <= t < gap])
    # Ten minutes of answers without the aircraft: a real gap in its coverage.
    fakes[0].fail_next("empty_ac", count=1000)
    silent = await _follow(watch, clock, [gap + timedelta(minutes=m) for m in range(0, 10, 2)])
    assert all(r.provider == "adsb.lol" for r in silent)
    fakes[0].clear_faults()
    await _follow(watch, clock, [t for t in instants if t >= gap + timedelta(minutes=10)])
    events = sorted(await _rows(sessions, FlightEvent), key=lambda e: e.ts)
    assert [e.kind for e in events] == ["takeoff", "signal_lost", "signal_regained", "landing"]
    assert gap - timedelta(minutes=2) <= events[1].ts < gap
