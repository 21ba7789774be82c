"""Queries on subscriptions.

A subscription belongs to a chat and one of its forum topics (`thread_id`, 0 for the
whole chat or a forum's General topic); the same chat follows different things in
different topics.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Subscription, SubscriptionKind


async def subscribe(
    session: AsyncSession,
    chat_id: int,
    kind: SubscriptionKind,
    key: str,
    *,
    by: int | None,
    thread_id: int = 0,
) -> bool:
    """Add a subscription; False when the chat (topic) already had it."""
    existing = await session.exec(
        select(Subscription.id).where(
            Subscription.chat_id == chat_id,
            Subscription.thread_id == thread_id,
            Subscription.kind == kind,
            Subscription.key == key,
        )
    )
    if existing.first() is not None:
        return False
    try:
        async with session.begin_nested():
            session.add(
                Subscription(
                    chat_id=chat_id, thread_id=thread_id, kind=kind, key=key, created_by=by
                )
            )
    except IntegrityError:
        # Two admins pressed the same button at once: the other one won.
        return False
    return True


async def unsubscribe(
    session: AsyncSession, chat_id: int, kind: str, key: str, *, thread_id: int = 0
) -> bool:
    """Remove a subscription of the chat (topic); False when there was none."""
    found = (
        await session.exec(
            select(Subscription).where(
                Subscription.chat_id == chat_id,
                Subscription.thread_id == thread_id,
                Subscription.kind == kind,
                Subscription.key == key,
            )
        )
    ).first()
    if found is None:
        return False
    await session.delete(found)
    return True


async def unsubscribe_by_id(
    session: AsyncSession, chat_ids: int | Collection[int], subscription_id: int
) -> bool:
    """Remove one subscription by id (from a button), if it belongs to one of `chat_ids`
    (the chat, and the channels it manages)."""
    allowed = {chat_ids} if isinstance(chat_ids, int) else set(chat_ids)
    found = await session.get(Subscription, subscription_id)
    if found is None or found.chat_id not in allowed:
        return False
    await session.delete(found)
    return True


async def chat_subscriptions(
    session: AsyncSession, chat_id: int, *, thread_id: int | None = None
) -> list[Subscription]:
    """A chat's subscriptions (only one topic's when `thread_id` is given), by topic, kind
    then key."""
    query = select(Subscription).where(Subscription.chat_id == chat_id)
    if thread_id is not None:
        query = query.where(Subscription.thread_id == thread_id)
    result = await session.exec(
        query.order_by(col(Subscription.thread_id), col(Subscription.kind), col(Subscription.key))
    )
    return list(result.all())
