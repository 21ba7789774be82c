"""Seed the venues and their factors from `bot/data/venues.yaml`, keeping analysts' edits.

Runs at every start and is idempotent. A venue's names, airports and place are
refreshed from the file (the statement matcher reads names and aliases from the
store). For each factor key:

* nothing stored: the file's value is added as a seeded row (`set_by` None);
* the newest row is seeded and differs from the file: the file was edited, so its
  new value is appended (the old one stays as history);
* the newest row is an analyst's correction (`/venue set`): it is kept as it is.

I/O module: reads and writes the store, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.venues.knowledge import Knowledge, Venue, load_knowledge
from bot.venues.stored import as_of_date, factor_keys, factor_value, seed_source
from storage.types import utcnow
from storage.venues import add_factor_value, current_factors, lock_for_seeding, upsert_venue


@dataclass(frozen=True)
class VenueSeedReport:
    """What a seeding run did: venues added, factor values added, corrections kept."""

    venues_added: int
    values_added: int
    corrections_kept: int


def venue_columns(venue: Venue) -> dict[str, object]:
    """The `venues` row of a knowledge venue (aliases go to `extra` for the matcher)."""
    return {
        "names": dict(venue.names),
        "country": venue.country,
        "airports": list(venue.airports),
        "lat": venue.lat,
        "lon": venue.lon,
        "timezone": venue.timezone,
        "extra": {"aliases": {lang: list(a) for lang, a in venue.aliases.items()}},
    }


async def seed_knowledge(
    session: AsyncSession, knowledge: Knowledge, *, now: datetime
) -> VenueSeedReport:
    """Bring the store in line with `knowledge` (see the module docstring)."""
    await lock_for_seeding(session)
    added = values = kept = 0
    for venue in knowledge.venues:
        row = await upsert_venue(session, venue.slug, venue_columns(venue))
        if row.id is None:
            raise RuntimeError("a flushed venue has an id")
        current = (await current_factors(session, [row.id])).get(row.id, {})
        added += not current
        for key, factor in factor_keys(venue):
            want = factor_value(factor)
            stored = current.get(key)
            if stored is not None and stored.set_by is not None:
                kept += 1
                continue
            if stored is not None and stored.value == want:
                continue
            await add_factor_value(
                session,
                row.id,
                key,
                want,
                source=seed_source(factor),
                as_of=as_of_date(factor),
                set_by=None,
                set_at=now,
            )
            values += 1
    return VenueSeedReport(added, values, kept)


async def seed_venues(
    sessions: async_sessionmaker[AsyncSession], knowledge: Knowledge | None = None
) -> VenueSeedReport:
    """Seed the shipped knowledge (or `knowledge`) in one transaction."""
    async with sessions.begin() as session:
        return await seed_knowledge(session, knowledge or load_knowledge(), now=utcnow())
