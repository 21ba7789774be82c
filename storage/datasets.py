"""Links read from a dataset (plane-alert-db) and the state of its last import.

A dataset link is a `person_aircraft` row whose `source` names the dataset. The
dataset may add such links, refresh their reference and date, and mark them stale;
it never deletes one and never touches a link an analyst set (`source` None).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import DatasetImport, LinkConfidence, PersonAircraft
from storage.upsert import conflict_insert

LINKS = PersonAircraft.__table__  # type: ignore[attr-defined]
STATE = DatasetImport.__table__  # type: ignore[attr-defined]
URL_LENGTH = 1024  # person_aircraft.source_url


@dataclass(frozen=True)
class StoredLink:
    """The parts of a stored link a dataset import looks at."""

    id: int
    person_id: int
    hex: str
    source: str | None
    source_url: str | None
    as_of: str | None
    stale: bool


@dataclass(frozen=True)
class NewLink:
    """A believed link the dataset states."""

    person_id: int
    hex: str
    source_url: str | None


async def stored_links(session: AsyncSession) -> dict[tuple[int, str], StoredLink]:
    """Every link by (person id, hex): a dataset import reads them once."""
    connection = await session.connection()
    rows = await connection.execute(
        select(
            LINKS.c.id,
            LINKS.c.person_id,
            LINKS.c.aircraft_hex,
            LINKS.c.source,
            LINKS.c.source_url,
            LINKS.c.as_of,
            LINKS.c.stale_since,
        )
    )
    found = {}
    for row in rows.all():
        link = StoredLink(row[0], row[1], row[2], row[3], row[4], row[5], stale=row[6] is not None)
        found[(link.person_id, link.hex)] = link
    return found


async def add_links(
    session: AsyncSession, links: Sequence[NewLink], *, source: str, as_of: str, now: datetime
) -> None:
    """Insert believed links; one that exists already (a race) is left as it is."""
    if not links:
        return
    connection = await session.connection()
    statement = conflict_insert(connection.dialect.name, LINKS).on_conflict_do_nothing(
        index_elements=["person_id", "aircraft_hex"]
    )
    rows = [
        {
            "person_id": link.person_id,
            "aircraft_hex": link.hex,
            "confidence": LinkConfidence.BELIEVED.value,
            "note": None,
            "set_by": None,
            "since": now,
            "source": source,
            "source_url": (link.source_url or "")[:URL_LENGTH] or None,
            "as_of": as_of,
            "stale_since": None,
            "stale_reason": None,
        }
        for link in links
    ]
    await connection.execute(statement, rows)


async def restate_links(
    session: AsyncSession, changes: Sequence[tuple[int, str | None]], *, as_of: str
) -> None:
    """Give dataset links (by id) the newer reference and date."""
    if not changes:
        return
    connection = await session.connection()
    statement = (
        update(LINKS)
        .where(LINKS.c.id == bindparam("b_id"), LINKS.c.set_by.is_(None))
        .values(source_url=bindparam("url"), as_of=bindparam("as_of"))
    )
    await connection.execute(
        statement,
        [
            {"b_id": i, "url": (url or "")[:URL_LENGTH] or None, "as_of": as_of}
            for i, url in changes
        ],
    )


async def mark_stale(
    session: AsyncSession, reasons: Sequence[tuple[int, str]], *, now: datetime
) -> None:
    """Mark dataset links (by id) stale with a reason; already stale ones keep their date."""
    if not reasons:
        return
    connection = await session.connection()
    statement = (
        update(LINKS)
        .where(LINKS.c.id == bindparam("b_id"), LINKS.c.stale_since.is_(None))
        .values(stale_since=now, stale_reason=bindparam("reason"))
    )
    await connection.execute(statement, [{"b_id": i, "reason": r} for i, r in reasons])


async def dataset_state(session: AsyncSession, name: str) -> DatasetImport | None:
    """The last import of a dataset, or None."""
    return await session.get(DatasetImport, name)


async def save_dataset_state(session: AsyncSession, name: str, **values: Any) -> None:
    """Record an import of a dataset (digest, as_of, etag, last_modified, applied_at)."""
    connection = await session.connection()
    statement = conflict_insert(connection.dialect.name, STATE).values(name=name, **values)
    await connection.execute(statement.on_conflict_do_update(index_elements=["name"], set_=values))
