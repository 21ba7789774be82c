"""Queries on subscriptions."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Subscription, SubscriptionKind


async def subscribe(
    session: AsyncSession, chat_id: int, kind: SubscriptionKind, key: str, *, by: int | None
) -> bool:
    """Add a subscription; False when the chat already had it."""
    existing = await session.exec(
        select(Subscription.id).where(
            Subscription.chat_id == chat_id, Subscription.kind == kind, Subscription.key == key
        )
    )
    if existing.first() is not None:
        return False
    try:
        async with session.begin_nested():
            session.add(Subscription(chat_id=chat_id, kind=kind, key=key, created_by=by))
    except IntegrityError:
        # Two admins pressed the same button at once: the other one won.
        return False
    return True


async def unsubscribe(session: AsyncSession, chat_id: int, kind: str, key: str) -> bool:
    """Remove a subscription; False when there was none."""
    found = (
        await session.exec(
            select(Subscription).where(
                Subscription.chat_id == chat_id, Subscription.kind == kind, Subscription.key == key
            )
        )
    ).first()
    if found is None:
        return False
    await session.delete(found)
    return True


async def unsubscribe_by_id(session: AsyncSession, chat_id: int, subscription_id: int) -> bool:
    """Remove one subscription of this chat by id (from a button)."""
    found = await session.get(Subscription, subscription_id)
    if found is None or found.chat_id != chat_id:
        return False
    await session.delete(found)
    return True


async def chat_subscriptions(session: AsyncSession, chat_id: int) -> list[Subscription]:
    """A chat's subscriptions, by kind then key."""
    result = await session.exec(
        select(Subscription)
        .where(Subscription.chat_id == chat_id)
        .order_by(col(Subscription.kind), col(Subscription.key))
    )
    return list(result.all())
