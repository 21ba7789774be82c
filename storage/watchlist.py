"""Queries on watched people and aircraft.

An admin's /untrack is remembered in `aircraft_dismissals` so that no dataset import
(the shipped fleet, a refresh) brings the aircraft or the link back; /track of the
same aircraft or link forgets it again.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import aggregate_order_by, case, delete, func, literal, or_
from sqlalchemy import select as core_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Aircraft, AircraftDismissal, LinkConfidence, Person, PersonAircraft
from storage.types import utcnow
from storage.upsert import conflict_insert

DISMISSALS = AircraftDismissal.__table__  # type: ignore[attr-defined]
AIRCRAFT = Aircraft.__table__  # type: ignore[attr-defined]
WHOLE_AIRCRAFT = ""  # AircraftDismissal.person_slug when the aircraft itself was dropped


async def all_people(session: AsyncSession) -> list[Person]:
    """Every watched person, by slug."""
    return list((await session.exec(select(Person).order_by(col(Person.slug)))).all())


async def add_person_once(session: AsyncSession, person: Person) -> bool:
    """Insert a new person; False when another process stored that slug first."""
    try:
        async with session.begin_nested():
            session.add(person)
    except IntegrityError:
        return False
    return True


async def save_person(session: AsyncSession, person: Person) -> None:
    """Keep a stored person's edited names, aliases, roles or source (written at commit)."""
    session.add(person)


async def person_by_slug(session: AsyncSession, slug: str) -> Person | None:
    """One person by slug."""
    return (await session.exec(select(Person).where(Person.slug == slug))).first()


async def people_by_slugs(session: AsyncSession, slugs: Collection[str]) -> list[Person]:
    """The watched people with these slugs (those stored), by slug."""
    if not slugs:
        return []
    query = select(Person).where(col(Person.slug).in_(sorted(slugs))).order_by(col(Person.slug))
    return list((await session.exec(query)).all())


async def aircraft_by_ident(session: AsyncSession, ident: str) -> Aircraft | None:
    """An aircraft by ICAO hex or registration, case-insensitively (the hex first)."""
    text = ident.strip()
    by_hex = col(Aircraft.hex) == text.lower()
    # One statement for both: /status asks this before every person lookup. Each side
    # of the OR is one index seek: the primary key, and registration_key (upper-cased
    # by the database, ix_aircraft_registration_key, migration 0017), not every aircraft.
    result = await session.exec(
        select(Aircraft)
        .where(or_(by_hex, AIRCRAFT.c.registration_key == text.upper()))
        .order_by(case((by_hex, 0), else_=1), col(Aircraft.hex))
        .limit(1)
    )
    return result.first()


async def aircraft_with_people(
    session: AsyncSession, hex_code: str
) -> tuple[Aircraft | None, list[tuple[PersonAircraft, Person]]]:
    """An aircraft and the people linked to it (by slug), in one statement."""
    result = await session.exec(
        select(Aircraft, PersonAircraft, Person)
        .outerjoin(PersonAircraft, col(PersonAircraft.aircraft_hex) == col(Aircraft.hex))
        .outerjoin(Person, col(Person.id) == col(PersonAircraft.person_id))
        .where(Aircraft.hex == hex_code)
        .order_by(col(Person.slug))
    )
    rows = result.all()
    links = [(link, person) for _a, link, person in rows if link is not None and person is not None]
    return (rows[0][0] if rows else None), links


async def registrations(session: AsyncSession) -> list[tuple[str, str]]:
    """(hex, registration) of every watched aircraft that has one, by hex (plain rows:
    about 2,000 with the shipped fleet)."""
    connection = await session.connection()
    result = await connection.execute(
        core_select(AIRCRAFT.c.hex, AIRCRAFT.c.registration)
        .where(AIRCRAFT.c.registration.is_not(None))
        .order_by(AIRCRAFT.c.hex)
    )
    return [(hex_code, registration) for hex_code, registration in result.all() if registration]


async def registrations_version(session: AsyncSession) -> str:
    """What `registrations` would read, as one value that changes whenever it does: a
    digest on PostgreSQL, the rows joined in one string on SQLite. One row to read
    instead of about 2,000, so a cache of something built from them can be checked."""
    connection = await session.connection()
    pair = AIRCRAFT.c.hex + "=" + AIRCRAFT.c.registration
    wanted = AIRCRAFT.c.registration.is_not(None)
    if connection.dialect.name == "postgresql":
        joined = aggregate_order_by(func.string_agg(pair, literal(",")), AIRCRAFT.c.hex)
        statement = core_select(func.md5(joined)).where(wanted)
    else:
        ordered = core_select(pair.label("pair")).where(wanted).order_by(AIRCRAFT.c.hex)
        rows = ordered.subquery("ordered")
        statement = core_select(func.group_concat(rows.c.pair, ","))
    return str((await connection.execute(statement)).scalar() or "")


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
    await _forget_dismissal(session, hex_code, WHOLE_AIRCRAFT)
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
    confidence: LinkConfidence,
    note: str | None,
    by: int | None,
    now: datetime,
) -> PersonAircraft:
    """Link a person to an aircraft, or restate an existing link (new confidence, note, by, since).

    A restated link keeps its old note when no new one is given. The link becomes the
    analyst's: a dataset's provenance and staleness on it are cleared, and a dataset
    never changes it again.
    """
    person = await session.get(Person, person_id)
    if person is not None:
        await _forget_dismissal(session, hex_code, person.slug)
    for _attempt in range(2):
        found = await _link(session, person_id, hex_code)
        link = found or PersonAircraft(person_id=person_id, aircraft_hex=hex_code)
        link.confidence = confidence
        link.note = note if note is not None else link.note
        link.set_by = by
        link.since = now
        link.source = link.source_url = link.as_of = None
        link.stale_since = link.stale_reason = None
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


async def remove_link(
    session: AsyncSession, person_id: int, hex_code: str, *, by: int | None = None
) -> bool:
    """Unlink a person from an aircraft (remembered); False when they were not linked."""
    found = await _link(session, person_id, hex_code)
    if found is None:
        return False
    person = await session.get(Person, person_id)
    if person is not None:
        await _dismiss(session, hex_code, person.slug, by)
    await session.delete(found)
    await session.flush()
    return True


async def remove_aircraft(session: AsyncSession, hex_code: str, *, by: int | None = None) -> bool:
    """Stop watching an aircraft (remembered): the aircraft and its links go; history stays."""
    found = await session.get(Aircraft, hex_code)
    if found is None:
        return False
    await _dismiss(session, hex_code, WHOLE_AIRCRAFT, by)
    links = await session.exec(
        select(PersonAircraft).where(PersonAircraft.aircraft_hex == hex_code)
    )
    for link in links.all():
        await session.delete(link)
    await session.flush()
    await session.delete(found)
    await session.flush()
    return True


async def dismissed(session: AsyncSession) -> set[tuple[str, str]]:
    """Every remembered /untrack as (hex, person slug or WHOLE_AIRCRAFT)."""
    connection = await session.connection()
    rows = await connection.execute(select(DISMISSALS.c.aircraft_hex, DISMISSALS.c.person_slug))
    return {(hex_code, slug) for hex_code, slug in rows.all()}


async def _dismiss(session: AsyncSession, hex_code: str, slug: str, by: int | None) -> None:
    connection = await session.connection()
    statement = conflict_insert(connection.dialect.name, DISMISSALS).on_conflict_do_nothing()
    await connection.execute(
        statement,
        {
            "aircraft_hex": hex_code,
            "person_slug": slug,
            "dismissed_by": by,
            "dismissed_at": utcnow(),
        },
    )


async def _forget_dismissal(session: AsyncSession, hex_code: str, slug: str) -> None:
    connection = await session.connection()
    await connection.execute(
        delete(DISMISSALS).where(
            DISMISSALS.c.aircraft_hex == hex_code, DISMISSALS.c.person_slug == slug
        )
    )
