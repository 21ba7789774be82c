"""Digests and webhook rows in the store, SQLite and PostgreSQL: exactly once under races."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.digests import queue_due_digests
from bot.alerts.routing import flight_topics, route
from storage import webhooks
from storage.chats import ensure_chat, set_chat_zone, set_daily_digest, set_quiet_hours
from storage.models import DigestEvent, OutboxRow, OutboxStatus, Subscription, SubscriptionKind

NOW = datetime(2026, 3, 28, 6, 0, tzinfo=UTC)
CHAT = 42


async def _chat(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        await ensure_chat(session, CHAT, "private", None)
        session.add(Subscription(chat_id=CHAT, kind=SubscriptionKind.AIRCRAFT, key="ffa001"))


async def _route(
    sessions: async_sessionmaker[AsyncSession], event_id: int, kind: str, now: datetime = NOW
) -> None:
    payload = {"kind": kind, "hex": "ffa001", "ts": now.isoformat(), "people": []}
    async with sessions.begin() as session:
        await route(
            session,
            event_type="flight",
            event_id=event_id,
            payload=payload,
            thread_key=None,
            topics=flight_topics("ffa001", []),
            now=now,
        )


async def test_two_schedulers_racing_queue_each_digest_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _chat(sessions)
    async with sessions.begin() as session:
        await set_daily_digest(session, CHAT, 8 * 60, now=NOW - timedelta(days=1))
        await set_quiet_hours(session, CHAT, 0, 60, None)
    await _route(sessions, 1, "landing")
    async with sessions.begin() as session:
        row = (await session.exec(select(OutboxRow))).one()
        row.status = OutboxStatus.HELD  # as the worker holds it in quiet hours
        session.add(row)
    later = NOW + timedelta(hours=2)  # 10:00 UTC: past 08:00 UTC, out of 00:00-01:00
    counts = await asyncio.gather(
        *(queue_due_digests(sessions, now=later, default_locale="en") for _ in range(3))
    )
    assert sum(counts) == 2  # one quiet-hours digest, one daily digest, whoever queued them
    async with sessions() as session:
        kinds = sorted(d.kind for d in (await session.exec(select(DigestEvent))).all())
        rows = (await session.exec(select(OutboxRow).order_by(OutboxRow.id))).all()  # type: ignore[arg-type]
    assert kinds == ["daily", "quiet"]
    assert [(r.event_type, r.status) for r in rows] == [
        ("flight", OutboxStatus.SENT),
        ("quiet_digest", OutboxStatus.PENDING),
        ("daily_digest", OutboxStatus.PENDING),
    ]
    assert await queue_due_digests(sessions, now=later, default_locale="en") == 0


async def test_webhook_rows_are_queued_once_per_kind_claimed_once_and_dead_lettered(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _chat(sessions)
    async with sessions.begin() as session:
        hooks = [
            await webhooks.add_webhook(
                session, chat_id=CHAT, url=url, secret="s", kinds=kinds, created_by=1, now=NOW
            )
            for url, kinds in (("https://a.example/h", None), ("https://b.example/h", "emergency"))
        ]
    await _route(sessions, 1, "landing")
    await _route(sessions, 1, "landing")  # a replay: nothing new
    async with sessions.begin() as a, sessions.begin() as b:
        first = await webhooks.claim_due(a, worker="a", limit=10, now=NOW)
        second = (
            await webhooks.claim_due(b, worker="b", limit=10, now=NOW)
            if (b.get_bind().dialect.name == "postgresql")
            else []
        )
    assert [c.url for c in first] == ["https://a.example/h"] and second == []
    async with sessions.begin() as session:
        await webhooks.dead_letter(session, first[0].row_id, worker="a", reason="HTTP 404")
        assert await webhooks.deliveries(session, hooks[0].id or 0) == {"dead": 1}
        assert await webhooks.claim_due(session, worker="a", limit=10, now=NOW) == []


async def test_the_daily_digest_after_clocks_go_back_covers_the_whole_local_day(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # Berlin goes back on 2026-10-25: 08:00 is 06:00 UTC on the 24th, 07:00 UTC on the 25th.
    await _chat(sessions)
    async with sessions.begin() as session:
        await set_chat_zone(session, CHAT, "Europe/Berlin")
        await set_daily_digest(session, CHAT, 8 * 60, now=datetime(2026, 10, 24, 6, 0, tzinfo=UTC))
    await _route(sessions, 7, "takeoff", now=datetime(2026, 10, 24, 6, 30, tzinfo=UTC))
    after = datetime(2026, 10, 25, 7, 0, tzinfo=UTC)
    assert await queue_due_digests(sessions, now=after, default_locale="en") == 1
    async with sessions() as session:
        digest = (
            await session.exec(select(OutboxRow).where(OutboxRow.event_type == "daily_digest"))
        ).one()
    assert digest.payload["since"] == "2026-10-24T06:00:00+00:00"
    assert [f["kind"] for f in digest.payload["flights"]] == ["takeoff"]
