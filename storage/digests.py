"""Reads behind the quiet-hours and daily digests: who is owed one, and what it sums up."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AlertPayload, Chat, OutboxRow, OutboxStatus

_CHATS = Chat.__table__  # type: ignore[attr-defined]
_OUTBOX = OutboxRow.__table__  # type: ignore[attr-defined]
_PAYLOADS = AlertPayload.__table__  # type: ignore[attr-defined]
# What a daily digest sums up: alerts, not other digests.
SUMMARISED_TYPES = ("flight", "statement", "venue_change")


async def _run(session: AsyncSession, statement: Any) -> Any:
    return await session.exec(statement)


async def unmuted_chats_with_held(session: AsyncSession) -> list[Chat]:
    """Active, unmuted chats that have held rows: quiet hours held them (a mute clears
    `muted_until` only when its own digest has taken its rows)."""
    held = exists().where(
        and_(_OUTBOX.c.chat_id == _CHATS.c.id, _OUTBOX.c.status == OutboxStatus.HELD.value)
    )
    query = (
        select(Chat)
        .where(_CHATS.c.active.is_(True))
        .where(_CHATS.c.muted_until.is_(None))
        .where(held)
        .order_by(_CHATS.c.id)
    )
    return list((await _run(session, query)).scalars().all())


async def chats_with_daily_digest(session: AsyncSession) -> list[Chat]:
    """Active chats that asked for a daily digest."""
    query = (
        select(Chat)
        .where(_CHATS.c.active.is_(True))
        .where(_CHATS.c.digest_at.is_not(None))
        .order_by(_CHATS.c.id)
    )
    return list((await _run(session, query)).scalars().all())


async def alerts_of_chat(
    session: AsyncSession, chat_id: int, *, since: datetime, until: datetime
) -> list[tuple[str, dict[str, Any]]]:
    """The alerts queued for a chat in [since, until), oldest first, with their payloads;
    each event once, whichever of the chat's topics it went to."""
    query = (
        select(_OUTBOX.c.event_type, _OUTBOX.c.event_id, _PAYLOADS.c.payload)
        .join(
            _PAYLOADS,
            and_(
                _PAYLOADS.c.event_type == _OUTBOX.c.event_type,
                _PAYLOADS.c.event_id == _OUTBOX.c.event_id,
            ),
        )
        .where(_OUTBOX.c.chat_id == chat_id)
        .where(_OUTBOX.c.event_type.in_(SUMMARISED_TYPES))
        .where(_OUTBOX.c.created_at >= since)
        .where(_OUTBOX.c.created_at < until)
        .order_by(_OUTBOX.c.id)
    )
    seen: set[tuple[str, int]] = set()
    found = []
    for event_type, event_id, payload in (await _run(session, query)).all():
        if (event_type, event_id) not in seen:
            seen.add((event_type, event_id))
            found.append((str(event_type), dict(payload)))
    return found
