"""Store a detected flight event once and route it to its subscribers, in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.routing import fleet_topics, flight_topics, route
from storage.event_rows import insert_once
from storage.models import FlightEventRow


async def record_flight_event(
    session: AsyncSession,
    *,
    values: dict[str, Any],
    payload: dict[str, Any],
    person_slugs: Iterable[str],
    now: datetime,
) -> int | None:
    """Insert the event (columns of `flight_events` in `values`) and queue its alerts.

    Returns the event id, or None when the dedup key was seen before: a restart or a
    replay then routes nothing, so nobody is alerted twice.
    """
    event_id = await insert_once(session, FlightEventRow(**values, detected_at=now))
    if event_id is None:
        return None
    await route(
        session,
        event_type="flight",
        event_id=event_id,
        payload=payload,
        thread_key=values.get("thread_key"),
        topics=[
            *flight_topics(str(values["hex"]), person_slugs),
            *await fleet_topics(session, str(values["hex"])),
        ],
        now=now,
    )
    return event_id
