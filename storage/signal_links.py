"""Reads of `signal_links`: the pairs of a landing and a statement already linked.

Pairs are written once by `bot.alerts.record.record_event` (the row is the linked
alert's event row, `storage.event_rows`); this module reads them for `/status` and the
venue evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import SignalLink, StatementEvent

# "SWLINK": serialises linking between the flight and the statement pollers on PostgreSQL.
LINK_LOCK_KEY = 0x5357_4C49_4E4B


async def lock_for_linking(session: AsyncSession) -> None:
    """On PostgreSQL, wait for any other transaction linking signals (until this commit).

    A landing and a statement stored at the same moment in two transactions would each
    look for the other before it is committed, and the pair would never be made. Under
    this lock the second to link sees the first one's committed row. SQLite needs none:
    both sides write before they link, and its one write lock already orders them.
    """
    if session.get_bind().dialect.name == "postgresql":
        lock = text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=LINK_LOCK_KEY)
        # A plain Core statement; sqlmodel's `exec` overloads do not cover it.
        await session.exec(lock)  # type: ignore[call-overload]


async def links_of_person(
    session: AsyncSession, slug: str, *, since: datetime | None = None, limit: int = 5
) -> list[SignalLink]:
    """A person's linked pairs, the latest landing first."""
    query = select(SignalLink).where(SignalLink.person_slug == slug)
    if since is not None:
        query = query.where(col(SignalLink.landing_ts) >= since)
    query = query.order_by(col(SignalLink.landing_ts).desc(), col(SignalLink.id).desc())
    return list((await session.exec(query.limit(limit))).all())


async def links_at_venues(
    session: AsyncSession, venues: Sequence[str], *, since: datetime, until: datetime
) -> list[SignalLink]:
    """Pairs whose landing was at one of `venues` from `since` to `until`, oldest first."""
    if not venues:
        return []
    query = (
        select(SignalLink)
        .where(
            col(SignalLink.venue_slug).in_(list(venues)),
            col(SignalLink.landing_ts) >= since,
            col(SignalLink.landing_ts) <= until,
        )
        .order_by(col(SignalLink.landing_ts), col(SignalLink.id))
    )
    return list((await session.exec(query)).all())


async def alerted_sources(session: AsyncSession, statement_ids: Sequence[int]) -> dict[int, Any]:
    """The source part (`{name, official, country, tz}`) each statement was alerted with:
    the statement watch knows a source's zone, the flight side does not."""
    if not statement_ids:
        return {}
    result = await session.exec(
        select(StatementEvent.statement_id, StatementEvent.data)
        .where(col(StatementEvent.statement_id).in_(sorted(set(statement_ids))))
        .order_by(col(StatementEvent.id))
    )
    return {int(sid): (data or {}).get("source") for sid, data in result.all()}


__all__ = ["alerted_sources", "links_at_venues", "links_of_person", "lock_for_linking"]
