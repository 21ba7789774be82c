"""What the flight poller reads each round: the watched hexes, and aircraft by hex."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Aircraft


async def watched_hexes(session: AsyncSession) -> set[str]:
    """Every watched aircraft's hex (only the column: the list may be long)."""
    return set((await session.exec(select(Aircraft.hex))).all())


async def aircraft_by_hexes(session: AsyncSession, hexes: Iterable[str]) -> dict[str, Aircraft]:
    """The watched aircraft among `hexes`, by hex."""
    wanted = sorted(set(hexes))
    if not wanted:
        return {}
    result = await session.exec(select(Aircraft).where(col(Aircraft.hex).in_(wanted)))
    return {aircraft.hex: aircraft for aircraft in result.all()}
