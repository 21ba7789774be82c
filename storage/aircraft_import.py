"""Bulk import of aircraft identities: add new ones, update changed ones, set-based.

An analyst's own entry (`added_by` set) wins over a file: the import only fills what
it left empty. Rows that came from files are updated from the newer file. Empty
values in the file never erase what the store knows. `source` names the file and the
import time of the last import that changed the row; `extra["import"]` keeps the
file's own columns that have no column here (category of use, link).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Aircraft
from storage.upsert import conflict_insert

AIRCRAFT = Aircraft.__table__  # type: ignore[attr-defined]
FIELDS = ("registration", "type_code", "type_name", "operator", "category")
CHUNK = 500


@dataclass(frozen=True)
class ImportedAircraft:
    """One aircraft as a file describes it."""

    hex: str
    registration: str | None = None
    type_code: str | None = None
    type_name: str | None = None
    operator: str | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()
    # The file's columns with no column of their own here, e.g. {"link": ..., "cmpg": ...}.
    details: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportOutcome:
    """Hex codes added, updated and found unchanged."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _merged(current: Any, new: ImportedAircraft) -> dict[str, Any]:
    curated = current.added_by is not None
    values: dict[str, Any] = {}
    for name in FIELDS:
        mine, theirs = getattr(new, name), getattr(current, name)
        keep = mine is None or (curated and theirs is not None)
        values[name] = theirs if keep else mine
    tags = list(current.tags or [])
    if new.tags and not (curated and tags):
        tags = list(new.tags)
    values["tags"] = tags
    return values


async def existing_aircraft(session: AsyncSession) -> dict[str, Any]:
    """Every stored aircraft row by hex, read once for a whole import.

    One scan, not a SELECT ... IN (500 hex codes) per chunk: after a few runs
    PostgreSQL switches that prepared statement to a generic plan, which scans
    the table for every chunk (measured: 0.3 s a chunk at 15,000 rows).
    """
    connection = await session.connection()
    found = await connection.execute(select(AIRCRAFT))
    return {row.hex: row for row in found.all()}


def _insert(dialect: str) -> Any:
    # Another process may add the same hex between our read and our write.
    return conflict_insert(dialect, AIRCRAFT).on_conflict_do_nothing(index_elements=["hex"])


async def import_aircraft(
    session: AsyncSession,
    rows: Sequence[ImportedAircraft],
    *,
    existing: dict[str, Any],
    source: str,
    provenance: dict[str, str],
    now: datetime,
    write: bool,
) -> ImportOutcome:
    """Add or update `rows` (unique hex codes) against `existing`; with `write=False` only count.

    Works in chunks: one multi-row INSERT and one executemany UPDATE each, so 15,000
    rows take seconds, not minutes.
    """
    outcome = ImportOutcome()
    connection = await session.connection()
    dialect = connection.dialect.name
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for row in chunk:
            details = {**row.details, **provenance}
            current = existing.get(row.hex)
            if current is None:
                values = {name: getattr(row, name) for name in FIELDS}
                inserts.append(
                    {
                        **values,
                        "hex": row.hex,
                        "tags": list(row.tags),
                        "source": source,
                        "added_by": None,
                        "added_at": now,
                        "extra": {"import": details},
                    }
                )
                outcome.added.append(row.hex)
                continue
            merged = _merged(current, row)
            extra = dict(current.extra or {})
            before = {k: v for k, v in dict(extra.get("import") or {}).items() if k in row.details}
            unchanged_fields = all(merged[name] == getattr(current, name) for name in FIELDS)
            if (
                unchanged_fields
                and merged["tags"] == list(current.tags or [])
                and before == row.details
            ):
                outcome.unchanged.append(row.hex)
                continue
            extra["import"] = details
            updates.append({**merged, "b_hex": row.hex, "source": source, "extra": extra})
            outcome.updated.append(row.hex)
        if write and inserts:
            await connection.execute(_insert(dialect), inserts)
        if write and updates:
            statement = (
                update(AIRCRAFT)
                .where(AIRCRAFT.c.hex == bindparam("b_hex"))
                .values({name: bindparam(name) for name in (*FIELDS, "tags", "source", "extra")})
            )
            await connection.execute(statement, updates)
    return outcome
