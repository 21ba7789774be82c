"""What /timeline shows: a subject's or a place's flights, statements and venue changes,
read through the same store functions as /export, in one time order.

A person or aircraft (`who`): its flight events (a predicted destination among them),
the statements mentioning the person, the changes of the venues its aircraft took off
from or landed at, and the person's linked landing-and-statement pairs. A place (a venue,
or an airport without one): the flight events at its airports, the statements mentioning
it, its venue changes and the pairs whose landing was there. Every list is bounded
(`MAX_MOMENTS`, the newest kept).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.parts import AirportPart
from bot.exports.gather import flight_airport
from storage.exports import flight_rows, flight_rows_at, venue_rows
from storage.models import FlightEventRow, SignalLink, Venue, VenueEvent, VenueFactor
from storage.signal_links import links_at_venues, links_of_person
from storage.statements import Topic, recent_statements
from storage.venues import all_venues, venues_by_slugs

# Bounds a timeline: Telegram messages and a readable chart, not an archive (/export is).
MAX_MOMENTS = 200
DEFAULT_DAYS = 7
MAX_DAYS = 90

Lane = Literal["flight", "statement", "venue", "link"]
# The order of moments at one time; a link comes after both of its parts.
LANES: tuple[Lane, ...] = ("flight", "statement", "venue", "link")


@dataclass(frozen=True, slots=True)
class FlightMoment:
    """A flight event: takeoff, landing, a predicted destination, signal lost/regained..."""

    ts: datetime
    kind: str
    aircraft: str
    airport: AirportPart | None
    confidence: str
    probability: float | None = None
    lane: Lane = "flight"


@dataclass(frozen=True, slots=True)
class StatementMoment:
    """A statement that mentions the subject, at its publication (else fetch) time."""

    ts: datetime
    source: str
    official: bool
    title: str
    url: str | None
    lane: Lane = "statement"


@dataclass(frozen=True, slots=True)
class VenueMoment:
    """A venue's change: a ranking change (new leader, score jump) or a fact set."""

    ts: datetime
    venue: str  # slug
    names: dict[str, str]
    change: str  # "new_leader", "score_jump", or "factor"
    score: float | None = None
    rank: int | None = None
    previous_rank: int | None = None
    factor: str | None = None
    source: str | None = None
    lane: Lane = "venue"


@dataclass(frozen=True, slots=True)
class LinkMoment:
    """A landing and a statement the bot linked (`signal_links`), at the later of the two."""

    ts: datetime
    landing_ts: datetime
    statement_ts: datetime
    alert: dict[str, Any]  # the linked alert's JSON, as recorded
    confidence: str  # the pair's: believed | confirmed
    lane: Lane = "link"


Moment = FlightMoment | StatementMoment | VenueMoment | LinkMoment


@dataclass(frozen=True, slots=True)
class Timeline:
    """The moments from `since` to `until`, oldest first; `total`: how many there were
    (more than `moments` when the newest `MAX_MOMENTS` were kept)."""

    since: datetime
    until: datetime
    moments: tuple[Moment, ...]
    total: int


def _flight(event: FlightEventRow, payload: dict[str, Any] | None) -> FlightMoment:
    data = payload or {}
    airport = flight_airport(event, data)
    # A predicted destination keeps its probability on its own row.
    probability = data.get("probability", (event.data or {}).get("probability"))
    return FlightMoment(
        ts=event.ts,
        kind=event.kind,
        aircraft=str(data.get("registration") or data.get("callsign") or event.hex),
        airport=AirportPart.of(airport) if airport.get("icao") else None,
        confidence=event.confidence,
        probability=float(probability) if isinstance(probability, int | float) else None,
    )


def _factor(row: VenueFactor, venue: Venue) -> VenueMoment:
    return VenueMoment(
        ts=row.set_at,
        venue=venue.slug,
        names=dict(venue.names),
        change="factor",
        factor=row.factor,
        source=row.source,
    )


def _ranking(row: VenueEvent, venue: Venue) -> VenueMoment:
    data = dict(row.data or {})
    score, rank, previous = data.get("score"), data.get("rank"), data.get("previous_rank")
    return VenueMoment(
        ts=row.detected_at,
        venue=venue.slug,
        names=dict(venue.names),
        change=row.kind,
        score=float(score) if isinstance(score, int | float) else None,
        rank=int(rank) if isinstance(rank, int) else None,
        previous_rank=int(previous) if isinstance(previous, int) else None,
    )


async def _venue_moments(
    session: AsyncSession, venues: Sequence[Venue], since: datetime
) -> tuple[list[Moment], int]:
    found: list[Moment] = []
    left_out = 0
    for venue in venues:
        factors, events, count = await venue_rows(
            session, venue.id or 0, venue.slug, since=since, limit=MAX_MOMENTS
        )
        found += [_factor(f, venue) for f in factors] + [_ranking(e, venue) for e in events]
        left_out += count - len(factors) - len(events)
    return found, left_out


async def _statements(
    session: AsyncSession, topics: Sequence[Topic], since: datetime
) -> list[Moment]:
    if not topics:
        return []
    views = await recent_statements(session, topics=topics, since=since, limit=MAX_MOMENTS)
    return [
        StatementMoment(ts=v.when, source=v.source, official=v.official, title=v.title, url=v.url)
        for v in views
    ]


def _link(row: SignalLink) -> LinkMoment:
    return LinkMoment(
        ts=max(row.landing_ts, row.statement_ts),
        landing_ts=row.landing_ts,
        statement_ts=row.statement_ts,
        alert=dict(row.data or {}),
        confidence=row.confidence,
    )


def _timeline(
    parts: Sequence[Sequence[Moment]], left_out: int, since: datetime, until: datetime
) -> Timeline:
    """`left_out`: rows the store counted but did not return (beyond a read's limit)."""
    moments = sorted(
        (m for part in parts for m in part if since <= m.ts <= until),
        key=lambda m: (m.ts, LANES.index(m.lane)),
    )
    kept = moments[-MAX_MOMENTS:]
    return Timeline(since, until, tuple(kept), len(moments) + left_out)


async def subject_timeline(
    session: AsyncSession,
    hexes: Sequence[str],
    person_slug: str | None,
    *,
    since: datetime,
    until: datetime,
) -> Timeline:
    """A person's or aircraft's timeline: flights, statements about the person, and the
    changes of the venues its aircraft used."""
    rows, flight_total = await flight_rows(session, hexes, since=since, limit=MAX_MOMENTS)
    flights = [_flight(row, payload) for row, payload in rows]
    used = {f.airport.icao for f in flights if f.airport is not None}
    venues = await _venues_at(session, used)
    venue_moments, venue_left_out = await _venue_moments(session, venues, since)
    topics: list[Topic] = [("person", person_slug)] if person_slug else []
    statements = await _statements(session, topics, since)
    links: list[Moment] = []
    if person_slug:
        pairs = await links_of_person(session, person_slug, since=since, limit=MAX_MOMENTS)
        links = [_link(pair) for pair in pairs]
    left_out = flight_total - len(flights) + venue_left_out
    return _timeline((flights, statements, venue_moments, links), left_out, since, until)


async def _venues_at(session: AsyncSession, airports: set[str]) -> list[Venue]:
    if not airports:
        return []
    return [v for v in await all_venues(session) if set(v.airports) & airports]


async def place_timeline(
    session: AsyncSession,
    airports: Sequence[str],
    venue_slug: str | None,
    *,
    since: datetime,
    until: datetime,
) -> Timeline:
    """A place's timeline: flight events at its airports, statements mentioning it, and
    (a venue's) its changes."""
    rows, flight_total = await flight_rows_at(session, airports, since=since, limit=MAX_MOMENTS)
    flights = [_flight(row, payload) for row, payload in rows]
    venues = await venues_by_slugs(session, [venue_slug]) if venue_slug else []
    venue_moments, venue_left_out = await _venue_moments(session, venues, since)
    topics: list[Topic] = [("place", venue_slug)] if venue_slug else []
    statements = await _statements(session, topics, since)
    pairs = (
        await links_at_venues(session, [venue_slug], since=since, until=until) if venue_slug else []
    )
    links: list[Moment] = [_link(pair) for pair in pairs]
    left_out = flight_total - len(flights) + venue_left_out
    return _timeline((flights, statements, venue_moments, links), left_out, since, until)
