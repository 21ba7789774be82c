"""Queries behind /status and /flights: positions, flight events and callsigns of aircraft."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import ARRAY, JSON, String, any_, bindparam, cast, column, func
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

EVENTS = FlightEventRow.__table__  # type: ignore[attr-defined]
# In the order of EventRecord's fields.
_EVENT_COLUMNS = (
    EVENTS.c.id,
    EVENTS.c.kind,
    EVENTS.c.hex,
    EVENTS.c.ts,
    EVENTS.c.airport_icao,
    EVENTS.c.confidence,
    EVENTS.c.dedup_key,
    EVENTS.c.thread_key,
    EVENTS.c.data,
)


def _wanted(dialect: str) -> Any:
    """The aircraft asked for, as a table (column `value`) of one JSON array parameter.

    One parameter whatever their number, so each statement below is built once per
    dialect and its SQL compiled once (SQLAlchemy's cache, asyncpg's prepared
    statements): a `VALUES` list got no cache key and was compiled on every call, and
    an IN list is a new SQL string for every count.
    """
    hexes = bindparam("hexes", type_=String)
    if dialect == "postgresql":
        rows = func.json_array_elements_text(cast(hexes, JSON))
    else:
        rows = func.json_each(hexes)
    return rows.table_valued(column("value", String)).alias("wanted")


@cache
def _last_fixes_statement(dialect: str) -> Any:
    wanted = _wanted(dialect)
    newest_ts = (
        core_select(func.max(POSITIONS.c.ts)).where(POSITIONS.c.hex == wanted.c.value)
    ).scalar_subquery()
    newest = core_select(wanted.c.value.label("hex"), newest_ts.label("ts")).subquery("newest")
    return (
        core_select(*_FIX_COLUMNS)
        .join_from(
            POSITIONS,
            newest,
            (POSITIONS.c.hex == newest.c.hex) & (POSITIONS.c.ts == newest.c.ts),
        )
        .order_by(POSITIONS.c.id)
    )


def _asked(dialect: str) -> Any:
    """flight_events.hex is one of the list parameter `hexes`: on PostgreSQL `= ANY` of
    one array, on SQLite an IN list (its SQL string made for each count, its statement
    compiled once). Either way the planner sees the values and seeks ix_flight_events_hex;
    a JSON table here made PostgreSQL guess 100 aircraft and scan the whole table, and
    SQLite read every takeoff and landing through the kind index."""
    if dialect == "postgresql":
        return EVENTS.c.hex == any_(bindparam("hexes", type_=ARRAY(String)))
    return EVENTS.c.hex.in_(bindparam("hexes", expanding=True))


@cache
def _events_statement(dialect: str) -> Any:
    asked = _asked(dialect)
    rank = (
        func.row_number()
        .over(partition_by=EVENTS.c.hex, order_by=(EVENTS.c.ts.desc(), EVENTS.c.id.desc()))
        .label("rank")
    )
    flights_ranked = (
        core_select(EVENTS.c.id, rank)
        .where(asked, EVENTS.c.kind.in_(FLIGHT_KINDS))
        .subquery("flights_ranked")
    )
    # A destination prediction is no evidence of where the aircraft is.
    any_ranked = (
        core_select(EVENTS.c.id, rank)
        .where(asked, EVENTS.c.kind != DESTINATION)
        .subquery("any_ranked")
    )
    wanted = (
        core_select(flights_ranked.c.id)
        .where(flights_ranked.c.rank <= bindparam("per_aircraft"))
        .union(core_select(any_ranked.c.id).where(any_ranked.c.rank == 1))
    )
    return (
        core_select(*_EVENT_COLUMNS)
        .where(EVENTS.c.id.in_(wanted))
        .order_by(EVENTS.c.ts, EVENTS.c.id)
    )


async def last_fixes(session: AsyncSession, hexes: Sequence[str]) -> dict[str, Fix]:
    """The newest kept position of each of these aircraft (those with none are absent).

    One statement. Each aircraft's newest time is its own max() on the (hex, ts) index,
    one seek, where a GROUP BY over the aircraft read every position they have
    (thousands each); then those rows are read.
    """
    if not hexes:
        return {}
    connection = await session.connection()
    result = await connection.execute(
        _last_fixes_statement(connection.dialect.name),
        {"hexes": json.dumps(sorted(set(hexes)))},
    )
    found: dict[str, Fix] = {}
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
    fleet of hundreds costs one statement, not one per aircraft. Read as plain rows.
    """
    if not hexes:
        return {}
    connection = await session.connection()
    result = await connection.execute(
        _events_statement(connection.dialect.name),
        {"hexes": sorted(set(hexes)), "per_aircraft": per_aircraft},
    )
    found: dict[str, list[EventRecord]] = {}
    for row in result.all():
        event_id, kind, hex_code, ts, airport, confidence, dedup_key, thread_key, data = row
        record = EventRecord(
            id=event_id,
            kind=kind,
            hex=hex_code,
            ts=ts,
            airport_icao=airport,
            confidence=confidence,
            dedup_key=dedup_key,
            thread_key=thread_key,
            data=dict(data or {}),
        )
        found.setdefault(record.hex, []).append(record)
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
