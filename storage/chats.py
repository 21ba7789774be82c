"""Queries on chats: create on first contact, language, activity."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Chat
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


async def active_chat_ids(session: AsyncSession) -> list[int]:
    """Ids of the chats that have not blocked or removed the bot."""
    result = await session.exec(select(Chat.id).where(Chat.active == True))  # noqa: E712
    return list(result.all())
