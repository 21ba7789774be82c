"""The rows of an export, read from the store: flights, statements or a venue's history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.exports.document import MAX_ROWS, ExportFile, Row, build, times
from bot.flights import airports
from storage.exports import flight_rows, statement_rows, venue_rows
from storage.models import FlightEventRow, Source, Statement, Venue, VenueEvent, VenueFactor

FLIGHT_COLUMNS = (
    "kind",
    "ts_utc",
    "ts_local",
    "hex",
    "registration",
    "callsign",
    "people",
    "airport_icao",
    "airport_iata",
    "airport_name",
    "airport_time",
    "confidence",
    "provider",
    "identity_source",
)
STATEMENT_COLUMNS = (
    "published_utc",
    "published_local",
    "fetched_utc",
    "fetched_local",
    "source",
    "official",
    "country",
    "language",
    "title",
    "url",
    "revision",
)
VENUE_COLUMNS = (
    "type",
    "ts_utc",
    "ts_local",
    "factor",
    "value",
    "source",
    "as_of",
    "set_by",
    "change",
    "score",
    "rank",
    "previous_rank",
)


def _header(kind: str, subject: str, since: datetime, until: datetime, zone: str) -> Row:
    return {
        "kind": kind,
        "subject": subject,
        "since_utc": since.isoformat(),
        "until_utc": until.isoformat(),
        "zone": zone,
    }


def flight_airport(event: FlightEventRow, payload: dict[str, Any]) -> dict[str, Any]:
    """The event's airport as alerted, else looked up by its code (an event routed to no
    chat has no payload); empty when it has none."""
    if payload.get("airport"):
        return dict(payload["airport"])
    known = airports.get(event.airport_icao) if event.airport_icao else None
    if known is None:
        return {"icao": event.airport_icao} if event.airport_icao else {}
    return {
        "icao": known.icao,
        "iata": known.iata,
        "name": known.name,
        "city": known.city,
        "country": known.country,
        "tz": known.tz,
    }


def _flight(event: FlightEventRow, payload: dict[str, Any] | None, zone: str) -> Row:
    # The alert's payload has the airport, aircraft and people as alerted; an event
    # routed to no chat has none, and its airport is looked up by its code.
    data = payload or {}
    airport = flight_airport(event, data)
    utc, local = times(event.ts, zone)
    people = [
        f"{p.get('slug')} ({p.get('confidence', 'believed')})" for p in data.get("people") or ()
    ]
    airport_time = times(event.ts, str(airport["tz"]))[1] if airport.get("tz") else ""
    return {
        "kind": event.kind,
        "ts_utc": utc,
        "ts_local": local,
        "hex": event.hex,
        "registration": data.get("registration"),
        "callsign": data.get("callsign"),
        "people": "; ".join(people),
        "airport_icao": event.airport_icao or airport.get("icao"),
        "airport_iata": airport.get("iata"),
        "airport_name": airport.get("name"),
        "airport_time": airport_time,
        "confidence": event.confidence,
        "provider": event.provider or data.get("provider"),
        "identity_source": data.get("identity_source"),
    }


async def flights_file(
    session: AsyncSession,
    label: str,
    hexes: Sequence[str],
    *,
    since: datetime,
    until: datetime,
    zone: str,
    fmt: str,
) -> ExportFile | None:
    """A subject's flight events since `since`; None when there are none."""
    rows, total = await flight_rows(session, hexes, since=since, limit=MAX_ROWS)
    if not rows:
        return None
    return build(
        name=f"flights-{_slug(label)}",
        fmt=fmt,
        columns=FLIGHT_COLUMNS,
        rows=[_flight(row, payload, zone) for row, payload in rows],
        total=total,
        header=_header("flights", label, since, until, zone),
    )


def _statement(statement: Statement, source: Source, zone: str) -> Row:
    published_utc, published_local = times(statement.published_at, zone)
    fetched_utc, fetched_local = times(statement.fetched_at, zone)
    return {
        "published_utc": published_utc,
        "published_local": published_local,
        "fetched_utc": fetched_utc,
        "fetched_local": fetched_local,
        "source": source.name,
        "official": source.official,
        "country": source.country,
        "language": statement.language,
        "title": statement.title,
        "url": statement.url,
        "revision": statement.revision,
    }


async def statements_file(
    session: AsyncSession, source: Source, *, since: datetime, until: datetime, zone: str, fmt: str
) -> ExportFile | None:
    """A source's statements since `since`; None when there are none."""
    rows, total = await statement_rows(session, source.id or 0, since=since, limit=MAX_ROWS)
    if not rows:
        return None
    return build(
        name=f"statements-{_slug(source.name)}",
        fmt=fmt,
        columns=STATEMENT_COLUMNS,
        rows=[_statement(row, source, zone) for row in rows],
        total=total,
        header=_header("statements", source.name, since, until, zone),
    )


def _factor(row: VenueFactor, zone: str) -> Row:
    utc, local = times(row.set_at, zone)
    return {
        "type": "factor",
        "ts_utc": utc,
        "ts_local": local,
        "factor": row.factor,
        "value": row.value,
        "source": row.source,
        "as_of": row.as_of.isoformat() if row.as_of else None,
        "set_by": row.set_by,
    }


def _ranking(row: VenueEvent, zone: str) -> Row:
    utc, local = times(row.detected_at, zone)
    data = dict(row.data or {})
    return {
        "type": "ranking",
        "ts_utc": utc,
        "ts_local": local,
        "change": row.kind,
        "score": data.get("score"),
        "rank": data.get("rank"),
        "previous_rank": data.get("previous_rank"),
    }


async def venue_file(
    session: AsyncSession, venue: Venue, *, since: datetime, until: datetime, zone: str, fmt: str
) -> ExportFile | None:
    """A venue's factor values and ranking changes since `since`; None when there are none."""
    factors, events, total = await venue_rows(
        session, venue.id or 0, venue.slug, since=since, limit=MAX_ROWS
    )
    rows = [_factor(f, zone) for f in factors] + [_ranking(e, zone) for e in events]
    if not rows:
        return None
    rows.sort(key=lambda row: str(row["ts_utc"]))
    return build(
        name=f"venue-{_slug(venue.slug)}",
        fmt=fmt,
        columns=VENUE_COLUMNS,
        rows=rows,
        total=total,
        header=_header("venue", venue.slug, since, until, zone),
    )


def _slug(text: str) -> str:
    """A file-name-safe form of a label ("Demo Envoy" -> "demo-envoy")."""
    kept = "".join(c.lower() if c.isascii() and c.isalnum() else "-" for c in text)
    return "-".join(part for part in kept.split("-") if part)[:40] or "export"
