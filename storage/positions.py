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


async def add_positions(
    session: AsyncSession, positions: Sequence[Position | Mapping[str, Any]]
) -> int:
    """Insert positions, as rows or as column values (the caller commits); how many.

    One multi-row INSERT, without flushing ORM objects: a round may keep thousands.
    """
    rows = [
        p.model_dump(exclude={"id"})
        if isinstance(p, Position)
        else {k: v for k, v in p.items() if k != "id"}
        for p in positions
    ]
    if rows:
        await session.exec(insert(POSITIONS), params=rows)
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
