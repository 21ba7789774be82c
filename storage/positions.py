"""Kept position reports of watched aircraft: written by the poller, read for maps."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Position


async def add_positions(session: AsyncSession, positions: Iterable[Position]) -> int:
    """Add positions (the caller commits); how many."""
    rows = list(positions)
    session.add_all(rows)
    await session.flush()
    return len(rows)


async def track_between(
    session: AsyncSession, hex_code: str, start: datetime, end: datetime, *, limit: int = 2000
) -> list[Position]:
    """An aircraft's kept positions from `start` to `end` inclusive, oldest first."""
    result = await session.exec(
        select(Position)
        .where(
            Position.hex == hex_code,
            col(Position.ts) >= start,
            col(Position.ts) <= end,
        )
        .order_by(col(Position.ts))
        .limit(limit)
    )
    return list(result.all())
