"""Store events exactly once: a replayed or re-detected event finds its dedup key taken."""

from __future__ import annotations

from sqlalchemy import Table
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import DigestEvent, FlightEventRow, SignalLink, StatementEvent, VenueEvent
from storage.upsert import conflict_insert

EventRow = FlightEventRow | StatementEvent | VenueEvent | DigestEvent | SignalLink
_TABLES: dict[type[EventRow], Table] = {
    FlightEventRow: FlightEventRow.__table__,  # type: ignore[attr-defined]
    StatementEvent: StatementEvent.__table__,  # type: ignore[attr-defined]
    VenueEvent: VenueEvent.__table__,  # type: ignore[attr-defined]
    DigestEvent: DigestEvent.__table__,  # type: ignore[attr-defined]
    SignalLink: SignalLink.__table__,  # type: ignore[attr-defined]
}


async def insert_once(session: AsyncSession, event: EventRow) -> int | None:
    """Insert an event unless its `dedup_key` exists; the new id, or None for a duplicate."""
    table = _TABLES[type(event)]
    # model_dump applies the model's defaults, which a Core insert would not.
    values = event.model_dump(exclude={"id"})
    insert = conflict_insert(session.get_bind().dialect.name, table)
    statement = (
        insert.values(**values)
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(table.c.id)
    )
    result = await session.exec(statement)
    row = result.first()
    return int(row[0]) if row is not None else None
