"""Record an alert event: store it once and route it to its chats, in one transaction.

The one way a feature raises an alert: it builds the stored row (its own table's
columns) and the typed event (`bot.alerts.events`), and this inserts the row by its
dedup key and, only when the key was new, queues the event's JSON form once with an
outbox row per subscribed chat. A replay or a second detection finds the key taken
and routes nothing, so nobody is alerted twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.events import AlertEvent
from bot.alerts.routing import fleet_topics, route
from storage import outbox
from storage.event_rows import EventRow, insert_once


@dataclass(frozen=True, slots=True)
class Recorded:
    """A new event: its id and how many chats it was queued for."""

    event_id: int
    routed: int


async def record_event(
    session: AsyncSession,
    event: AlertEvent,
    now: datetime,
    *,
    row: EventRow,
    to_chat: int | None = None,
) -> Recorded | None:
    """Insert `row` unless its dedup key is taken, then queue `event` for its subscribers.

    Args:
        session: the caller's transaction (the event and its outbox rows land together).
        event: the alert.
        now: the outbox's time (its rows are due from then), from the caller's clock.
        row: the event's own row (`flight_events`, `statement_events`, `venue_events`,
            `digest_events`).
        to_chat: queue it for this one chat instead of routing it by its topics (digests).

    Returns:
        The new event, or None when the dedup key was stored before.
    """
    event_id = await insert_once(session, row)
    if event_id is None:
        return None
    if to_chat is not None:
        queued = await outbox.enqueue(
            session,
            event_type=event.TYPE,
            event_id=event_id,
            payload=event.to_json(),
            thread_key=None,
            chats=[(to_chat, None)],
            now=now,
        )
        return Recorded(event_id, len(queued))
    topics = event.topics()
    aircraft = event.fleet_hex()
    if aircraft is not None:
        # Fleets are looked up in the store, as they are when the event is recorded.
        topics += await fleet_topics(session, aircraft)
    outbox_ids = await route(
        session,
        event_type=event.TYPE,
        event_id=event_id,
        payload=event.to_json(),
        thread_key=getattr(row, "thread_key", None),
        topics=topics,
        now=now,
    )
    return Recorded(event_id, len(outbox_ids))
