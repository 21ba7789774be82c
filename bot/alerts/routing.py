"""Routing: which chats an event goes to, written as outbox rows with the event."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.schedule import alert_kind
from storage import outbox, webhooks
from storage.fleets import fleet_key, fleets_of
from storage.models import SubscriptionKind

Topic = tuple[str, str]
EVERYTHING: Topic = (SubscriptionKind.ALL.value, "*")


def flight_topics(hex_code: str, person_slugs: Iterable[str]) -> list[Topic]:
    """A flight event concerns its aircraft, the people linked to it, and `all`."""
    topics = [(SubscriptionKind.AIRCRAFT.value, hex_code.lower()), EVERYTHING]
    topics += [(SubscriptionKind.PERSON.value, slug) for slug in person_slugs]
    return topics


async def fleet_topics(session: AsyncSession, hex_code: str) -> list[Topic]:
    """The operator and category fleets a watched aircraft belongs to, as topics."""
    operator, category = await fleets_of(session, hex_code)
    topics = []
    if operator:
        topics.append((SubscriptionKind.OPERATOR.value, fleet_key(operator)))
    if category:
        topics.append((SubscriptionKind.CATEGORY.value, fleet_key(category)))
    return topics


def statement_topics(
    source_name: str, person_slugs: Iterable[str], venue_slugs: Iterable[str]
) -> list[Topic]:
    """A statement concerns its source, the people and venues it mentions, and `all`."""
    topics = [(SubscriptionKind.SOURCE.value, source_name), EVERYTHING]
    topics += [(SubscriptionKind.PERSON.value, slug) for slug in person_slugs]
    topics += [(SubscriptionKind.VENUE.value, slug) for slug in venue_slugs]
    return topics


def venue_topics(venue_slug: str) -> list[Topic]:
    """A venue ranking change concerns the venue and `all`."""
    return [(SubscriptionKind.VENUE.value, venue_slug), EVERYTHING]


async def route(
    session: AsyncSession,
    *,
    event_type: str,
    event_id: int,
    payload: dict[str, Any],
    thread_key: str | None,
    topics: Iterable[Topic],
    now: datetime,
) -> list[int]:
    """Queue the event for every active subscribed chat; the ids of the rows added.

    Must run in the transaction that stored the event: both land, or neither.
    """
    chats = await outbox.subscribed_chats(session, topics)
    # The chats' webhooks too, muted or not: mutes and quiet hours are for people.
    await webhooks.enqueue(
        session,
        chat_ids=[chat[0] for chat in chats],
        event_type=event_type,
        event_id=event_id,
        kind=alert_kind(event_type, payload),
        now=now,
    )
    return await outbox.enqueue(
        session,
        event_type=event_type,
        event_id=event_id,
        payload=payload,
        thread_key=thread_key,
        chats=chats,
        now=now,
    )
