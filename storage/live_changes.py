"""What arrived in the store since a mark: the Mini App's live stream reads this.

A mark is the highest position id and flight event id seen; ids only grow, so "after
the mark" is exactly what a client has not been sent yet, whichever process stored it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy import select as core_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.flight_queries import _FIX_COLUMNS, _record
from storage.flight_records import EventRecord, Fix
from storage.models import FlightEventRow
from storage.positions import POSITIONS

# A client far behind gets the newest of this many rows and reloads the rest.
MAX_ROWS = 5000
_EVENTS = FlightEventRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Mark:
    """The newest position id and flight event id a client has."""

    position_id: int
    event_id: int


async def current_mark(session: AsyncSession) -> Mark:
    """The store's newest ids (0 when empty)."""
    connection = await session.connection()
    position = (await connection.execute(core_select(func.max(POSITIONS.c.id)))).scalar()
    event = (await connection.execute(core_select(func.max(_EVENTS.c.id)))).scalar()
    return Mark(position_id=int(position or 0), event_id=int(event or 0))


async def positions_after(session: AsyncSession, mark: Mark) -> tuple[list[Fix], int]:
    """Positions stored after the mark (oldest first) and the new position mark."""
    connection = await session.connection()
    result = await connection.execute(
        core_select(POSITIONS.c.id, *_FIX_COLUMNS)
        .where(POSITIONS.c.id > mark.position_id)
        .order_by(POSITIONS.c.id.desc())
        .limit(MAX_ROWS)
    )
    rows = list(reversed(result.all()))
    if not rows:
        return [], mark.position_id
    return [Fix(*row[1:]) for row in rows], int(rows[-1][0])


async def events_after(session: AsyncSession, mark: Mark) -> list[EventRecord]:
    """Flight events stored after the mark, oldest first."""
    result = await session.exec(
        select(FlightEventRow)
        .where(col(FlightEventRow.id) > mark.event_id)
        .order_by(col(FlightEventRow.id))
        .limit(MAX_ROWS)
    )
    return [_record(row) for row in result.all()]
