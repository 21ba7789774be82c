"""Apply a copy of plane-alert-db to the store: aircraft, believed links, stale links.

Shared by the start-up seed (the shipped `bot/data/fleet.csv`), the weekly refresh and
`summitwatch import-watchlist`. Everything happens in the caller's transaction, so an
import is all or nothing.

- Aircraft: added or updated by `storage.aircraft_import` (an analyst's own entry
  wins), except those an admin dropped with /untrack.
- Links: a row whose tag names a watched person (`bot.watch.tag_names`) links the
  aircraft to that person as *believed*, with the row's link, the dataset as source
  and the copy's as-of date. A link an analyst set, or one an admin removed, is never
  touched.
- Staleness: a dataset link whose row changed operator, no longer names the person,
  or (for a complete copy) is gone, is marked stale with the date; it stays, shown
  as stale, until an analyst restates it with /track. Nothing is deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.watch.planealert import Entry
from bot.watch.tag_names import name_index, name_key, named_people
from storage.aircraft_import import ImportedAircraft, existing_aircraft, import_aircraft
from storage.datasets import NewLink, add_links, mark_stale, restate_links, stored_links
from storage.watchlist import WHOLE_AIRCRAFT, all_people, dismissed

DATASET = "plane-alert-db"
SOURCE_LENGTH = 512  # aircraft.source
# Why a dataset link went stale (person_aircraft.stale_reason).
STALE_OPERATOR = "operator"
STALE_UNNAMED = "unnamed"
STALE_REMOVED = "removed"


@dataclass(frozen=True)
class FleetCopy:
    """One copy of the dataset, already parsed and free of bad lines.

    `complete` says the copy is the whole dataset (the shipped file, a refresh): a
    linked aircraft missing from it has left the dataset. A partial file says nothing
    about the aircraft it does not list.
    """

    entries: Sequence[Entry]
    as_of: str
    source: str
    provenance: dict[str, str]
    complete: bool


@dataclass
class FleetOutcome:
    """What applying a copy changed."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    untracked: list[str] = field(default_factory=list)
    linked: int = 0
    analysts_kept: int = 0
    stale: int = 0


def imported(entry: Entry) -> ImportedAircraft:
    """A parsed row as `storage.aircraft_import` takes it (category of use and link in details)."""
    details = {k: v for k, v in (("cmpg", entry.cmpg), ("link", entry.link)) if v}
    return ImportedAircraft(
        hex=entry.hex,
        registration=entry.registration,
        type_code=entry.type_code,
        type_name=entry.type_name,
        operator=entry.operator,
        category=entry.category,
        tags=entry.tags,
        details=details,
    )


def _operator_changed(before: str | None, after: str | None) -> bool:
    return bool(before and after) and name_key(before or "") != name_key(after or "")


async def apply_fleet(
    session: AsyncSession, copy: FleetCopy, *, now: datetime, write: bool = True
) -> FleetOutcome:
    """Apply `copy` in the session's transaction (see the module docstring)."""
    outcome = FleetOutcome()
    gone = await dismissed(session)
    entries = [e for e in copy.entries if (e.hex, WHOLE_AIRCRAFT) not in gone]
    outcome.untracked = [e.hex for e in copy.entries if (e.hex, WHOLE_AIRCRAFT) in gone]
    existing = await existing_aircraft(session)
    moved = {
        e.hex
        for e in entries
        if e.hex in existing and _operator_changed(existing[e.hex].operator, e.operator)
    }
    result = await import_aircraft(
        session,
        [imported(e) for e in entries],
        existing=existing,
        source=copy.source[:SOURCE_LENGTH],
        provenance=copy.provenance,
        now=now,
        write=write,
    )
    outcome.added = len(result.added)
    outcome.updated = len(result.updated)
    outcome.unchanged = len(result.unchanged)
    people = await all_people(session)
    ids = {p.slug: p.id for p in people if p.id is not None}
    index = name_index(people)
    links = await stored_links(session)
    new: list[NewLink] = []
    restated: list[tuple[int, str | None]] = []
    stale: dict[int, str] = {}
    stated: set[tuple[int, str]] = set()
    for entry in entries:
        for slug in named_people(entry.tags, index):
            if (entry.hex, slug) in gone or slug not in ids:
                continue
            key = (ids[slug], entry.hex)
            stated.add(key)
            link = links.get(key)
            if link is None:
                new.append(NewLink(key[0], entry.hex, entry.link))
            elif link.source != DATASET:
                outcome.analysts_kept += 1
            elif entry.hex in moved:
                stale[link.id] = STALE_OPERATOR
            elif not link.stale and (link.source_url, link.as_of) != (entry.link, copy.as_of):
                restated.append((link.id, entry.link))
    listed = {e.hex for e in copy.entries}
    for key, link in links.items():
        if link.source != DATASET or link.stale or key in stated:
            continue
        if link.hex in moved:
            stale[link.id] = STALE_OPERATOR
        elif link.hex in listed:
            stale[link.id] = STALE_UNNAMED
        elif copy.complete:
            stale[link.id] = STALE_REMOVED
    outcome.linked = len(new)
    outcome.stale = len(stale)
    if write:
        await add_links(session, new, source=DATASET, as_of=copy.as_of, now=now)
        await restate_links(session, restated, as_of=copy.as_of)
        await mark_stale(session, list(stale.items()), now=now)
    return outcome
