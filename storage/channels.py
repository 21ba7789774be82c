"""Queries on linked channels: which chat manages which channel, and lost rights."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ChannelLink, Chat, Subscription
from storage.types import utcnow

LINKS = ChannelLink.__table__  # type: ignore[attr-defined]


async def link_channel(
    session: AsyncSession, *, channel_id: int, title: str | None, chat_id: int, by: int | None
) -> bool:
    """Link the channel to the chat (the channel recorded and active again, its lost
    rights forgotten); False when it was linked already."""
    channel = await session.get(Chat, channel_id)
    if channel is None:
        channel = Chat(id=channel_id, type="channel", title=title)
    channel.type = "channel"
    channel.title = title or channel.title
    channel.active = True
    channel.updated_at = utcnow()
    session.add(channel)
    link = await session.get(ChannelLink, (channel_id, chat_id))
    if link is not None:
        link.rights_lost_at = None
        session.add(link)
        return False
    await session.flush()  # the channel's row before the link that references it
    session.add(ChannelLink(channel_id=channel_id, chat_id=chat_id, linked_by=by))
    return True


async def unlink_channel(session: AsyncSession, *, channel_id: int, chat_id: int) -> int | None:
    """Unlink; None when it was not linked, else how many of the channel's subscriptions
    were dropped (all of them, once no chat manages the channel any more)."""
    link = await session.get(ChannelLink, (channel_id, chat_id))
    if link is None:
        return None
    await session.delete(link)
    await session.flush()
    if await linking_chats(session, channel_id):
        return 0
    # Nobody could see or change them any more, and the bot would go on posting.
    result = await session.exec(delete(Subscription).where(col(Subscription.chat_id) == channel_id))
    return int(getattr(result, "rowcount", 0) or 0)


async def linked_channels(session: AsyncSession, chat_id: int) -> list[tuple[Chat, ChannelLink]]:
    """The channels this chat manages, by title."""
    result = await session.exec(
        select(Chat, ChannelLink)
        .join(ChannelLink, col(ChannelLink.channel_id) == col(Chat.id))
        .where(ChannelLink.chat_id == chat_id)
        .order_by(col(Chat.title), col(Chat.id))
    )
    return [(chat, link) for chat, link in result.all()]


async def is_linked(session: AsyncSession, *, chat_id: int, channel_id: int) -> bool:
    """Whether this chat manages that channel."""
    return await session.get(ChannelLink, (channel_id, chat_id)) is not None


async def linking_chats(session: AsyncSession, channel_id: int) -> list[int]:
    """The chats that manage this channel."""
    result = await session.exec(
        select(ChannelLink.chat_id).where(ChannelLink.channel_id == channel_id)
    )
    return sorted(int(chat_id) for chat_id in result.all())


async def chats_to_warn(session: AsyncSession, channel_id: int) -> list[int]:
    """The managing chats not yet told that the bot lost its rights in the channel."""
    result = await session.exec(
        select(ChannelLink.chat_id)
        .where(ChannelLink.channel_id == channel_id)
        .where(col(ChannelLink.rights_lost_at).is_(None))
    )
    return sorted(int(chat_id) for chat_id in result.all())


async def mark_rights_lost(
    session: AsyncSession, *, channel_id: int, chat_id: int, now: datetime
) -> None:
    """This managing chat was told that the bot lost its rights in the channel."""
    await session.exec(
        update(LINKS)
        .where(LINKS.c.channel_id == channel_id)
        .where(LINKS.c.chat_id == chat_id)
        .values(rights_lost_at=now)
    )
