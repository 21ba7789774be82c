"""Queries on chats: create on first contact, language, activity."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import Table, bindparam, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Chat, Subscription
from storage.types import utcnow
from storage.upsert import conflict_insert


async def get_chat(session: AsyncSession, chat_id: int) -> Chat | None:
    """The chat with this Telegram id, if the bot has met it."""
    return await session.get(Chat, chat_id)


async def ensure_chat(
    session: AsyncSession,
    chat_id: int,
    chat_type: str,
    title: str | None,
    *,
    reactivate: bool = False,
) -> Chat:
    """Return the chat, creating it on first contact; `reactivate` undoes a block or kick.

    One chat by `record_contacts`' rules, then loaded as a model the caller may edit.
    """
    await session.flush()  # this session's pending edits first: the statements read rows
    await record_contacts(session, [Contact(chat_id, chat_type, title, reactivate=reactivate)])
    chat = await session.get(Chat, chat_id, populate_existing=True)
    if chat is None:  # only if another transaction deleted it in between
        raise LookupError(f"chat {chat_id} vanished while it was recorded")
    return chat


@dataclass(frozen=True, slots=True)
class Contact:
    """A chat as an update shows it; `reactivate` undoes a block or kick (/start)."""

    chat_id: int
    type: str
    title: str | None
    reactivate: bool = False


async def record_contacts(
    session: AsyncSession, contacts: Sequence[Contact]
) -> dict[int, str | None]:
    """`ensure_chat` for many chats at once; each chat's /lang choice by id (None: none).

    One read finds the known chats; new chats are inserted and changed ones (type,
    title, or a /start after a block) updated, each as one executemany, so a known
    unchanged chat, the common case, costs its share of one SELECT. Every statement
    has a fixed shape, compiled once per process: a multi-row VALUES list would be
    compiled anew for every batch size. Rows are written in id order, so processes
    recording overlapping chats lock them in the same order (no deadlock).
    """
    if not contacts:
        return {}
    connection = await session.connection()
    ids = sorted({c.chat_id for c in contacts})
    found = await connection.execute(_KNOWN, {"ids": ids})
    known = {row.id: row for row in found.all()}
    now = utcnow()
    new: dict[int, dict[str, object]] = {}
    changed: dict[int, dict[str, object]] = {}
    for contact in sorted(contacts, key=lambda c: c.chat_id):
        row = known.get(contact.chat_id)
        if row is None:
            new[contact.chat_id] = _new_chat_row(contact, now)
        elif needs_record(row, contact):
            changed[contact.chat_id] = {
                "b_id": contact.chat_id,
                "type": contact.type,
                "title": contact.title,
                "active": row.active or contact.reactivate,
                "updated_at": now,
            }
    if new:
        # Another process may create the same chat between our read and this write.
        insert = conflict_insert(connection.dialect.name, _CHATS)
        await connection.execute(
            insert.on_conflict_do_nothing(index_elements=["id"]), list(new.values())
        )
    if changed:
        await connection.execute(_UPDATE, list(changed.values()))
    return {chat_id: (known[chat_id].locale if chat_id in known else None) for chat_id in ids}


class KnownChat(Protocol):
    """What `read_contacts` finds of a known chat."""

    type: str
    title: str | None
    active: bool
    locale: str | None


def needs_record(row: KnownChat | None, contact: Contact) -> bool:
    """Whether recording this contact writes: a new chat, a changed one, or a /start after
    a block; a known unchanged chat (the common case) is only read."""
    if row is None:
        return True
    return (row.type, row.title) != (contact.type, contact.title) or (
        contact.reactivate and not row.active
    )


async def read_contacts(session: AsyncSession, ids: Sequence[int]) -> dict[int, KnownChat]:
    """The known chats among these ids, as `record_contacts` reads them: writes nothing."""
    if not ids:
        return {}
    connection = await session.connection()
    found = await connection.execute(_KNOWN, {"ids": sorted(set(ids))})
    return {row.id: row for row in found.all()}


def _new_chat_row(contact: Contact, now: datetime) -> dict[str, object]:
    return {
        "id": contact.chat_id,
        "type": contact.type,
        "title": contact.title,
        "locale": None,
        "active": True,
        "muted_until": None,
        "created_at": now,
        "updated_at": now,
    }


_CHATS: Table = Chat.__table__  # type: ignore[attr-defined]
_KNOWN = (
    _CHATS.select()
    .with_only_columns(_CHATS.c.id, _CHATS.c.type, _CHATS.c.title, _CHATS.c.active, _CHATS.c.locale)
    .where(_CHATS.c.id.in_(bindparam("ids", expanding=True)))
)
_UPDATE = (
    update(_CHATS)
    .where(_CHATS.c.id == bindparam("b_id"))
    .values(
        type=bindparam("type"),
        title=bindparam("title"),
        active=bindparam("active"),
        updated_at=bindparam("updated_at"),
    )
)


async def set_chat_locale(session: AsyncSession, chat_id: int, locale: str) -> None:
    """Remember the language a chat chose with /lang."""
    chat = await session.get(Chat, chat_id)
    if chat is None:
        raise LookupError(f"unknown chat {chat_id}")
    chat.locale = locale
    chat.updated_at = utcnow()
    session.add(chat)


async def chats_by_id(session: AsyncSession, ids: set[int]) -> dict[int, Chat]:
    """The chats with these ids that exist, by id."""
    if not ids:
        return {}
    result = await session.exec(select(Chat).where(col(Chat.id).in_(sorted(ids))))
    return {chat.id: chat for chat in result.all()}


async def active_chat_ids(session: AsyncSession) -> list[int]:
    """Ids of the chats that have not blocked or removed the bot."""
    result = await session.exec(select(Chat.id).where(Chat.active == True))  # noqa: E712
    return list(result.all())


async def deactivate_chat(session: AsyncSession, chat_id: int) -> None:
    """The bot was blocked or removed: stop sending, keep settings and subscriptions."""
    chat = await session.get(Chat, chat_id)
    if chat is not None and chat.active:
        chat.active = False
        chat.updated_at = utcnow()
        session.add(chat)


async def set_mute(session: AsyncSession, chat_id: int, until: datetime | None) -> None:
    """Mute a chat until `until` (None unmutes)."""
    chat = await session.get(Chat, chat_id)
    if chat is None:
        raise LookupError(f"unknown chat {chat_id}")
    chat.muted_until = until
    chat.updated_at = utcnow()
    session.add(chat)


async def migrate_chat(session: AsyncSession, old_id: int, new_id: int) -> None:
    """A group became a supergroup: move its settings and subscriptions to the new id."""
    old = await session.get(Chat, old_id)
    if old is None:
        return
    new = await session.get(Chat, new_id)
    if new is None:
        # ON UPDATE CASCADE carries the subscriptions along with the primary key.
        await session.exec(
            update(Chat).where(Chat.id == old_id).values(id=new_id, type="supergroup")  # type: ignore[arg-type]
        )
        return
    if new.locale is None:
        new.locale = old.locale
    new.muted_until = new.muted_until or old.muted_until
    taken = {
        (s.kind, s.key)
        for s in (await session.exec(select(Subscription).where(Subscription.chat_id == new_id)))
    }
    for subscription in await session.exec(
        select(Subscription).where(Subscription.chat_id == old_id)
    ):
        if (subscription.kind, subscription.key) not in taken:
            subscription.chat_id = new_id
            session.add(subscription)
    await session.flush()
    await session.delete(old)


async def set_chat_zone(session: AsyncSession, chat_id: int, zone: str | None) -> None:
    """The chat's IANA zone (/tz); None goes back to its language's."""
    await _set(session, chat_id, tz=zone)


async def set_quiet_hours(
    session: AsyncSession, chat_id: int, start: int | None, end: int | None, urgent: str | None
) -> None:
    """Quiet hours in minutes of the local day (None, None: off) and the urgent kinds."""
    await _set(session, chat_id, quiet_start=start, quiet_end=end, urgent_kinds=urgent)


async def set_daily_digest(
    session: AsyncSession, chat_id: int, at: int | None, *, now: datetime
) -> None:
    """The daily digest's local time (None: off); the day so far is not summarised twice."""
    await _set(session, chat_id, digest_at=at, digest_last=now if at is not None else None)


async def claim_daily_digest(
    session: AsyncSession, chat_id: int, *, previous: datetime | None, moment: datetime
) -> bool:
    """Move the chat's last digest moment from `previous` to `moment`, if nobody did.

    A compare-and-set: of two processes scheduling the same digest, one wins.
    """
    where = _CHATS.c.digest_last.is_(None) if previous is None else _CHATS.c.digest_last == previous
    result = await session.exec(
        update(_CHATS).where(_CHATS.c.id == chat_id).where(where).values(digest_last=moment)
    )
    return bool(getattr(result, "rowcount", 0))


async def _set(session: AsyncSession, chat_id: int, **values: object) -> None:
    chat = await session.get(Chat, chat_id)
    if chat is None:
        raise LookupError(f"unknown chat {chat_id}")
    for name, value in values.items():
        setattr(chat, name, value)
    chat.updated_at = utcnow()
    session.add(chat)
