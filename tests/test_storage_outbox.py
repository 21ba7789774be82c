"""Outbox queries on SQLite and PostgreSQL: routing, claims, outcomes, mutes, migrations."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.mute import end_expired_mutes
from bot.alerts.routing import flight_topics, route
from storage import outbox
from storage.chats import ensure_chat, migrate_chat, set_chat_locale, set_mute
from storage.models import Chat, OutboxRow, OutboxStatus, Subscription

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


async def _subscribe(
    sessions: async_sessionmaker[AsyncSession], chat_id: int, kind: str, key: str
) -> None:
    async with sessions.begin() as session:
        await ensure_chat(session, chat_id, "private" if chat_id > 0 else "group", None)
        await session.flush()
        session.add(Subscription(chat_id=chat_id, kind=kind, key=key))  # type: ignore[arg-type]


async def _rows(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxRow]:
    async with sessions() as session:
        return list((await session.exec(select(OutboxRow).order_by(OutboxRow.id))).all())  # type: ignore[arg-type]


async def test_route_once_per_chat_skipping_inactive_and_holding_muted(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _subscribe(sessions, 1, "aircraft", "ffa001")
    await _subscribe(sessions, 1, "person", "envoy")  # same chat twice: still one row
    await _subscribe(sessions, 2, "all", "*")
    await _subscribe(sessions, 3, "person", "envoy")
    await _subscribe(sessions, 4, "person", "someone-else")
    await _subscribe(sessions, 5, "all", "*")
    async with sessions.begin() as session:
        blocked = await session.get(Chat, 5)
        assert blocked is not None
        blocked.active = False
        await set_mute(session, 3, NOW + timedelta(hours=2))
    topics = flight_topics("FFA001", ["envoy"])
    for _ in range(2):  # a replay routes nothing new
        async with sessions.begin() as session:
            await route(
                session,
                event_type="flight",
                event_id=10,
                payload={"kind": "landing"},
                thread_key=None,
                topics=topics,
                now=NOW,
            )
    rows = await _rows(sessions)
    assert [(r.chat_id, r.status) for r in rows] == [
        (1, OutboxStatus.PENDING),
        (2, OutboxStatus.PENDING),
        (3, OutboxStatus.HELD),
    ]
    assert rows[0].payload == {"kind": "landing"}


async def test_claims_outcomes_and_expired_leases(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await outbox.enqueue(
            session,
            event_type="flight",
            event_id=1,
            payload={},
            thread_key="t1",
            chats=[(c, None) for c in (11, 12, 13)],
            now=NOW,
        )
    async with sessions.begin() as session:
        claimed = await outbox.claim_due(session, worker="w1", limit=2, now=NOW)
    assert [r.chat_id for r in claimed] == [11, 12]
    assert all(r.status == OutboxStatus.SENDING and r.claimed_by == "w1" for r in claimed)
    first, second = (r.id or 0 for r in claimed)
    async with sessions.begin() as session:
        await outbox.mark_sent_many(session, [(first, 555)], now=NOW)
        await outbox.schedule_retry(session, second, at=NOW + timedelta(minutes=1), error="boom")
    async with sessions.begin() as session:
        # Not due yet: only chat 13 comes back.
        again = await outbox.claim_due(session, worker="w2", limit=10, now=NOW)
    assert [r.chat_id for r in again] == [13]
    async with sessions.begin() as session:
        released = await outbox.release_expired_claims(session, older_than=NOW + timedelta(1))
    assert released == 1
    async with sessions() as session:
        msg = await outbox.thread_message(
            session, chat_id=11, thread_key="t1", since=NOW - timedelta(1), before_id=10**9
        )
    assert msg == 555
    rows = {r.chat_id: r for r in await _rows(sessions)}
    assert rows[12].attempts == 1 and rows[12].last_error == "boom"
    assert rows[13].status == OutboxStatus.PENDING


async def test_concurrent_claims_never_share_a_row(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Four workers claiming at once (SKIP LOCKED on PostgreSQL) take disjoint rows."""
    async with sessions.begin() as session:
        await outbox.enqueue(
            session,
            event_type="flight",
            event_id=2,
            payload={},
            thread_key=None,
            chats=[(c, None) for c in range(1, 201)],
            now=NOW,
        )

    async def worker(name: str) -> list[int]:
        got: list[int] = []
        while True:
            async with sessions.begin() as session:
                rows = await outbox.claim_due(session, worker=name, limit=7, now=NOW)
            if not rows:
                return got
            got += [r.id or 0 for r in rows]

    results = await asyncio.gather(*(worker(f"w{i}") for i in range(4)))
    claimed = [row_id for result in results for row_id in result]
    assert len(claimed) == 200
    assert len(set(claimed)) == 200


async def test_dead_letters_and_retry(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        await outbox.enqueue(
            session,
            event_type="flight",
            event_id=3,
            payload={},
            thread_key=None,
            chats=[(21, None), (22, None)],
            now=NOW,
        )
        rows = await outbox.claim_due(session, worker="w", limit=5, now=NOW)
        for row in rows:
            await outbox.dead_letter(session, row.id or 0, reason="403 Forbidden: blocked")
    async with sessions() as session:
        dead = await outbox.dead_rows(session, limit=10)
        assert {r.chat_id for r in dead} == {21, 22}
        assert dead[0].last_error == "403 Forbidden: blocked"
    async with sessions.begin() as session:
        assert await outbox.retry_dead(session, now=NOW, ids=[dead[0].id or 0]) == 1
    async with sessions() as session:
        assert await outbox.depth(session) == {"dead": 1, "pending": 1}


async def test_expired_mute_becomes_one_digest(sessions: async_sessionmaker[AsyncSession]) -> None:
    await _subscribe(sessions, 31, "all", "*")
    async with sessions.begin() as session:
        await set_mute(session, 31, NOW + timedelta(hours=1))
    for event_id in (40, 41, 42):
        async with sessions.begin() as session:
            await route(
                session,
                event_type="flight",
                event_id=event_id,
                payload={"n": event_id},
                thread_key=None,
                topics=[("all", "*")],
                now=NOW,
            )
    async with sessions.begin() as session:
        assert await end_expired_mutes(session, now=NOW + timedelta(minutes=30)) == []
    async with sessions.begin() as session:
        assert await end_expired_mutes(session, now=NOW + timedelta(hours=2)) == [31]
    rows = await _rows(sessions)
    digest = [r for r in rows if r.event_type == "digest"]
    assert len(digest) == 1 and digest[0].status == OutboxStatus.PENDING
    assert [i["payload"]["n"] for i in digest[0].payload["items"]] == [40, 41, 42]
    assert all(r.status == OutboxStatus.SENT for r in rows if r.event_type == "flight")
    async with sessions() as session:
        chat = await session.get(Chat, 31)
    assert chat is not None and chat.muted_until is None


async def test_migration_into_an_existing_supergroup_merges(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _subscribe(sessions, -5, "all", "*")
    await _subscribe(sessions, -5, "person", "envoy")
    await _subscribe(sessions, -1005, "all", "*")
    async with sessions.begin() as session:
        await set_chat_locale(session, -5, "ru")
        await outbox.enqueue(
            session,
            event_type="flight",
            event_id=9,
            payload={},
            thread_key=None,
            chats=[(-5, None), (-1005, None)],
            now=NOW,
        )
        await outbox.enqueue(
            session,
            event_type="flight",
            event_id=10,
            payload={},
            thread_key=None,
            chats=[(-5, None)],
            now=NOW,
        )
    async with sessions.begin() as session:
        await migrate_chat(session, -5, -1005)
        await outbox.move_chat_rows(session, old_id=-5, new_id=-1005)
    async with sessions() as session:
        chats = (await session.exec(select(Chat))).all()
        subs = (await session.exec(select(Subscription))).all()
    assert [(c.id, c.locale) for c in chats] == [(-1005, "ru")]
    assert sorted((s.chat_id, s.kind) for s in subs) == [(-1005, "all"), (-1005, "person")]
    assert sorted((r.chat_id, r.event_id) for r in await _rows(sessions)) == [
        (-1005, 9),
        (-1005, 10),
    ]


async def test_route_and_enqueue_return_the_ids_of_the_rows_they_added(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """On both backends (a rowcount of many inserts is -1 on PostgreSQL's driver)."""
    await _subscribe(sessions, 61, "all", "*")
    await _subscribe(sessions, 62, "aircraft", "ffa001")
    async with sessions.begin() as session:
        routed = await route(
            session,
            event_type="flight",
            event_id=50,
            payload={"kind": "landing"},
            thread_key=None,
            topics=flight_topics("FFA001", []),
            now=NOW,
        )
        queued = await outbox.enqueue(
            session,
            event_type="flight",
            event_id=50,
            payload={"kind": "landing"},
            thread_key=None,
            chats=[(61, None), (63, None), (64, None)],  # 61 has its row already
            now=NOW,
        )
    rows = {r.chat_id: r.id for r in await _rows(sessions)}
    assert routed == [rows[61], rows[62]]
    assert queued == [rows[63], rows[64]]
    async with sessions.begin() as session:
        again = await route(
            session,
            event_type="flight",
            event_id=50,
            payload={"kind": "landing"},
            thread_key=None,
            topics=flight_topics("FFA001", []),
            now=NOW,
        )
        nobody = await outbox.enqueue(
            session,
            event_type="flight",
            event_id=51,
            payload={},
            thread_key=None,
            chats=[],
            now=NOW,
        )
    assert again == [] and nobody == []
