"""Reads behind /export: a subject's flight events, a source's statements, a venue's
history, each since a moment and at most `limit` rows (newest kept), with the total."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AlertPayload, FlightEventRow, Statement, VenueEvent, VenueFactor

_PAYLOADS = AlertPayload.__table__  # type: ignore[attr-defined]


async def _newest(
    session: AsyncSession, query: Any, count: Any, order: Any, limit: int
) -> tuple[list[Any], int]:
    total = int((await session.exec(count)).one())
    rows = list((await session.exec(query.order_by(order.desc()).limit(limit))).all())
    rows.reverse()
    return rows, total


async def flight_rows(
    session: AsyncSession, hexes: Sequence[str], *, since: datetime, limit: int
) -> tuple[list[tuple[FlightEventRow, dict[str, Any] | None]], int]:
    """The aircraft's flight events since `since`, oldest first (newest `limit`), each with
    its alert payload (None when it was routed to no chat); the total."""
    where = (col(FlightEventRow.hex).in_(list(hexes)), col(FlightEventRow.ts) >= since)
    return await _flights_where(session, where, limit)


async def flight_rows_at(
    session: AsyncSession, airports: Sequence[str], *, since: datetime, limit: int
) -> tuple[list[tuple[FlightEventRow, dict[str, Any] | None]], int]:
    """Flight events at these airports (ICAO) since `since`, as `flight_rows`."""
    where = (
        col(FlightEventRow.airport_icao).in_([a.upper() for a in airports]),
        col(FlightEventRow.ts) >= since,
    )
    return await _flights_where(session, where, limit)


async def _flights_where(
    session: AsyncSession, where: tuple[Any, ...], limit: int
) -> tuple[list[tuple[FlightEventRow, dict[str, Any] | None]], int]:
    payload = (
        select(_PAYLOADS.c.payload)
        .where(_PAYLOADS.c.event_type == "flight")
        .where(_PAYLOADS.c.event_id == FlightEventRow.id)
        .scalar_subquery()
    )
    rows, total = await _newest(
        session,
        select(FlightEventRow, payload).where(*where),
        select(func.count()).select_from(FlightEventRow).where(*where),
        col(FlightEventRow.ts),
        limit,
    )
    return [(row[0], dict(row[1]) if row[1] else None) for row in rows], total


async def statement_rows(
    session: AsyncSession, source_id: int, *, since: datetime, limit: int
) -> tuple[list[Statement], int]:
    """A source's statements fetched since `since`, oldest first (newest `limit`); the total."""
    where = (Statement.source_id == source_id, col(Statement.fetched_at) >= since)
    return await _newest(
        session,
        select(Statement).where(*where),
        select(func.count()).select_from(Statement).where(*where),
        col(Statement.fetched_at),
        limit,
    )


async def venue_rows(
    session: AsyncSession, venue_id: int, slug: str, *, since: datetime, limit: int
) -> tuple[list[VenueFactor], list[VenueEvent], int]:
    """A venue's factor values set and its ranking changes since `since`; the total."""
    factors_where = (VenueFactor.venue_id == venue_id, col(VenueFactor.set_at) >= since)
    factors, factor_total = await _newest(
        session,
        select(VenueFactor).where(*factors_where),
        select(func.count()).select_from(VenueFactor).where(*factors_where),
        col(VenueFactor.set_at),
        limit,
    )
    events_where = (VenueEvent.venue_slug == slug, col(VenueEvent.detected_at) >= since)
    events, event_total = await _newest(
        session,
        select(VenueEvent).where(*events_where),
        select(func.count()).select_from(VenueEvent).where(*events_where),
        col(VenueEvent.detected_at),
        limit,
    )
    return factors, events, factor_total + event_total
