"""Load and save the flight poller's state: a global row guarded by its revision, and
one row per aircraft of which a save writes only those that changed, in batches."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import FlightTrackState, FlightWatchState
from storage.upsert import conflict_insert

TRACKS: Table = FlightTrackState.__table__  # type: ignore[attr-defined]
# Hexes per DELETE .. IN: far below any driver's limit of bound parameters.
_DELETE_CHUNK = 500


@dataclass(frozen=True, slots=True)
class AircraftState:
    """One aircraft's row: the detector's track and the poller's sighting (None: none)."""

    track: Sequence[Any] | None
    seen: Sequence[Any] | None


@dataclass(frozen=True, slots=True)
class StoredState:
    """What a save left: its revision, the global fields and every aircraft's row."""

    revision: int
    document: dict[str, Any]
    aircraft: dict[str, AircraftState]


async def state_revision(session: AsyncSession, name: str) -> int | None:
    """Only the revision: a cheap check whether someone else saved since we did."""
    result = await session.exec(
        select(FlightWatchState.revision).where(col(FlightWatchState.name) == name)
    )
    return result.first()


async def load_state(session: AsyncSession, name: str) -> StoredState | None:
    """The stored state of that name, or None before the first save."""
    row = await session.get(FlightWatchState, name)
    if row is None:
        return None
    result = await session.exec(
        select(FlightTrackState.hex, FlightTrackState.track, FlightTrackState.seen)
    )
    aircraft = {hex_: AircraftState(track, seen) for hex_, track, seen in result.all()}
    return StoredState(row.revision, dict(row.state), aircraft)


async def save_state(
    session: AsyncSession,
    name: str,
    document: dict[str, Any],
    *,
    revision: int,
    now: datetime,
    aircraft: Iterable[Mapping[str, AircraftState]],
) -> int | None:
    """Store the global `document` over revision `revision` (0: the first save) and the
    rows of `aircraft` (a row with neither track nor sighting is deleted); the new revision.

    `aircraft` comes in batches, each taken (so built, if it is a generator) only once
    the one before was sent: a save of thousands of rows leaves the event loop free
    while the database writes each batch. Rows not named stay as they are, except on a
    first save, which starts from none. Returns None, writing nothing, when the stored
    revision is no longer `revision` (another process saved in between): the caller
    must restore from the store rather than overwrite. The caller commits.
    """
    if revision == 0:
        if await session.get(FlightWatchState, name) is not None:
            return None
        session.add(FlightWatchState(name=name, revision=1, state=document, updated_at=now))
        await session.flush()
        # Rows without a global row are left from a state that was wiped: not ours.
        await session.exec(delete(TRACKS))
    else:
        # The revision moves first: on PostgreSQL, a concurrent save waits on this
        # row's lock and then finds the revision gone, before it writes any track.
        result = await session.exec(
            update(FlightWatchState)
            .where(col(FlightWatchState.name) == name, col(FlightWatchState.revision) == revision)
            .values(revision=revision + 1, state=document, updated_at=now)
        )
        if result.rowcount != 1:
            return None
    for batch in aircraft:
        await _write_tracks(session, batch, now)
    return revision + 1


async def _write_tracks(
    session: AsyncSession, aircraft: Mapping[str, AircraftState], now: datetime
) -> None:
    """Upsert and delete the given rows in a few bulk statements, not one per aircraft."""
    rows = [
        {"hex": hex_, "track": state.track, "seen": state.seen, "updated_at": now}
        for hex_, state in aircraft.items()
        if state.track is not None or state.seen is not None
    ]
    gone = sorted(
        hex_ for hex_, state in aircraft.items() if state.track is None and state.seen is None
    )
    if rows:
        # One executemany: the drivers send it as a batch, not a round trip per row.
        await session.exec(_upsert(session.get_bind().dialect.name), params=rows)
    for start in range(0, len(gone), _DELETE_CHUNK):
        chunk = gone[start : start + _DELETE_CHUNK]
        await session.exec(delete(TRACKS).where(TRACKS.c.hex.in_(chunk)))


def _upsert(dialect: str) -> Any:
    insert = conflict_insert(dialect, TRACKS)
    return insert.on_conflict_do_update(
        index_elements=["hex"],
        set_={
            "track": insert.excluded.track,
            "seen": insert.excluded.seen,
            "updated_at": insert.excluded.updated_at,
        },
    )
