"""Queries behind /status and /flights: positions, flight events and callsigns of aircraft."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.flight_records import EventRecord, Fix
from storage.models import FlightEvent, Position
from storage.positions import POSITIONS, track_between

# The events that make or revise a flight; signal_regained may retract a probable landing.
FLIGHT_KINDS = ("takeoff", "landing", "signal_regained")
# Enough to draw a long flight at a few fixes a minute without loading weeks of track.
MAX_TRACK_FIXES = 5000


def _fix(position: Position) -> Fix:
    return Fix(
        hex=position.hex,
        ts=position.ts,
        lat=position.lat,
        lon=position.lon,
        alt_ft=position.alt_ft,
        on_ground=position.on_ground,
        callsign=position.callsign,
    )


def _record(event: FlightEvent) -> EventRecord:
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
    """An aircraft's kept positions from `start` to `end`, oldest first."""
    return [
        _fix(p) for p in await track_between(session, hex_code, start, end, limit=MAX_TRACK_FIXES)
    ]


async def last_event(session: AsyncSession, hex_code: str) -> EventRecord | None:
    """The newest flight event of any kind of an aircraft."""
    result = await session.exec(
        select(FlightEvent)
        .where(FlightEvent.hex == hex_code)
        .order_by(col(FlightEvent.ts).desc(), col(FlightEvent.id).desc())
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
        select(FlightEvent)
        .where(col(FlightEvent.hex).in_(list(hexes)), col(FlightEvent.kind).in_(FLIGHT_KINDS))
        .order_by(col(FlightEvent.ts).desc(), col(FlightEvent.id).desc())
        .limit(limit)
    )
    return [_record(e) for e in reversed(result.all())]


async def hexes_by_callsign(session: AsyncSession, callsign: str, *, limit: int = 5) -> list[str]:
    """Aircraft seen with this callsign (spaces and case ignored), most recently seen first."""
    wanted = "".join(callsign.split()).upper()
    if not wanted:
        return []
    # callsign_key is upper(trim(callsign)), indexed with hex and ts (migration 0008):
    # the index alone answers, however many positions are kept.
    newest = func.max(POSITIONS.c.ts)
    result = await session.exec(
        select(POSITIONS.c.hex, newest)
        .where(POSITIONS.c.callsign_key == wanted)
        .group_by(POSITIONS.c.hex)
        .order_by(newest.desc())
        .limit(limit)
    )
    return [str(row[0]) for row in result.all()]
