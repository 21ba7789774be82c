"""What the destination predictor reads from the store: earlier predictions, the
aircraft's airports, and where flights from an origin landed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import FlightEventRow

DESTINATION = "destination"
# Enough of an aircraft's past to know its usual airports; a bounded read.
_VISITS = 200
# Landings read to find those of flights from one origin (their departure is in `data`,
# JSON that SQLite and PostgreSQL query differently; a bounded read filtered here).
_LANDINGS = 2000


async def last_destination(
    session: AsyncSession, hex_code: str, since: datetime
) -> FlightEventRow | None:
    """The newest destination prediction alerted for an aircraft since `since`."""
    result = await session.exec(
        select(FlightEventRow)
        .where(
            FlightEventRow.hex == hex_code,
            FlightEventRow.kind == DESTINATION,
            col(FlightEventRow.ts) >= since,
        )
        .order_by(col(FlightEventRow.ts).desc(), col(FlightEventRow.id).desc())
        .limit(1)
    )
    return result.first()


async def destinations_since(
    session: AsyncSession, hexes: Sequence[str], since: datetime
) -> list[FlightEventRow]:
    """The destination predictions of the aircraft since `since`, newest first."""
    if not hexes:
        return []
    result = await session.exec(
        select(FlightEventRow)
        .where(
            col(FlightEventRow.hex).in_(list(hexes)),
            FlightEventRow.kind == DESTINATION,
            col(FlightEventRow.ts) >= since,
        )
        .order_by(col(FlightEventRow.ts).desc(), col(FlightEventRow.id).desc())
    )
    return list(result.all())


async def airports_of(session: AsyncSession, hex_code: str) -> list[str | None]:
    """The airports of an aircraft's newest takeoffs and landings."""
    result = await session.exec(
        select(FlightEventRow.airport_icao)
        .where(
            FlightEventRow.hex == hex_code,
            col(FlightEventRow.kind).in_(("takeoff", "landing")),
        )
        .order_by(col(FlightEventRow.ts).desc())
        .limit(_VISITS)
    )
    return list(result.all())


async def landings_from(session: AsyncSession, origin: str) -> list[str | None]:
    """The airports where the newest stored flights from `origin` landed."""
    result = await session.exec(
        select(FlightEventRow.airport_icao, FlightEventRow.data)
        .where(FlightEventRow.kind == "landing")
        .order_by(col(FlightEventRow.ts).desc())
        .limit(_LANDINGS)
    )
    return [icao for icao, data in result.all() if (data or {}).get("departure") == origin]
