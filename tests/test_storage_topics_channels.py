"""Routing per forum topic and linked channels, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.routing import flight_topics, route
from storage import outbox
from storage.channels import (
    chats_to_warn,
    is_linked,
    link_channel,
    linked_channels,
    mark_rights_lost,
    unlink_channel,
)
from storage.chats import ensure_chat
from storage.forum_topics import chat_topics, mark_broken, remember_topic
from storage.models import OutboxRow, SubscriptionKind
from storage.subscriptions import chat_subscriptions, subscribe, unsubscribe_by_id

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
FORUM = -1009000000001
CHANNEL = -1001234567890
FLIGHTS, KREMLIN = 11, 12


async def _landing(sessions: async_sessionmaker[AsyncSession], event_id: int) -> list[OutboxRow]:
    async with sessions.begin() as session:
        await route(
            session,
            event_type="flight",
            event_id=event_id,
            payload={"kind": "landing"},
            thread_key=None,
            topics=flight_topics("FFA001", []),
            now=NOW,
        )
    async with sessions() as session:
        rows = await session.exec(
            select(OutboxRow).where(OutboxRow.event_id == event_id).order_by(OutboxRow.thread_id)  # type: ignore[arg-type]
        )
        return list(rows.all())


async def test_one_row_per_topic_and_a_broken_topic_routed_to_general(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await ensure_chat(session, FORUM, "supergroup", "Desk")
        await remember_topic(session, FORUM, FLIGHTS, "Flights")
        aircraft, everything = SubscriptionKind.AIRCRAFT, SubscriptionKind.ALL
        assert await subscribe(session, FORUM, aircraft, "ffa001", by=1, thread_id=FLIGHTS)
        assert await subscribe(session, FORUM, everything, "*", by=1, thread_id=KREMLIN)
        # The same thing in another topic is another subscription; twice in one is not.
        assert await subscribe(session, FORUM, aircraft, "ffa001", by=1, thread_id=KREMLIN)
        assert not await subscribe(session, FORUM, aircraft, "ffa001", by=1, thread_id=FLIGHTS)
    rows = await _landing(sessions, 1)
    assert [(r.chat_id, r.thread_id) for r in rows] == [(FORUM, FLIGHTS), (FORUM, KREMLIN)]

    async with sessions.begin() as session:
        assert await mark_broken(session, FORUM, FLIGHTS, reason="thread not found", now=NOW)
        assert not await mark_broken(session, FORUM, FLIGHTS, reason="again", now=NOW)
        # General gets the Flights row's alert from nowhere else yet...
        assert not await outbox.general_copy_exists(
            session, chat_id=FORUM, event_type="flight", event_id=1, row_id=rows[0].id or 0
        )
    rows = await _landing(sessions, 2)
    assert [r.thread_id for r in rows] == [0, KREMLIN]
    async with sessions() as session:
        # ...but an event routed since the topic broke already has its General row.
        assert await outbox.general_copy_exists(
            session, chat_id=FORUM, event_type="flight", event_id=2, row_id=rows[1].id or 0
        )
        topics = await chat_topics(session, FORUM)
        assert topics[FLIGHTS].title == "Flights" and topics[FLIGHTS].broken_at is not None
        assert len(await chat_subscriptions(session, FORUM, thread_id=KREMLIN)) == 2
        assert len(await chat_subscriptions(session, FORUM)) == 3

    async with sessions.begin() as session:  # written in again: the topic works
        await remember_topic(session, FORUM, FLIGHTS, None)
    rows = await _landing(sessions, 3)
    assert [r.thread_id for r in rows] == [FLIGHTS, KREMLIN]


async def test_linked_channels_their_lost_rights_and_unlinking(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        for group in (-100, -200):
            await ensure_chat(session, group, "group", None)
        assert await link_channel(
            session, channel_id=CHANNEL, title="Desk alerts", chat_id=-100, by=1
        )
        assert not await link_channel(
            session, channel_id=CHANNEL, title="Desk alerts", chat_id=-100, by=1
        )
        assert await link_channel(session, channel_id=CHANNEL, title=None, chat_id=-200, by=2)
        await subscribe(session, CHANNEL, SubscriptionKind.ALL, "*", by=1)
    async with sessions.begin() as session:
        assert await is_linked(session, chat_id=-100, channel_id=CHANNEL)
        [(channel, _)] = await linked_channels(session, -200)
        assert (channel.title, channel.type) == ("Desk alerts", "channel")
        assert await chats_to_warn(session, CHANNEL) == [-200, -100]
        await mark_rights_lost(session, channel_id=CHANNEL, chat_id=-100, now=NOW)
    async with sessions.begin() as session:
        assert await chats_to_warn(session, CHANNEL) == [-200]
        # A button of group -100 may remove the channel's subscription, one of -300 not.
        [subscription] = await chat_subscriptions(session, CHANNEL)
        assert not await unsubscribe_by_id(session, -300, subscription.id or 0)
        assert await unlink_channel(session, channel_id=CHANNEL, chat_id=-100) == 0
        assert await unlink_channel(session, channel_id=CHANNEL, chat_id=-100) is None
        # The last managing chat goes: so do the channel's subscriptions.
        assert await unlink_channel(session, channel_id=CHANNEL, chat_id=-200) == 1
        assert await chat_subscriptions(session, CHANNEL) == []
