"""Queries on watched people and aircraft."""

from __future__ import annotations

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Aircraft, Person, PersonAircraft


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
