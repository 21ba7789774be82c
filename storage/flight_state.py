"""Load and save the flight poller's state document (optimistic, by revision)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import col, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import FlightWatchState


async def load_state(session: AsyncSession, name: str) -> FlightWatchState | None:
    """The stored state of that name, or None before the first save."""
    return await session.get(FlightWatchState, name)


async def state_revision(session: AsyncSession, name: str) -> int | None:
    """Only the revision: a cheap check whether someone else saved since we did."""
    row = await session.get(FlightWatchState, name)
    return None if row is None else row.revision


async def save_state(
    session: AsyncSession, name: str, state: dict[str, Any], *, revision: int, now: datetime
) -> int | None:
    """Store `state` over revision `revision` (0: the first save); the new revision.

    Returns None when the stored revision is no longer `revision` (another process
    saved in between): the caller must restore from the store rather than overwrite.
    The caller commits.
    """
    if revision == 0:
        if await session.get(FlightWatchState, name) is not None:
            return None
        session.add(FlightWatchState(name=name, revision=1, state=state, updated_at=now))
        await session.flush()
        return 1
    result = await session.exec(
        update(FlightWatchState)
        .where(col(FlightWatchState.name) == name, col(FlightWatchState.revision) == revision)
        .values(revision=revision + 1, state=state, updated_at=now)
    )
    return revision + 1 if result.rowcount == 1 else None
