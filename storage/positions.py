"""Kept position reports of watched aircraft: written by the poller, read for maps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Position

POSITIONS: Table = Position.__table__  # type: ignore[attr-defined]


async def add_positions(session: AsyncSession, positions: Sequence[Mapping[str, Any]]) -> int:
    """Insert positions given as column values (the caller commits); how many.

    One multi-row INSERT, without ORM objects: a round may keep thousands.
    """
    if positions:
        statement = insert(POSITIONS)
        await session.exec(statement, params=[dict(p) for p in positions])
    return len(positions)


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
