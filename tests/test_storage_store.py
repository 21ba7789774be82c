"""The store on SQLite and PostgreSQL: chats, time zones, dedup keys, cascades."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.chats import active_chat_ids, ensure_chat, get_chat, set_chat_locale
from storage.models import (
    Aircraft,
    Chat,
    FlightEventRow,
    LinkConfidence,
    OutboxRow,
    Person,
    PersonAircraft,
    Subscription,
    SubscriptionKind,
)

SUPERGROUP_ID = -1001234567890  # Telegram supergroup ids do not fit in 32 bits


async def test_chat_is_created_once_and_keeps_its_locale(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await ensure_chat(session, SUPERGROUP_ID, "supergroup", "Desk")
    async with sessions.begin() as session:
        await set_chat_locale(session, SUPERGROUP_ID, "az")
    async with sessions.begin() as session:
        chat = await ensure_chat(session, SUPERGROUP_ID, "supergroup", "Desk (renamed)")
        assert (chat.locale, chat.title) == ("az", "Desk (renamed)")
    async with sessions() as session:
        rows = (await session.exec(select(Chat))).all()
    assert [(c.id, c.locale) for c in rows] == [(SUPERGROUP_ID, "az")]


async def test_set_locale_of_unknown_chat_fails_loudly(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        with pytest.raises(LookupError):
            await set_chat_locale(session, 42, "ru")


async def test_reactivation_and_active_ids(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        await ensure_chat(session, 1, "private", "Ann")
        blocked = await ensure_chat(session, 2, "private", "Bob")
        blocked.active = False
    async with sessions() as session:
        assert await active_chat_ids(session) == [1]
    async with sessions.begin() as session:
        await ensure_chat(session, 2, "private", "Bob", reactivate=True)
    async with sessions() as session:
        assert sorted(await active_chat_ids(session)) == [1, 2]


async def test_times_come_back_aware_utc(sessions: async_sessionmaker[AsyncSession]) -> None:
    baku = timezone(timedelta(hours=4))
    landed = datetime(2025, 3, 14, 5, 30, tzinfo=baku)
    async with sessions.begin() as session:
        session.add(Aircraft(hex="abc123"))
        session.add(
            FlightEventRow(
                dedup_key="k1", kind="landing", hex="abc123", ts=landed, airport_icao="UBBB"
            )
        )
    async with sessions() as session:
        event = (await session.exec(select(FlightEventRow))).one()
    assert event.ts == landed
    assert event.ts.tzinfo is not None and event.ts.utcoffset() == timedelta(0)
    assert event.ts.hour == 1  # 05:30 in Baku is 01:30 UTC


async def test_naive_datetimes_are_refused(sessions: async_sessionmaker[AsyncSession]) -> None:
    with pytest.raises(Exception, match="naive datetimes"):
        async with sessions.begin() as session:
            session.add(Chat(id=5, type="private", muted_until=datetime(2026, 1, 1)))


async def test_event_dedup_key_is_unique(sessions: async_sessionmaker[AsyncSession]) -> None:
    now = datetime.now(UTC)
    async with sessions.begin() as session:
        session.add(
            FlightEventRow(dedup_key="abc123:takeoff:1", kind="takeoff", hex="abc123", ts=now)
        )
    with pytest.raises(IntegrityError):
        async with sessions.begin() as session:
            session.add(
                FlightEventRow(dedup_key="abc123:takeoff:1", kind="takeoff", hex="abc123", ts=now)
            )


async def test_outbox_is_unique_per_event_and_chat(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        session.add(OutboxRow(chat_id=SUPERGROUP_ID, event_type="flight", event_id=1))
    with pytest.raises(IntegrityError):
        async with sessions.begin() as session:
            session.add(OutboxRow(chat_id=SUPERGROUP_ID, event_type="flight", event_id=1))


async def test_subscriptions_follow_a_migrated_chat_id(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """ON UPDATE CASCADE: when a group becomes a supergroup its subscriptions move with it."""
    async with sessions.begin() as session:
        await ensure_chat(session, -42, "group", "Old group")
        await session.flush()
        session.add(Subscription(chat_id=-42, kind=SubscriptionKind.ALL, key="*"))
    async with sessions.begin() as session:
        chat = await get_chat(session, -42)
        assert chat is not None
        chat.id = SUPERGROUP_ID
    async with sessions() as session:
        subs = (await session.exec(select(Subscription))).all()
    assert [(s.chat_id, s.kind) for s in subs] == [(SUPERGROUP_ID, "all")]


async def test_person_aircraft_link_carries_confidence_and_json_names(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        person = Person(
            slug="witkoff",
            names={"en": "Steve Witkoff", "ru": "Стив Уиткофф", "az": "Stiv Uitkoff"},
            aliases={"ru": ["Уиткофф"]},
        )
        session.add(person)
        session.add(Aircraft(hex="a1b2c3", operator="Demo operator"))
        await session.flush()
        assert person.id is not None
        session.add(PersonAircraft(person_id=person.id, aircraft_hex="a1b2c3", note="demo"))
    async with sessions() as session:
        link = (await session.exec(select(PersonAircraft))).one()
        stored = (await session.exec(select(Person))).one()
    assert link.confidence == LinkConfidence.BELIEVED
    assert stored.names["ru"] == "Стив Уиткофф"
    assert stored.aliases == {"ru": ["Уиткофф"]}
