"""What /status and /flights show of an aircraft, read from the store.

Reads positions and flight events (`storage.flight_queries`) and judges them with the
pure `bot.flights.history`; draws nothing and sends nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.flights.history import Flight, Whereabouts, flights, whereabouts
from storage.flight_queries import (
    FLIGHT_KINDS,
    events_by_aircraft,
    flight_events,
    last_fixes,
    track,
)
from storage.flight_records import Fix

# Events read to find the last flight: a few revisions and retractions on top of it.
EVENTS_FOR_LAST_FLIGHT = 12
# Track shown when no takeoff is known: the hours before the last position.
TRACK_WITHOUT_TAKEOFF = timedelta(hours=6)
# Some track before the takeoff and after the landing, so the map shows the ground roll.
TRACK_MARGIN = timedelta(minutes=10)


@dataclass(frozen=True)
class AircraftOverview:
    """One aircraft: where it is, its last flight, its newest position."""

    hex: str
    where: Whereabouts
    last_flight: Flight | None
    last_fix: Fix | None


async def aircraft_overview(
    session: AsyncSession, hex_code: str, now: datetime
) -> AircraftOverview:
    """State and last flight of one aircraft."""
    return (await aircraft_overviews(session, [hex_code], now))[0]


async def aircraft_overviews(
    session: AsyncSession, hexes: Sequence[str], now: datetime
) -> list[AircraftOverview]:
    """`aircraft_overview` of each aircraft (in the order given), in two statements.

    The newest position of each, then each one's newest flight events with its newest
    event of any kind: /status of a person with three aircraft reads the store twice,
    not nine times. The last flight is judged from the flight events alone, the state
    from those and the newest event of any kind (a signal lost, an emergency).
    """
    fixes = await last_fixes(session, hexes)
    events = await events_by_aircraft(session, hexes, per_aircraft=EVENTS_FOR_LAST_FLIGHT)
    overviews = []
    for hex_code in hexes:
        fix, seen = fixes.get(hex_code), events.get(hex_code, [])
        found = flights([e for e in seen if e.kind in FLIGHT_KINDS])
        overviews.append(
            AircraftOverview(
                hex=hex_code,
                where=whereabouts(fix, seen, now),
                last_flight=found[0] if found else None,
                last_fix=fix,
            )
        )
    return overviews


async def recent_flights(session: AsyncSession, hexes: Sequence[str], count: int) -> list[Flight]:
    """The newest `count` flights of these aircraft, newest first."""
    events = await flight_events(session, hexes, limit=count * 4 + EVENTS_FOR_LAST_FLIGHT)
    return flights(events)[:count]


async def recent_track(session: AsyncSession, overview: AircraftOverview) -> list[Fix]:
    """The positions of the last flight (or of the hours before the last position)."""
    if overview.last_fix is None:
        return []
    flight = overview.last_flight
    if flight is not None and flight.departed is not None:
        since = flight.departed - TRACK_MARGIN
    else:
        since = overview.last_fix.ts - TRACK_WITHOUT_TAKEOFF
    until = flight.landed + TRACK_MARGIN if flight and flight.landed else overview.last_fix.ts
    return await track(session, overview.hex, since, until)
