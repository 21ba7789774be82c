"""Queries on forum topics: their names, and the ones Telegram refused (closed or deleted)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ForumTopic


async def remember_topic(
    session: AsyncSession, chat_id: int, thread_id: int, title: str | None
) -> None:
    """A topic was written in (or subscribed from): keep its name, and take it as working
    again, since Telegram just carried a message of it."""
    topic = await session.get(ForumTopic, (chat_id, thread_id))
    if topic is None:
        session.add(ForumTopic(chat_id=chat_id, thread_id=thread_id, title=_title(title)))
        return
    if title:
        topic.title = _title(title)
    topic.broken_at = None
    topic.broken_reason = None
    session.add(topic)


async def mark_broken(
    session: AsyncSession, chat_id: int, thread_id: int, *, reason: str, now: datetime
) -> bool:
    """Telegram refused the topic; True when it was not known to be broken before."""
    topic = await session.get(ForumTopic, (chat_id, thread_id))
    if topic is None:
        topic = ForumTopic(chat_id=chat_id, thread_id=thread_id)
    elif topic.broken_at is not None:
        return False
    topic.broken_at = now
    topic.broken_reason = reason[:256]
    session.add(topic)
    return True


async def chat_topics(session: AsyncSession, chat_id: int) -> dict[int, ForumTopic]:
    """The chat's known topics by thread id."""
    result = await session.exec(select(ForumTopic).where(ForumTopic.chat_id == chat_id))
    return {topic.thread_id: topic for topic in result.all()}


async def topic_title(session: AsyncSession, chat_id: int, thread_id: int) -> str | None:
    """The topic's name, if the bot saw it."""
    topic = await session.get(ForumTopic, (chat_id, thread_id))
    return topic.title if topic is not None else None


def _title(title: str | None) -> str | None:
    return title[:128] if title else None
