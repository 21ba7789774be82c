"""Landings of watched aircraft at given airports, with who they are linked to.

The venue analysis weighs each landing by how sure the aircraft–person link is
(`person_aircraft.confidence`); a landing of an aircraft linked to nobody says
nothing about a meeting and is not returned. Statements come from
`storage.statements` (mentions of places, meeting words, silence).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import FlightEventRow, Person, PersonAircraft

LANDING = "landing"
# A regained signal may withdraw a probable landing: `data["retracts"]` is its dedup key.
REGAINED = "signal_regained"


@dataclass(frozen=True, slots=True)
class LandingRecord:
    """One landing and one person linked to its aircraft.

    Attributes:
        event_key: Identifies the landing across revisions (a probable landing later
            confirmed shares its thread key), so it counts once.
        event_id: The `flight_events` row.
        hex: The aircraft.
        airport_icao: Where it landed.
        ts: When (aware UTC).
        person_slug: The linked person.
        person_names: Their names per language.
        confidence: "believed" or "confirmed" (the link, not the landing).
        provider: the ADS-B provider that saw it.
        landing_confidence: the detection's: "confirmed" or "probable".
    """

    event_key: str
    event_id: int
    hex: str
    airport_icao: str
    ts: datetime
    person_slug: str
    person_names: dict[str, str]
    confidence: str
    provider: str | None = None
    landing_confidence: str = "confirmed"


async def landings_at(
    session: AsyncSession,
    airports: Sequence[str],
    *,
    since: datetime,
    until: datetime,
    people: Sequence[str] = (),
    event_ids: Sequence[int] = (),
) -> list[LandingRecord]:
    """Landings at `airports` (or of aircraft linked to `people`) from `since` to `until`
    of aircraft linked to a person; `event_ids`, when given, narrows to those landings.

    One record per landing and linked person, oldest first. A probable landing that a
    regained signal withdrew (the aircraft was still flying) is left out.
    """
    if not airports and not people and not event_ids:
        return []
    where = []
    if airports or people:
        where.append(
            or_(
                col(FlightEventRow.airport_icao).in_([a.upper() for a in airports]),
                col(Person.slug).in_(list(people)),
            )
        )
    if event_ids:
        where.append(col(FlightEventRow.id).in_(list(event_ids)))
    query = (
        select(FlightEventRow, PersonAircraft, Person)
        .join(PersonAircraft, col(PersonAircraft.aircraft_hex) == col(FlightEventRow.hex))
        .join(Person, col(Person.id) == col(PersonAircraft.person_id))
        .where(
            FlightEventRow.kind == LANDING,
            *where,
            col(FlightEventRow.ts) >= since,
            col(FlightEventRow.ts) <= until,
        )
        .order_by(col(FlightEventRow.ts), col(FlightEventRow.id), col(Person.slug))
    )
    rows = (await session.exec(query)).all()
    retracted = await _retracted(session, sorted({event.hex for event, _l, _p in rows}), since)
    records: list[LandingRecord] = []
    for event, link, person in rows:
        if event.dedup_key in retracted:
            continue
        records.append(
            LandingRecord(
                event_key=f"flight:{event.thread_key or event.dedup_key}",
                event_id=event.id or 0,
                hex=event.hex,
                airport_icao=event.airport_icao or "",
                ts=event.ts,
                person_slug=person.slug,
                person_names=dict(person.names),
                confidence=str(link.confidence),
                provider=event.provider,
                landing_confidence=event.confidence,
            )
        )
    return records


async def _retracted(session: AsyncSession, hexes: Sequence[str], since: datetime) -> set[str]:
    if not hexes:
        return set()
    result = await session.exec(
        select(FlightEventRow).where(
            FlightEventRow.kind == REGAINED,
            col(FlightEventRow.hex).in_(list(hexes)),
            col(FlightEventRow.ts) >= since,
        )
    )
    return {str(e.data["retracts"]) for e in result.all() if (e.data or {}).get("retracts")}


__all__ = ["LandingRecord", "landings_at"]
