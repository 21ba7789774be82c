"""Outbox queries: route an event to chats, claim due rows, record each outcome.

Rows are claimed by flipping them to `sending` with a lease; on PostgreSQL the claim
uses `FOR UPDATE SKIP LOCKED` so several workers never take the same row. A live
worker renews its claims (`renew_claims`, its heartbeat); a worker that dies leaves
its rows `sending` and stops renewing them, and `release_expired_claims` hands them
back once the lease has run out, which is what bounds duplicates to the messages in
flight at a crash.

An event's payload is written once (`alert_payloads`), not once per chat: the rows
reference it by (event_type, event_id) and the worker reads it once per event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, func, select, tuple_, update
from sqlalchemy.sql.base import Executable
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AlertPayload, Chat, ForumTopic, OutboxRow, OutboxStatus, Subscription
from storage.upsert import conflict_insert

Session = AsyncSession
EventKey = tuple[str, int]
OUTBOX = OutboxRow.__table__  # type: ignore[attr-defined]
PAYLOADS = AlertPayload.__table__  # type: ignore[attr-defined]
CHATS = Chat.__table__  # type: ignore[attr-defined]
SUBSCRIPTIONS = Subscription.__table__  # type: ignore[attr-defined]
TOPICS = ForumTopic.__table__  # type: ignore[attr-defined]


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


async def _run(
    session: Session, statement: Executable, params: list[dict[str, Any]] | None = None
) -> Any:
    # One place for the typing gap between SQLAlchemy 2.1 Core statements and
    # sqlmodel's `exec` overloads; the statements are plain Core.
    return await session.exec(statement, params=params)  # type: ignore[call-overload]


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


Recipient = tuple[int, datetime | None] | tuple[int, datetime | None, int]


async def subscribed_chats(
    session: Session, topics: Iterable[tuple[str, str]]
) -> list[tuple[int, datetime | None, int]]:
    """Active chats subscribed to any of `topics` ((kind, key) pairs), with their mute and
    the forum topic each follows them in: (chat id, muted until, thread id).

    A topic Telegram refused (closed or deleted, see storage.forum_topics) is routed to
    its chat's General topic (thread 0), so its subscriptions still alert somewhere.
    """
    pairs = sorted(set(topics))
    if not pairs:
        return []
    thread = case((TOPICS.c.broken_at.is_not(None), 0), else_=SUBSCRIPTIONS.c.thread_id)
    query = (
        select(CHATS.c.id, CHATS.c.muted_until, thread)
        .join(SUBSCRIPTIONS, SUBSCRIPTIONS.c.chat_id == CHATS.c.id)
        .outerjoin(
            TOPICS,
            and_(
                TOPICS.c.chat_id == SUBSCRIPTIONS.c.chat_id,
                TOPICS.c.thread_id == SUBSCRIPTIONS.c.thread_id,
            ),
        )
        .where(CHATS.c.active.is_(True))
        .where(tuple_(SUBSCRIPTIONS.c.kind, SUBSCRIPTIONS.c.key).in_(pairs))
        .distinct()
        .order_by(CHATS.c.id, thread)
    )
    result = await _run(session, query)
    return [(int(row[0]), row[1], int(row[2])) for row in result.all()]


async def enqueue(
    session: Session,
    *,
    event_type: str,
    event_id: int,
    payload: dict[str, Any],
    thread_key: str | None,
    chats: Sequence[Recipient],
    now: datetime,
) -> list[int]:
    """The event's payload once, and one outbox row per chat and forum topic (a chat
    given without a topic gets thread 0; muted chats get `held` rows); an existing
    payload or row is kept. Returns the ids of the rows added, ascending (RETURNING on
    both backends: a rowcount of many inserts is -1 on PostgreSQL's driver).

    Call it in the transaction that stores the event, so an event is never stored
    without its deliveries, nor delivered twice after a replay.
    """
    if not chats:
        return []
    dialect = _dialect(session)
    await _run(
        session,
        conflict_insert(dialect, PAYLOADS)
        .values(event_type=event_type, event_id=event_id, payload=payload, created_at=now)
        .on_conflict_do_nothing(index_elements=["event_type", "event_id"]),
    )
    rows = [
        {
            "chat_id": chat[0],
            "thread_id": chat[2] if len(chat) == 3 else 0,
            "event_type": event_type,
            "event_id": event_id,
            "thread_key": thread_key,
            "status": (
                OutboxStatus.HELD if chat[1] and chat[1] > now else OutboxStatus.PENDING
            ).value,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for chat in chats
    ]
    statement = (
        conflict_insert(dialect, OUTBOX)
        .on_conflict_do_nothing(index_elements=["event_type", "event_id", "chat_id", "thread_id"])
        .returning(OUTBOX.c.id)
    )
    result = await _run(session, statement, rows)
    # A row kept from before (a replay) returns nothing, so only new rows are counted.
    return sorted(int(row[0]) for row in result.all())


async def claim_due(session: Session, *, worker: str, limit: int, now: datetime) -> list[OutboxRow]:
    """Take up to `limit` due pending rows for `worker`, oldest first."""
    due = (
        select(OUTBOX.c.id)
        .where(OUTBOX.c.status == OutboxStatus.PENDING.value)
        .where(OUTBOX.c.next_attempt_at <= now)
        .order_by(OUTBOX.c.id)
        .limit(limit)
    )
    if _dialect(session) == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed = (
        update(OUTBOX)
        .where(OUTBOX.c.id.in_(due.scalar_subquery()))
        .values(status=OutboxStatus.SENDING.value, claimed_by=worker, claimed_at=now)
        .returning(*OUTBOX.c)
    )
    result = await _run(session, claimed)
    rows = [OutboxRow.model_validate(dict(row._mapping)) for row in result.all()]
    rows.sort(key=lambda row: row.id or 0)
    return rows


async def event_payloads(session: Session, keys: Iterable[EventKey]) -> dict[EventKey, Any]:
    """The payloads of these events ((event_type, event_id) pairs), one read each."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    result = await _run(
        session,
        select(PAYLOADS.c.event_type, PAYLOADS.c.event_id, PAYLOADS.c.payload).where(
            tuple_(PAYLOADS.c.event_type, PAYLOADS.c.event_id).in_(wanted)
        ),
    )
    return {(str(kind), int(event_id)): payload for kind, event_id, payload in result.all()}


async def renew_claims(session: Session, *, worker: str, now: datetime) -> set[int]:
    """Extend the lease of every row `worker` still holds; the ids it still holds.

    A compare-and-set on `claimed_by`: a row that `release_expired_claims` handed
    back (claimed_by cleared) is not renewed and not in the answer, so a worker that
    was too late learns it lost the row instead of sending it a second time.
    """
    result = await _run(
        session,
        update(OUTBOX)
        .where(OUTBOX.c.claimed_by == worker)
        .where(OUTBOX.c.status == OutboxStatus.SENDING.value)
        .values(claimed_at=now)
        .returning(OUTBOX.c.id),
    )
    return {int(row[0]) for row in result.all()}


async def mark_sent_many(
    session: Session, sent: Sequence[tuple[int, int | None]], *, now: datetime
) -> None:
    """Several alerts reached Telegram: (row id, message id) pairs, one statement."""
    if not sent:
        return
    statement = (
        update(OUTBOX)
        .where(OUTBOX.c.id == bindparam("row_id"))
        .values(
            status=OutboxStatus.SENT.value,
            telegram_message_id=bindparam("message_id"),
            sent_at=now,
            claimed_by=None,
            last_error=None,
        )
    )
    await _run(
        session,
        statement,
        [{"row_id": row_id, "message_id": message_id} for row_id, message_id in sent],
    )


def _row(row_id: int, worker: str | None) -> Any:
    """The row, and only while `worker` (if given) still holds it: a worker whose claim
    was handed back to another must not overwrite what the new holder records."""
    where = OUTBOX.c.id == row_id
    return where if worker is None else and_(where, OUTBOX.c.claimed_by == worker)


async def schedule_retry(
    session: Session,
    row_id: int,
    *,
    at: datetime,
    error: str,
    count_attempt: bool = True,
    worker: str | None = None,
) -> None:
    """Try again at `at`; flood waits do not count as attempts."""
    values: dict[str, Any] = {
        "status": OutboxStatus.PENDING.value,
        "next_attempt_at": at,
        "last_error": error[:1024],
        "claimed_by": None,
    }
    if count_attempt:
        values["attempts"] = OUTBOX.c.attempts + 1
    await _run(session, update(OUTBOX).where(_row(row_id, worker)).values(**values))


async def dead_letter(
    session: Session, row_id: int, *, reason: str, worker: str | None = None
) -> None:
    """Give up on a row, keeping it and its reason for /deadletters."""
    await _run(
        session,
        update(OUTBOX)
        .where(_row(row_id, worker))
        .values(
            status=OutboxStatus.DEAD.value,
            last_error=reason[:1024],
            claimed_by=None,
            attempts=OUTBOX.c.attempts + 1,
        ),
    )


async def hold(session: Session, row_id: int, *, worker: str | None = None) -> None:
    """Keep a row for the end-of-mute digest instead of sending it now."""
    await _run(
        session,
        update(OUTBOX)
        .where(_row(row_id, worker))
        .values(status=OutboxStatus.HELD.value, claimed_by=None),
    )


async def release_expired_claims(session: Session, *, older_than: datetime) -> int:
    """Rows left `sending` by a dead worker go back to `pending`.

    One conditional UPDATE, so it is ordered against `renew_claims` on the same row
    (a row lock on PostgreSQL, which re-checks `claimed_at` after a concurrent renewal
    commits; one writer at a time on SQLite): a row renewed first is too recent to be
    taken, and a row taken first is no longer renewed.
    """
    result = await _run(
        session,
        update(OUTBOX)
        .where(OUTBOX.c.status == OutboxStatus.SENDING.value)
        .where(OUTBOX.c.claimed_at < older_than)
        .values(status=OutboxStatus.PENDING.value, claimed_by=None),
    )
    return _count(result)


async def event_photo_file_id(session: Session, *, event_type: str, event_id: int) -> str | None:
    """Telegram's file id of the event's picture, if a row of the event was sent with one."""
    query = (
        select(OUTBOX.c.photo_file_id)
        .where(OUTBOX.c.event_type == event_type)
        .where(OUTBOX.c.event_id == event_id)
        .where(OUTBOX.c.photo_file_id.is_not(None))
        .limit(1)
    )
    value = (await _run(session, query)).scalar_one_or_none()
    return str(value) if value is not None else None


async def record_photo_file_id(session: Session, row_id: int, file_id: str) -> None:
    """The row's picture was uploaded and Telegram named it `file_id`."""
    await _run(session, update(OUTBOX).where(OUTBOX.c.id == row_id).values(photo_file_id=file_id))


async def forget_photo_file_id(
    session: Session, *, event_type: str, event_id: int, file_id: str
) -> None:
    """Telegram refused `file_id` for this event's picture: stop offering it."""
    await _run(
        session,
        update(OUTBOX)
        .where(OUTBOX.c.event_type == event_type)
        .where(OUTBOX.c.event_id == event_id)
        .where(OUTBOX.c.photo_file_id == file_id)
        .values(photo_file_id=None),
    )


async def thread_message(
    session: Session,
    *,
    chat_id: int,
    thread_key: str,
    since: datetime,
    before_id: int,
    thread_id: int = 0,
) -> int | None:
    """Telegram id of the latest message sent in this chat (and forum topic) for the same
    thread, if recent."""
    query = (
        select(OUTBOX.c.telegram_message_id)
        .where(OUTBOX.c.chat_id == chat_id)
        .where(OUTBOX.c.thread_id == thread_id)
        .where(OUTBOX.c.thread_key == thread_key)
        .where(OUTBOX.c.status == OutboxStatus.SENT.value)
        .where(OUTBOX.c.telegram_message_id.is_not(None))
        .where(OUTBOX.c.sent_at >= since)
        .where(OUTBOX.c.id < before_id)
        .order_by(OUTBOX.c.id.desc())
        .limit(1)
    )
    value = (await _run(session, query)).scalar_one_or_none()
    return int(value) if value is not None else None


async def thread_in_flight(
    session: Session, *, chat_id: int, thread_key: str, before_id: int, thread_id: int = 0
) -> bool:
    """Whether an earlier message of this thread to this chat (and topic) is on its way."""
    query = (
        select(OUTBOX.c.id)
        .where(OUTBOX.c.chat_id == chat_id)
        .where(OUTBOX.c.thread_id == thread_id)
        .where(OUTBOX.c.thread_key == thread_key)
        .where(OUTBOX.c.id < before_id)
        .where(OUTBOX.c.status.in_([OutboxStatus.PENDING.value, OutboxStatus.SENDING.value]))
        .limit(1)
    )
    return (await _run(session, query)).first() is not None


async def general_copy_exists(
    session: Session, *, chat_id: int, event_type: str, event_id: int, row_id: int
) -> bool:
    """Whether the chat's General topic gets this event from another row: one addressed
    to it, or an earlier one whose topic is broken too (it falls back first)."""
    broken = select(TOPICS.c.thread_id).where(
        and_(TOPICS.c.chat_id == chat_id, TOPICS.c.broken_at.is_not(None))
    )
    query = (
        select(OUTBOX.c.id)
        .where(OUTBOX.c.chat_id == chat_id)
        .where(OUTBOX.c.event_type == event_type)
        .where(OUTBOX.c.event_id == event_id)
        .where(OUTBOX.c.id != row_id)
        .where(
            (OUTBOX.c.thread_id == 0) | (and_(OUTBOX.c.id < row_id, OUTBOX.c.thread_id.in_(broken)))
        )
        .limit(1)
    )
    return (await _run(session, query)).first() is not None


async def move_chat_rows(session: Session, *, old_id: int, new_id: int) -> None:
    """Point a migrated group's rows at its supergroup, dropping ones it already has."""
    existing = select(OUTBOX.c.event_type, OUTBOX.c.event_id).where(OUTBOX.c.chat_id == new_id)
    clash = (
        OUTBOX.delete()
        .where(OUTBOX.c.chat_id == old_id)
        .where(tuple_(OUTBOX.c.event_type, OUTBOX.c.event_id).in_(existing))
    )
    await _run(session, clash)
    await _run(session, update(OUTBOX).where(OUTBOX.c.chat_id == old_id).values(chat_id=new_id))


async def dead_rows(session: Session, *, limit: int) -> list[OutboxRow]:
    """The newest dead-lettered rows."""
    result = await _run(
        session,
        select(OUTBOX)
        .where(OUTBOX.c.status == OutboxStatus.DEAD.value)
        .order_by(OUTBOX.c.id.desc())
        .limit(limit),
    )
    return [OutboxRow.model_validate(dict(row._mapping)) for row in result.all()]


async def retry_dead(session: Session, *, now: datetime, ids: Sequence[int] | None = None) -> int:
    """Send dead-lettered rows again (all, or the given ids), with fresh attempts."""
    query = update(OUTBOX).where(OUTBOX.c.status == OutboxStatus.DEAD.value)
    if ids is not None:
        query = query.where(OUTBOX.c.id.in_(list(ids)))
    result = await _run(
        session,
        query.values(
            status=OutboxStatus.PENDING.value, attempts=0, next_attempt_at=now, claimed_by=None
        ),
    )
    return _count(result)


async def take_held(session: Session, *, chat_id: int) -> list[OutboxRow]:
    """The rows kept while a chat was muted, oldest first, with their events' payloads."""
    query = (
        select(OutboxRow)
        .where(OUTBOX.c.chat_id == chat_id)
        .where(OUTBOX.c.status == OutboxStatus.HELD.value)
        .order_by(OUTBOX.c.id)
    )
    return list((await _run(session, query)).scalars().all())


async def mark_summarised(session: Session, ids: Sequence[int], *, now: datetime) -> None:
    """Held rows folded into a digest count as delivered by it."""
    if ids:
        await _run(
            session,
            update(OUTBOX)
            .where(OUTBOX.c.id.in_(list(ids)))
            .values(status=OutboxStatus.SENT.value, sent_at=now, last_error="summarised"),
        )


async def depth(session: Session) -> dict[str, int]:
    """Rows per status."""
    result = await _run(session, select(OUTBOX.c.status, func.count()).group_by(OUTBOX.c.status))
    return {str(status): int(count) for status, count in result.all()}


async def chats_with_expired_mute(session: Session, *, now: datetime) -> list[int]:
    """Chats whose mute has ended and that still have held rows or a mute set."""
    result = await _run(
        session,
        select(CHATS.c.id).where(
            and_(CHATS.c.muted_until.is_not(None), CHATS.c.muted_until <= now)
        ),
    )
    return [int(row[0]) for row in result.all()]
