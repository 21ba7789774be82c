"""The delivery heartbeat on SQLite and PostgreSQL: a live worker's claims are renewed and
never handed to another, a dead one's come back after the lease, and a worker that lost a
claim (its heartbeat too late) neither sends the row nor overwrites what the new holder wrote.

The workers, their pacers and the fake run on a virtual clock (`tests.fakes.clock`): a
hanging send, leases and heartbeats, pacing and backoff pass in virtual time, which the
tests stop and let run where the order of events matters.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram.ext import ExtBot

from bot.alerts.claims import Leases
from bot.alerts.delivery import DeliveryConfig, DeliveryWorker
from bot.alerts.pacing import PaceLimits, SendPacer
from bot.alerts.ratelimiter import PacedRateLimiter, RateLimitArgs
from bot.runtime.telegram_request import AiohttpRequest
from storage import outbox
from storage.models import OutboxRow, OutboxStatus
from tests.alerting import subscribe_chats
from tests.fakes.clock import VirtualClock
from tests.fakes.telegram_api import FakeBotAPI
from tests.test_storage_alert_payloads import route_landings

T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
LEASE = timedelta(seconds=10)
CHAT = 4242


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


# -- the worker's own view of its leases (pure) ------------------------------------------


def test_a_send_starts_only_with_the_guard_left_on_the_lease() -> None:
    leases = Leases(lease=LEASE, guard=timedelta(seconds=5))
    leases.claimed([1, 2], _at(0))
    assert leases.may_send(1, _at(4.9))
    assert not leases.may_send(1, _at(5))  # 5 s left: the send might outlive the lease
    asked = leases.held_now()
    assert leases.renewed(asked, {1, 2}, _at(4)) == set()
    assert leases.may_send(1, _at(8.9))
    assert not leases.may_send(3, _at(0))  # never claimed here


def test_a_renewal_reports_rows_taken_but_not_rows_claimed_while_it_ran() -> None:
    leases = Leases(lease=LEASE, guard=timedelta(seconds=5))
    leases.claimed([1, 2], _at(0))
    asked = leases.held_now()
    leases.claimed([3], _at(1))  # committed after the renewal's statement began
    assert leases.renewed(asked, {1}, _at(1)) == {2}
    assert 2 not in leases and 3 in leases and 1 in leases
    assert not leases.may_send(2, _at(1))
    leases.done(1)
    assert len(leases) == 1


# -- renewal and reclaim in the store -----------------------------------------------------


async def _enqueue(sessions: async_sessionmaker[AsyncSession], chats: list[int]) -> None:
    async with sessions.begin() as session:
        await outbox.enqueue(
            session,
            event_type="flight",
            event_id=1,
            payload={"kind": "landing"},
            thread_key=None,
            chats=[(chat, None) for chat in chats],
            now=T0,
        )


async def _rows(sessions: async_sessionmaker[AsyncSession]) -> dict[int, OutboxRow]:
    async with sessions() as session:
        return {r.chat_id: r for r in (await session.exec(select(OutboxRow))).all()}


async def test_renewed_claims_are_kept_and_unrenewed_ones_handed_back(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _enqueue(sessions, [1, 2, 3])
    async with sessions.begin() as session:
        live = {r.id for r in await outbox.claim_due(session, worker="live", limit=2, now=T0)}
        dead = {r.id for r in await outbox.claim_due(session, worker="dead", limit=1, now=T0)}
    # The live worker beats at 8 s; at 12 s only the dead worker's claim is 10 s old.
    async with sessions.begin() as session:
        assert await outbox.renew_claims(session, worker="live", now=_at(8)) == live
    async with sessions.begin() as session:
        released = await outbox.release_expired_claims(session, older_than=_at(12) - LEASE)
    assert released == 1
    rows = await _rows(sessions)
    assert {r.id for r in rows.values() if r.status == OutboxStatus.PENDING} == dead
    assert {r.claimed_by for r in rows.values() if r.id in live} == {"live"}
    # Its heartbeat then stops for more than a lease: the claims go back, and a late
    # renewal finds nothing of its own left (nor takes the rows back).
    async with sessions.begin() as session:
        released = await outbox.release_expired_claims(session, older_than=_at(19) - LEASE)
    assert released == 2
    async with sessions.begin() as session:
        assert await outbox.renew_claims(session, worker="live", now=_at(20)) == set()
    async with sessions.begin() as session:
        again = await outbox.claim_due(session, worker="other", limit=5, now=_at(20))
    assert {r.id for r in again} == live | dead
    # The late worker's outcome of a row it lost is not written over the new holder's.
    late = next(iter(live))
    assert late is not None
    async with sessions.begin() as session:
        await outbox.dead_letter(session, late, reason="late", worker="live")
        await outbox.schedule_retry(session, late, at=_at(30), error="late", worker="live")
    rows = await _rows(sessions)
    assert {(r.status, r.claimed_by) for r in rows.values()} == {(OutboxStatus.SENDING, "other")}


# -- workers against the fake Bot API -----------------------------------------------------


@pytest.fixture
async def clock() -> AsyncIterator[VirtualClock]:
    async with VirtualClock().running() as virtual:
        yield virtual


@pytest.fixture
async def fake(clock: VirtualClock) -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token="515151:HEARTBEAT-test-token") as server:
        server.fault_timeout = 3.0
        server.clock = clock.seconds
        server.sleep = clock.sleep
        yield server


@pytest.fixture
async def bots(
    fake: FakeBotAPI, clock: VirtualClock
) -> AsyncIterator[tuple[ExtBot[RateLimitArgs], ...]]:
    """Two bots, as two processes have: each its own connections and pacing."""
    made: list[ExtBot[RateLimitArgs]] = [
        ExtBot(
            fake.token,
            base_url=fake.base_url,
            base_file_url=fake.base_file_url,
            request=AiohttpRequest(read_timeout=10.0),
            rate_limiter=PacedRateLimiter(
                SendPacer(PaceLimits(overall=1000), clock=clock.seconds, sleep=clock.sleep)
            ),
        )
        for _ in range(2)
    ]
    for extbot in made:
        await extbot.initialize()
    try:
        yield tuple(made)
    finally:
        for extbot in made:
            await extbot.shutdown()


def _worker(
    bot: ExtBot[RateLimitArgs],
    sessions: async_sessionmaker[AsyncSession],
    name: str,
    lease_s: float,
    virtual: VirtualClock,
    clock: Callable[[], datetime] | None = None,
) -> DeliveryWorker:
    """A worker waiting on `virtual`, by `clock` (default: `virtual` itself)."""
    config = DeliveryConfig(concurrency=4, lease_s=lease_s, backoff_base_s=0.05, idle_poll_s=0.1)
    return DeliveryWorker(
        bot, sessions, "en", config=config, name=name, clock=clock or virtual, sleep=virtual.sleep
    )


async def _landings(
    sessions: async_sessionmaker[AsyncSession], count: int, clock: VirtualClock
) -> None:
    await subscribe_chats(sessions, [(CHAT, "en")])
    await route_landings(sessions, count, now=clock())


def _registrations(fake: FakeBotAPI) -> list[str]:
    """Which landing each message to the chat was about, in order."""
    texts = [s.text or "" for s in fake.sent_to(CHAT)]
    return [f"DEMO{n}" for text in texts for n in (1, 2) if f"DEMO{n}" in text]


async def test_a_worker_that_lost_its_claim_does_not_send_the_row_again(
    fake: FakeBotAPI,
    bots: tuple[ExtBot[RateLimitArgs], ...],
    sessions: async_sessionmaker[AsyncSession],
    clock: VirtualClock,
) -> None:
    """A's heartbeat is too late (it does not run here): B takes both rows after the lease
    and sends them while A's first send hangs; A then neither sends the second row nor
    puts the first back in the queue when its send times out."""
    clock.autojump = False  # time stands still until B has the rows
    await _landings(sessions, 2, clock)
    skew = timedelta()
    a = _worker(bots[0], sessions, "A", 10, clock, lambda: clock() + skew)
    b = _worker(bots[1], sessions, "B", 10, clock, lambda: clock() + timedelta(seconds=20))
    fake.fail_next("sendMessage", "timeout")  # A's first send hangs for 3 s, then drops
    assert await a.fill() == 2  # landing 2 waits behind landing 1 (same chat)
    await fake.wait_until(lambda: fake.count("sendMessage") > 0, timeout=5)
    skew = timedelta(seconds=20)  # 20 s later for A too, without a renewal
    assert await b.release_orphans() == 2
    delivering = asyncio.create_task(b.deliver_due())
    # B's pacer holds its second send for the chat's second: time moves to then, still
    # before A's held send drops (3 s).
    await clock.step(before=3.0)
    await delivering
    await b.record_sent()
    assert _registrations(fake) == ["DEMO1", "DEMO2"]
    clock.autojump = True
    await a.drain_in_flight()  # its first send times out; the second is not sent
    await clock.sleep(0.2)  # past A's backoff, had it put the row back
    await b.deliver_due()  # nothing was put back for another try
    assert _registrations(fake) == ["DEMO1", "DEMO2"]
    assert (a.stats.sent, b.stats.sent) == (0, 2)
    async with sessions() as session:
        rows = (await session.exec(select(OutboxRow))).all()
    assert [(r.status, r.claimed_by) for r in rows] == [(OutboxStatus.SENT, None)] * 2


async def test_a_live_workers_slow_send_keeps_its_claim(
    fake: FakeBotAPI,
    bots: tuple[ExtBot[RateLimitArgs], ...],
    sessions: async_sessionmaker[AsyncSession],
    clock: VirtualClock,
) -> None:
    """A send hangs for three leases; the heartbeat keeps its rows from the other worker,
    which sends nothing of them meanwhile."""
    clock.autojump = False  # time stands still until the send hangs and B runs
    await _landings(sessions, 2, clock)
    a, b = (_worker(bot, sessions, name, 1.0, clock) for bot, name in zip(bots, "AB", strict=True))
    fake.fail_next("sendMessage", "timeout")
    stop = asyncio.Event()
    running = asyncio.create_task(a.run(stop))
    await fake.wait_until(lambda: fake.count("sendMessage") > 0, timeout=5)
    other = asyncio.create_task(b.run(stop))
    await clock.run_for(2.5)  # 2.5 leases into the hanging send
    async with sessions() as session:
        rows = (await session.exec(select(OutboxRow))).all()
    assert [(r.status, r.claimed_by) for r in rows] == [(OutboxStatus.SENDING, "A")] * 2
    assert b.stats.sent == 0 and fake.sent_to(CHAT) == []
    clock.autojump = True
    await fake.wait_until(lambda: len(fake.sent_to(CHAT)) == 2, timeout=15)
    stop.set()
    await asyncio.gather(running, other)
    assert sorted(_registrations(fake)) == ["DEMO1", "DEMO2"]
