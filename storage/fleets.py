"""Fleets: aircraft grouped by operator or by category, for subscriptions and routing.

A fleet's key is its name with spaces collapsed and case folded, so "Azerbaijan
Airlines" and "AZERBAIJAN  AIRLINES" are one fleet; routing and /subscribe both use
`fleet_key`, which is what makes a subscription match an event.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Aircraft, Person, PersonAircraft

AIRCRAFT = Aircraft.__table__  # type: ignore[attr-defined]
KEY_LENGTH = 128  # subscriptions.key
_IN_CHUNK = 500  # hexes per IN list


def fleet_key(name: str) -> str:
    """The stable key of an operator or category name."""
    return " ".join(name.split()).casefold()[:KEY_LENGTH]


async def fleets_of(session: AsyncSession, hex_code: str) -> tuple[str | None, str | None]:
    """The operator and category of a watched aircraft (None for either when unknown)."""
    connection = await session.connection()
    row = (
        await connection.execute(
            select(AIRCRAFT.c.operator, AIRCRAFT.c.category).where(
                AIRCRAFT.c.hex == hex_code.lower()
            )
        )
    ).first()
    if row is None:
        return None, None
    return row[0], row[1]


async def fleet_names(session: AsyncSession, column: str) -> list[tuple[str, str, int]]:
    """Every operator (or category) as (key, name, aircraft), largest fleet first.

    Names that differ only in case or spacing are one fleet, shown by its commonest name.
    """
    field = AIRCRAFT.c[column]
    connection = await session.connection()
    rows = await connection.execute(
        select(field, func.count()).where(field.is_not(None)).group_by(field)
    )
    fleets: dict[str, tuple[str, int, int]] = {}
    for name, count in rows.all():
        key = fleet_key(str(name))
        if not key:
            continue
        label, best, total = fleets.get(key, (str(name), 0, 0))
        if count > best:
            label, best = str(name), int(count)
        fleets[key] = (label, best, total + int(count))
    ordered = sorted(fleets.items(), key=lambda item: (-item[1][2], item[0]))
    return [(key, label, total) for key, (label, _best, total) in ordered]


async def fleet_aircraft(session: AsyncSession, column: str, key: str) -> list[Aircraft]:
    """The aircraft of one operator (or category) by its `fleet_key`, by registration.

    The key folds case and spacing, which SQL cannot do the same way on both backends:
    the distinct names are matched here, then their aircraft read by name.
    """
    field = AIRCRAFT.c[column]
    connection = await session.connection()
    names = [
        str(name)
        for (name,) in (
            await connection.execute(select(field).where(field.is_not(None)).distinct())
        ).all()
        if fleet_key(str(name)) == key
    ]
    if not names:
        return []
    result = await session.exec(
        select(Aircraft)  # type: ignore[call-overload]
        .where(field.in_(names))
        .order_by(AIRCRAFT.c.registration, AIRCRAFT.c.hex)
    )
    return [row[0] for row in result.all()]


async def links_of_fleet(
    session: AsyncSession, hexes: Sequence[str]
) -> dict[str, list[tuple[PersonAircraft, Person]]]:
    """The people linked to each of these aircraft, with the links, by person slug."""
    found: dict[str, list[tuple[PersonAircraft, Person]]] = {}
    wanted = sorted(set(hexes))
    for start in range(0, len(wanted), _IN_CHUNK):
        result = await session.exec(
            select(PersonAircraft, Person)  # type: ignore[call-overload]
            .join(Person, col(Person.id) == col(PersonAircraft.person_id))
            .where(col(PersonAircraft.aircraft_hex).in_(wanted[start : start + _IN_CHUNK]))
            .order_by(col(Person.slug))
        )
        for link, person in result.all():
            found.setdefault(link.aircraft_hex, []).append((link, person))
    return found
