"""Queries on venues: seeded rows, factor values with their history, the last ranking.

Factor rows are append-only: the current value of a factor is its newest row, and
the older rows are its history. A row with `set_by` None comes from the shipped
knowledge file; any other row is an analyst's correction (who in `set_by`, when in
`set_at`). Functions here flush but do not commit: the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Venue, VenueFactor, VenueRanking

# "SWVENU": serialises seeding when several processes start at once on PostgreSQL.
SEED_LOCK_KEY = 0x5357_5645_4E55


async def lock_for_seeding(session: AsyncSession) -> None:
    """On PostgreSQL, wait for any other process seeding venues (until this commit).

    Without it two processes starting together would both insert the same venue and
    one would fail on the unique slug. SQLite serves one process: nothing to do.
    """
    if session.get_bind().dialect.name == "postgresql":
        lock = text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=SEED_LOCK_KEY)
        # A plain Core statement; sqlmodel's `exec` overloads do not cover it.
        await session.exec(lock)  # type: ignore[call-overload]


async def all_venues(session: AsyncSession) -> list[Venue]:
    """Every stored venue, by slug."""
    result = await session.exec(select(Venue).order_by(col(Venue.slug)))
    return list(result.all())


async def venues_by_slugs(session: AsyncSession, slugs: Collection[str]) -> list[Venue]:
    """The stored venues with these slugs, by slug."""
    if not slugs:
        return []
    query = select(Venue).where(col(Venue.slug).in_(sorted(slugs))).order_by(col(Venue.slug))
    return list((await session.exec(query)).all())


async def venue_by_slug(session: AsyncSession, slug: str) -> Venue | None:
    """The stored venue with this slug, if any."""
    return (await session.exec(select(Venue).where(Venue.slug == slug))).first()


async def upsert_venue(session: AsyncSession, slug: str, values: Mapping[str, Any]) -> Venue:
    """Insert a venue or update its descriptive columns (names, airports, place, extra)."""
    row = await venue_by_slug(session, slug)
    if row is None:
        row = Venue(slug=slug, **values)
    else:
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
    session.add(row)
    await session.flush()
    return row


async def current_factors(
    session: AsyncSession, venue_ids: Sequence[int] | None = None
) -> dict[int, dict[str, VenueFactor]]:
    """The newest row of each factor, by venue id then factor key.

    Rows are append-only, so the newest is the one with the highest id (not the
    latest `set_at`: a replay or demo clock may stamp a correction in the past).
    """
    query = select(VenueFactor)
    if venue_ids is not None:
        query = query.where(col(VenueFactor.venue_id).in_(list(venue_ids)))
    result = await session.exec(query.order_by(col(VenueFactor.id)))
    current: dict[int, dict[str, VenueFactor]] = {}
    for row in result.all():
        current.setdefault(row.venue_id, {})[row.factor] = row
    return current


async def add_factor_value(
    session: AsyncSession,
    venue_id: int,
    factor: str,
    value: dict[str, Any],
    *,
    source: str,
    as_of: date | None,
    set_by: int | None,
    set_at: datetime,
) -> VenueFactor:
    """Append a value of one factor (a seed when `set_by` is None, else a correction)."""
    row = VenueFactor(
        venue_id=venue_id,
        factor=factor,
        value=value,
        source=source,
        as_of=as_of,
        set_by=set_by,
        set_at=set_at,
    )
    session.add(row)
    await session.flush()
    return row


async def factor_history(
    session: AsyncSession, venue_id: int, *, corrections_only: bool = False, limit: int = 50
) -> list[VenueFactor]:
    """A venue's factor rows, newest first (analysts' corrections only, if asked)."""
    query = select(VenueFactor).where(VenueFactor.venue_id == venue_id)
    if corrections_only:
        query = query.where(col(VenueFactor.set_by).is_not(None))
    query = query.order_by(col(VenueFactor.id).desc())
    return list((await session.exec(query.limit(limit))).all())


async def last_ranking(session: AsyncSession) -> VenueRanking | None:
    """The ranking stored by the latest round, if any."""
    result = await session.exec(select(VenueRanking).order_by(col(VenueRanking.id)).limit(1))
    return result.first()


async def save_ranking(
    session: AsyncSession, ranking: list[dict[str, Any]], *, computed_at: datetime
) -> None:
    """Keep `ranking` as the last one (one row, overwritten each round)."""
    row = await last_ranking(session)
    if row is None:
        row = VenueRanking(ranking=ranking, computed_at=computed_at)
    else:
        row.ranking = ranking
        row.computed_at = computed_at
    session.add(row)
    await session.flush()


__all__ = [
    "add_factor_value",
    "all_venues",
    "current_factors",
    "factor_history",
    "last_ranking",
    "lock_for_seeding",
    "save_ranking",
    "upsert_venue",
    "venue_by_slug",
]
