"""Queries on watched people and aircraft."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Aircraft, Confidence, Person, PersonAircraft


async def all_people(session: AsyncSession) -> list[Person]:
    """Every watched person, by slug."""
    return list((await session.exec(select(Person).order_by(col(Person.slug)))).all())


async def person_by_slug(session: AsyncSession, slug: str) -> Person | None:
    """One person by slug."""
    return (await session.exec(select(Person).where(Person.slug == slug))).first()


async def aircraft_by_ident(session: AsyncSession, ident: str) -> Aircraft | None:
    """An aircraft by ICAO hex or registration, case-insensitively."""
    text = ident.strip()
    by_hex = await session.get(Aircraft, text.lower())
    if by_hex is not None:
        return by_hex
    result = await session.exec(
        select(Aircraft).where(func.upper(Aircraft.registration) == text.upper())
    )
    return result.first()


async def all_aircraft(session: AsyncSession) -> list[Aircraft]:
    """Every watched aircraft, by hex."""
    return list((await session.exec(select(Aircraft).order_by(col(Aircraft.hex)))).all())


async def links_of_aircraft(
    session: AsyncSession, hex_code: str
) -> list[tuple[PersonAircraft, Person]]:
    """People linked to an aircraft, with the link (confidence, note)."""
    result = await session.exec(
        select(PersonAircraft, Person)
        .join(Person, col(Person.id) == col(PersonAircraft.person_id))
        .where(PersonAircraft.aircraft_hex == hex_code)
        .order_by(col(Person.slug))
    )
    return list(result.all())


async def links_of_person(
    session: AsyncSession, person_id: int
) -> list[tuple[PersonAircraft, Aircraft]]:
    """Aircraft linked to a person, with the link; confirmed links first, then newest."""
    result = await session.exec(
        select(PersonAircraft, Aircraft)
        .join(Aircraft, col(Aircraft.hex) == col(PersonAircraft.aircraft_hex))
        .where(PersonAircraft.person_id == person_id)
        .order_by(col(PersonAircraft.confidence).desc(), col(PersonAircraft.since).desc())
    )
    return list(result.all())


async def all_links(session: AsyncSession) -> list[tuple[PersonAircraft, Person]]:
    """Every person-aircraft link with its person, by aircraft then person."""
    result = await session.exec(
        select(PersonAircraft, Person)
        .join(Person, col(Person.id) == col(PersonAircraft.person_id))
        .order_by(col(PersonAircraft.aircraft_hex), col(Person.slug))
    )
    return list(result.all())


async def add_aircraft(
    session: AsyncSession, hex_code: str, *, by: int | None, source: str
) -> tuple[Aircraft, bool]:
    """The aircraft with this hex, created (with provenance) when new; True if created."""
    found = await session.get(Aircraft, hex_code)
    if found is not None:
        return found, False
    aircraft = Aircraft(hex=hex_code, added_by=by, source=source)
    try:
        async with session.begin_nested():
            session.add(aircraft)
    except IntegrityError:
        # Added at the same moment by another admin or the importer: theirs stands.
        existing = await session.get(Aircraft, hex_code)
        if existing is None:
            raise
        return existing, False
    return aircraft, True


async def set_link(
    session: AsyncSession,
    person_id: int,
    hex_code: str,
    *,
    confidence: Confidence,
    note: str | None,
    by: int | None,
    now: datetime,
) -> PersonAircraft:
    """Link a person to an aircraft, or restate an existing link (new confidence, note, by, since).

    A restated link keeps its old note when no new one is given.
    """
    for _attempt in range(2):
        found = await _link(session, person_id, hex_code)
        link = found or PersonAircraft(person_id=person_id, aircraft_hex=hex_code)
        link.confidence = confidence
        link.note = note if note is not None else link.note
        link.set_by = by
        link.since = now
        try:
            async with session.begin_nested():
                session.add(link)
        except IntegrityError:
            # Linked at the same moment by another admin: restate theirs with ours.
            continue
        return link
    raise RuntimeError(f"could not link person {person_id} to {hex_code}")


async def _link(session: AsyncSession, person_id: int, hex_code: str) -> PersonAircraft | None:
    result = await session.exec(
        select(PersonAircraft).where(
            PersonAircraft.person_id == person_id, PersonAircraft.aircraft_hex == hex_code
        )
    )
    return result.first()


async def remove_link(session: AsyncSession, person_id: int, hex_code: str) -> bool:
    """Unlink a person from an aircraft; False when they were not linked."""
    found = await _link(session, person_id, hex_code)
    if found is None:
        return False
    await session.delete(found)
    await session.flush()
    return True


async def remove_aircraft(session: AsyncSession, hex_code: str) -> bool:
    """Stop watching an aircraft: the aircraft and its links go; its history stays."""
    found = await session.get(Aircraft, hex_code)
    if found is None:
        return False
    links = await session.exec(
        select(PersonAircraft).where(PersonAircraft.aircraft_hex == hex_code)
    )
    for link in links.all():
        await session.delete(link)
    await session.flush()
    await session.delete(found)
    await session.flush()
    return True
