"""Queries on chats: create on first contact, language, activity."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Chat, Subscription
from storage.types import utcnow


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
    """Return the chat, creating it on first contact; `reactivate` undoes a block or kick."""
    chat = await session.get(Chat, chat_id)
    if chat is None:
        chat = Chat(id=chat_id, type=chat_type, title=title)
        session.add(chat)
        await session.flush()
        return chat
    changed = False
    if chat.type != chat_type or chat.title != title:
        chat.type, chat.title = chat_type, title
        changed = True
    if reactivate and not chat.active:
        chat.active = True
        changed = True
    if changed:
        chat.updated_at = utcnow()
        session.add(chat)
    return chat


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
