"""Webhooks and their outbox: registered receivers, rows queued with the alerts, claims,
outcomes. Like `storage.outbox`, rows are claimed with a lease (`FOR UPDATE SKIP LOCKED`
on PostgreSQL) and a dead worker's claims return once it has run out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AlertPayload, OutboxStatus, Webhook, WebhookDelivery
from storage.upsert import conflict_insert

HOOKS = Webhook.__table__  # type: ignore[attr-defined]
ROWS = WebhookDelivery.__table__  # type: ignore[attr-defined]
PAYLOADS = AlertPayload.__table__  # type: ignore[attr-defined]
# A chat may register this many receivers.
MAX_PER_CHAT = 5


async def _run(session: AsyncSession, statement: Any) -> Any:
    return await session.exec(statement)


async def chat_webhooks(session: AsyncSession, chat_id: int) -> list[Webhook]:
    """The chat's webhooks, oldest first (their place in this list is their number)."""
    query = select(Webhook).where(HOOKS.c.chat_id == chat_id).order_by(HOOKS.c.id)
    return list((await _run(session, query)).scalars().all())


async def add_webhook(
    session: AsyncSession,
    *,
    chat_id: int,
    url: str,
    secret: str,
    kinds: str | None,
    created_by: int | None,
    now: datetime,
) -> Webhook:
    """Register a receiver for the chat's alerts."""
    hook = Webhook(
        chat_id=chat_id, url=url, secret=secret, kinds=kinds, created_by=created_by, created_at=now
    )
    session.add(hook)
    await session.flush()
    return hook


async def remove_webhook(session: AsyncSession, hook_id: int) -> None:
    """Forget a receiver and what was still owed to it."""
    await _run(session, delete(ROWS).where(ROWS.c.webhook_id == hook_id))
    await _run(session, delete(HOOKS).where(HOOKS.c.id == hook_id))


async def enqueue(
    session: AsyncSession,
    *,
    chat_ids: Iterable[int],
    event_type: str,
    event_id: int,
    kind: str,
    now: datetime,
) -> int:
    """One row per webhook of these chats that takes `kind`; an existing row is kept.

    Runs in the transaction that routes the event (its payload is in `alert_payloads`).
    """
    chats = sorted(set(chat_ids))
    if not chats:
        return 0
    hooks = (
        await _run(session, select(HOOKS.c.id, HOOKS.c.kinds).where(HOOKS.c.chat_id.in_(chats)))
    ).all()
    rows = [
        {
            "webhook_id": hook_id,
            "event_type": event_type,
            "event_id": event_id,
            "status": OutboxStatus.PENDING.value,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for hook_id, kinds in hooks
        if not kinds or kind in kinds.split(",")
    ]
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    statement = conflict_insert(dialect, ROWS).on_conflict_do_nothing(
        index_elements=["webhook_id", "event_type", "event_id"]
    )
    await session.exec(statement, params=rows)
    return len(rows)


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery to make: the row, its receiver and the event's stored form."""

    row_id: int
    attempts: int
    event_type: str
    event_id: int
    created_at: datetime
    chat_id: int
    url: str
    secret: str
    payload: dict[str, Any]


async def claim_due(
    session: AsyncSession, *, worker: str, limit: int, now: datetime
) -> list[Claimed]:
    """Take up to `limit` due rows for `worker`, oldest first, with what sending needs."""
    due = (
        select(ROWS.c.id)
        .where(ROWS.c.status == OutboxStatus.PENDING.value)
        .where(ROWS.c.next_attempt_at <= now)
        .order_by(ROWS.c.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed = (
        update(ROWS)
        .where(ROWS.c.id.in_(due.scalar_subquery()))
        .values(status=OutboxStatus.SENDING.value, claimed_by=worker, claimed_at=now)
        .returning(ROWS.c.id)
    )
    ids = [int(row[0]) for row in (await _run(session, claimed)).all()]
    if not ids:
        return []
    query = (
        select(
            ROWS.c.id,
            ROWS.c.attempts,
            ROWS.c.event_type,
            ROWS.c.event_id,
            ROWS.c.created_at,
            HOOKS.c.chat_id,
            HOOKS.c.url,
            HOOKS.c.secret,
            PAYLOADS.c.payload,
        )
        .join(HOOKS, HOOKS.c.id == ROWS.c.webhook_id)
        .join(
            PAYLOADS,
            and_(
                PAYLOADS.c.event_type == ROWS.c.event_type,
                PAYLOADS.c.event_id == ROWS.c.event_id,
            ),
        )
        .where(ROWS.c.id.in_(ids))
        .order_by(ROWS.c.id)
    )
    return [
        Claimed(
            row_id=int(r[0]),
            attempts=int(r[1]),
            event_type=str(r[2]),
            event_id=int(r[3]),
            created_at=r[4],
            chat_id=int(r[5]),
            url=str(r[6]),
            secret=str(r[7]),
            payload=dict(r[8]),
        )
        for r in (await _run(session, query)).all()
    ]


def _held_by(row_id: int, worker: str) -> Any:
    return and_(ROWS.c.id == row_id, ROWS.c.claimed_by == worker)


async def mark_sent(session: AsyncSession, row_id: int, *, worker: str, now: datetime) -> None:
    """The receiver took it (2xx)."""
    await _run(
        session,
        update(ROWS)
        .where(_held_by(row_id, worker))
        .values(
            status=OutboxStatus.SENT.value,
            sent_at=now,
            claimed_by=None,
            last_error=None,
            attempts=ROWS.c.attempts + 1,
        ),
    )


async def schedule_retry(
    session: AsyncSession, row_id: int, *, worker: str, at: datetime, error: str
) -> None:
    """Try again at `at`, counting the attempt."""
    await _run(
        session,
        update(ROWS)
        .where(_held_by(row_id, worker))
        .values(
            status=OutboxStatus.PENDING.value,
            next_attempt_at=at,
            last_error=error[:1024],
            claimed_by=None,
            attempts=ROWS.c.attempts + 1,
        ),
    )


async def dead_letter(session: AsyncSession, row_id: int, *, worker: str, reason: str) -> None:
    """Give up on a row, keeping it and its reason."""
    await _run(
        session,
        update(ROWS)
        .where(_held_by(row_id, worker))
        .values(
            status=OutboxStatus.DEAD.value,
            last_error=reason[:1024],
            claimed_by=None,
            attempts=ROWS.c.attempts + 1,
        ),
    )


async def release_expired_claims(session: AsyncSession, *, older_than: datetime) -> int:
    """Rows a dead worker left `sending` go back to `pending`."""
    result = await _run(
        session,
        update(ROWS)
        .where(ROWS.c.status == OutboxStatus.SENDING.value)
        .where(ROWS.c.claimed_at < older_than)
        .values(status=OutboxStatus.PENDING.value, claimed_by=None),
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def deliveries(session: AsyncSession, hook_id: int) -> dict[str, int]:
    """A webhook's rows by status (for /webhook list)."""
    query = (
        select(ROWS.c.status, func.count())
        .where(ROWS.c.webhook_id == hook_id)
        .group_by(ROWS.c.status)
    )
    return {str(status): int(n) for status, n in (await _run(session, query)).all()}
