"""Queries behind /status and /flights: positions, flight events and callsigns of aircraft."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, column, func, values
from sqlalchemy import select as core_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.flight_records import EventRecord, Fix
from storage.models import FlightEventRow, FlightWatchState, Position, Source, SourceKind
from storage.positions import POSITIONS

# The events that make or revise a flight; signal_regained may retract a probable landing.
FLIGHT_KINDS = ("takeoff", "landing", "signal_regained")
DESTINATION = "destination"  # a prediction made in the air (bot.flights.destination_watch)
# Enough to draw a long flight at a few fixes a minute without loading weeks of track.
MAX_TRACK_FIXES = 5000


# In the order of Fix's fields.
_FIX_COLUMNS = (
    POSITIONS.c.hex,
    POSITIONS.c.ts,
    POSITIONS.c.lat,
    POSITIONS.c.lon,
    POSITIONS.c.alt_ft,
    POSITIONS.c.on_ground,
    POSITIONS.c.callsign,
    POSITIONS.c.track_deg,
    POSITIONS.c.provider,
)


def _fix(position: Position) -> Fix:
    return Fix(
        hex=position.hex,
        ts=position.ts,
        lat=position.lat,
        lon=position.lon,
        alt_ft=position.alt_ft,
        on_ground=position.on_ground,
        callsign=position.callsign,
        track_deg=position.track_deg,
        provider=position.provider,
    )


def _record(event: FlightEventRow) -> EventRecord:
    return EventRecord(
        id=event.id or 0,
        kind=event.kind,
        hex=event.hex,
        ts=event.ts,
        airport_icao=event.airport_icao,
        confidence=event.confidence,
        dedup_key=event.dedup_key,
        thread_key=event.thread_key,
        data=dict(event.data or {}),
    )


async def last_fix(session: AsyncSession, hex_code: str) -> Fix | None:
    """The newest kept position of an aircraft."""
    result = await session.exec(
        select(Position).where(Position.hex == hex_code).order_by(col(Position.ts).desc()).limit(1)
    )
    found = result.first()
    return _fix(found) if found is not None else None


async def track(session: AsyncSession, hex_code: str, start: datetime, end: datetime) -> list[Fix]:
    """An aircraft's kept positions from `start` to `end`, oldest first.

    Plain rows of the columns a map needs, not ORM objects: a flight is a thousand
    positions or more, and building a Position for each held the event loop for
    milliseconds per /status (`docs/benchmarks-status.md`).
    """
    connection = await session.connection()
    result = await connection.execute(
        core_select(*_FIX_COLUMNS)
        .where(POSITIONS.c.hex == hex_code, POSITIONS.c.ts >= start, POSITIONS.c.ts <= end)
        .order_by(POSITIONS.c.ts)
        .limit(MAX_TRACK_FIXES)
    )
    return [Fix(*row) for row in result.all()]


async def last_event(session: AsyncSession, hex_code: str) -> EventRecord | None:
    """The newest flight event of any kind of an aircraft."""
    result = await session.exec(
        select(FlightEventRow)
        .where(FlightEventRow.hex == hex_code)
        .order_by(col(FlightEventRow.ts).desc(), col(FlightEventRow.id).desc())
        .limit(1)
    )
    found = result.first()
    return _record(found) if found is not None else None


async def flight_events(
    session: AsyncSession, hexes: Sequence[str], *, limit: int
) -> list[EventRecord]:
    """The newest `limit` takeoffs, landings and regained signals of the aircraft, oldest first."""
    if not hexes:
        return []
    result = await session.exec(
        select(FlightEventRow)
        .where(col(FlightEventRow.hex).in_(list(hexes)), col(FlightEventRow.kind).in_(FLIGHT_KINDS))
        .order_by(col(FlightEventRow.ts).desc(), col(FlightEventRow.id).desc())
        .limit(limit)
    )
    return [_record(e) for e in reversed(result.all())]


async def hexes_by_callsign(session: AsyncSession, callsign: str, *, limit: int = 5) -> list[str]:
    """Aircraft seen with this callsign (spaces and case ignored), most recently seen first."""
    wanted = "".join(callsign.split()).upper()
    if not wanted:
        return []
    # callsign_key is upper(trim(callsign)), indexed with hex and ts (migration 0008).
    # A GROUP BY would read every index entry of the callsign (one per position: tens
    # of thousands for a daily flight kept 90 days); instead the aircraft are walked
    # one index seek each (the next hex after the last one), and each one's newest
    # time is one more seek. Work grows with the aircraft that flew the callsign.
    keyed = POSITIONS.c.callsign_key == wanted
    first = select(func.min(POSITIONS.c.hex).label("hex")).where(keyed)
    walk = first.cte("callsign_aircraft", recursive=True)
    after = POSITIONS.alias("after")
    following = (
        select(func.min(after.c.hex))
        .where(after.c.callsign_key == wanted, after.c.hex > walk.c.hex)
        .scalar_subquery()
    )
    walk = walk.union_all(select(following).where(walk.c.hex.is_not(None)))
    newest = (
        select(func.max(POSITIONS.c.ts))
        .where(keyed, POSITIONS.c.hex == walk.c.hex)
        .scalar_subquery()
    )
    result = await session.exec(
        select(walk.c.hex).where(walk.c.hex.is_not(None)).order_by(newest.desc()).limit(limit)
    )
    return [str(hex_code) for hex_code in result.all()]


# ---------------------------------------------------------------- fleets (many aircraft)

# Hexes per IN list: well under SQLite's and asyncpg's parameter limits.
_IN_CHUNK = 500


def _chunked(hexes: Sequence[str]) -> list[list[str]]:
    unique = sorted(set(hexes))
    return [unique[i : i + _IN_CHUNK] for i in range(0, len(unique), _IN_CHUNK)]


async def last_fixes(session: AsyncSession, hexes: Sequence[str]) -> dict[str, Fix]:
    """The newest kept position of each of these aircraft (those with none are absent).

    One statement per few hundred aircraft. Each aircraft's newest time is its own
    max() on the (hex, ts) index, one seek, where a GROUP BY over the aircraft read
    every position they have (thousands each); then those rows are read.
    """
    found: dict[str, Fix] = {}
    connection = await session.connection()
    for chunk in _chunked(hexes):
        wanted = values(column("hex", String), name="wanted").data([(h,) for h in chunk])
        asked = wanted.cte("wanted")
        newest_ts = (
            core_select(func.max(POSITIONS.c.ts))
            .where(POSITIONS.c.hex == asked.c.hex)
            .scalar_subquery()
        )
        newest = core_select(asked.c.hex, newest_ts.label("ts")).subquery("newest")
        result = await connection.execute(
            core_select(*_FIX_COLUMNS)
            .join_from(
                POSITIONS,
                newest,
                (POSITIONS.c.hex == newest.c.hex) & (POSITIONS.c.ts == newest.c.ts),
            )
            .order_by(POSITIONS.c.id)
        )
        for row in result.all():
            fix = Fix(*row)
            found[fix.hex] = fix  # on a tie of times, the last stored wins
    return found


async def events_by_aircraft(
    session: AsyncSession, hexes: Sequence[str], *, per_aircraft: int
) -> dict[str, list[EventRecord]]:
    """Each aircraft's newest `per_aircraft` flight events (oldest first), and its newest
    event of any kind on top when that is not one of them (a signal lost, an emergency).

    Ranked per aircraft in SQL (a window function, on SQLite and PostgreSQL alike), so a
    fleet of hundreds costs one statement per few hundred aircraft, not one per aircraft.
    """
    found: dict[str, list[EventRecord]] = {}
    for chunk in _chunked(hexes):
        rank = (
            func.row_number()
            .over(
                partition_by=col(FlightEventRow.hex),
                order_by=(col(FlightEventRow.ts).desc(), col(FlightEventRow.id).desc()),
            )
            .label("rank")
        )
        kinds = col(FlightEventRow.kind).in_(FLIGHT_KINDS)
        flights_ranked = (
            select(col(FlightEventRow.id), rank).where(col(FlightEventRow.hex).in_(chunk), kinds)
        ).subquery()
        # A destination prediction is no evidence of where the aircraft is.
        any_ranked = (
            select(col(FlightEventRow.id), rank).where(
                col(FlightEventRow.hex).in_(chunk), FlightEventRow.kind != DESTINATION
            )
        ).subquery()
        wanted = (
            select(flights_ranked.c.id)
            .where(flights_ranked.c.rank <= per_aircraft)
            .union(select(any_ranked.c.id).where(any_ranked.c.rank == 1))
        )
        result = await session.exec(
            select(FlightEventRow)
            .where(col(FlightEventRow.id).in_(wanted))
            .order_by(col(FlightEventRow.ts), col(FlightEventRow.id))
        )
        for event in result.all():
            found.setdefault(event.hex, []).append(_record(event))
    return found


async def flight_provider_sources(session: AsyncSession) -> list[Source]:
    """The flight providers' `sources` rows (readsb and OpenSky kinds), with their health."""
    result = await session.exec(
        select(Source)
        .where(col(Source.kind).in_([SourceKind.READSB, SourceKind.OPENSKY]))
        .order_by(col(Source.name))
    )
    return list(result.all())


async def watch_document(session: AsyncSession, name: str) -> dict[str, Any] | None:
    """The flight poller's global state document (not its per-aircraft rows), or None."""
    result = await session.exec(
        select(FlightWatchState.state).where(col(FlightWatchState.name) == name)
    )
    found = result.first()
    return dict(found) if found is not None else None
