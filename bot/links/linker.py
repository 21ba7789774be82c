"""Link a landing and a statement that happened near each other in time: once a pair.

Whichever of the two the bot stores second triggers the link: the flight poller calls
`link_landing` after it recorded a landing, the statement poller `link_statement` after
it stored what a statement mentions. A pair is a landing of an aircraft linked to a
person and a statement within `window` either side of it that names that person (a
meeting with them, when it also has meeting words) or the landing's place (the venue
whose airport it is). Both calls build the same pair and the same dedup key, so the
linked alert is recorded once through `record_event`, however the two arrive.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.linked import LinkedAlert
from bot.alerts.parts import PersonPart, SourcePart, VenuePart
from bot.alerts.record import record_event
from bot.kernel.zones import source_zone
from storage.models import Aircraft, SignalLink, Venue
from storage.signal_links import alerted_sources, lock_for_linking
from storage.statements import StatementView, recent_statements, statement_views
from storage.venue_evidence import LandingRecord, landings_at
from storage.venues import all_venues

DEFAULT_WINDOW = timedelta(hours=24)
# Keywords of `bot.statements.keywords` that speak of meeting in person.
MEETING_KEYWORDS = frozenset({"meeting", "talks", "summit"})
# More statements than a busy day names one person or place with; a bound, not a filter.
_MAX_STATEMENTS = 200
_KEY_LIMIT = 128


def _dedup_key(landing: LandingRecord, statement_id: int) -> str:
    # The landing's thread key: a probable landing later confirmed is one landing.
    key = f"link:{statement_id}:{landing.person_slug}:{landing.event_key}"
    if len(key) <= _KEY_LIMIT:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"link:{statement_id}:{digest}"


def _matched(landing: LandingRecord, view: StatementView, venue: Venue | None) -> tuple[str, str]:
    """What the statement names of this landing, and its words; ("", "") for nothing."""
    for kind, key, text in view.mentions:
        if kind == "person" and key == landing.person_slug:
            meeting = bool(MEETING_KEYWORDS & set(view.mentions_kind("keyword")))
            return ("meeting" if meeting else "person"), text
    if venue is not None:
        for kind, key, text in view.mentions:
            if kind == "place" and key == venue.slug:
                return "place", text
    return "", ""


async def _record(
    session: AsyncSession,
    landing: LandingRecord,
    view: StatementView,
    venue: Venue | None,
    source: SourcePart,
    now: datetime,
) -> bool:
    matched, quote = _matched(landing, view, venue)
    if not matched:
        return False
    aircraft = await session.get(Aircraft, landing.hex)
    pair = "confirmed" if landing.confidence == "confirmed" else "believed"
    place = (
        VenuePart(venue.slug, dict(venue.names), venue.country, venue.timezone)
        if venue is not None
        else None
    )
    alert = LinkedAlert(
        person=PersonPart(landing.person_slug, landing.person_names, landing.confidence),
        confidence=pair,
        matched=matched,
        hex=landing.hex,
        registration=aircraft.registration if aircraft is not None else None,
        airport_icao=landing.airport_icao,
        place=place,
        landing_ts=landing.ts,
        landing_confidence=landing.landing_confidence,
        provider=landing.provider,
        statement_id=view.id,
        source=source,
        title=view.title,
        language=view.language,
        quote=quote,
        statement_ts=view.when,
        url=view.url,
    )
    row = SignalLink(
        dedup_key=_dedup_key(landing, view.id),
        person_slug=landing.person_slug,
        flight_event_id=landing.event_id,
        statement_id=view.id,
        airport_icao=landing.airport_icao,
        venue_slug=venue.slug if venue is not None else None,
        landing_ts=landing.ts,
        statement_ts=view.when,
        matched=matched,
        flight_provider=landing.provider,
        flight_confidence=landing.landing_confidence,
        aircraft_confidence=landing.confidence,
        statement_source=view.source,
        statement_official=view.official,
        confidence=pair,
        data=alert.to_json(),
        created_at=now,
    )
    return await record_event(session, alert, now, row=row) is not None


def _source(view: StatementView, alerted: object) -> SourcePart:
    if isinstance(alerted, dict) and alerted.get("name") == view.source:
        return SourcePart.from_json(alerted)
    # Not alerted on its own (too old to alert, say): its country's zone.
    return SourcePart(view.source, view.official, view.country, source_zone(view.country))


def venue_of(venues: Sequence[Venue], airport: str) -> Venue | None:
    """The venue whose airports include `airport` (ICAO), if any."""
    return next((v for v in venues if airport.upper() in (a.upper() for a in v.airports)), None)


async def link_landing(
    session: AsyncSession,
    *,
    event_id: int,
    landed_at: datetime,
    now: datetime,
    window: timedelta = DEFAULT_WINDOW,
) -> int:
    """Link a just-recorded landing to the statements near it; how many pairs were new."""
    await lock_for_linking(session)
    landings = await landings_at(
        session, (), event_ids=[event_id], since=landed_at, until=landed_at
    )
    if not landings:
        return 0  # an aircraft linked to nobody: nothing to pair
    venues = await all_venues(session)
    made = 0
    for landing in landings:
        venue = venue_of(venues, landing.airport_icao)
        topics = [("person", landing.person_slug)]
        if venue is not None:
            topics.append(("place", venue.slug))
        views = [
            v
            for v in await recent_statements(
                session, topics=topics, since=landing.ts - window, limit=_MAX_STATEMENTS
            )
            if v.when <= landing.ts + window
        ]
        sources = await alerted_sources(session, [v.id for v in views])
        for view in views:
            source = _source(view, sources.get(view.id))
            made += await _record(session, landing, view, venue, source, now)
    return made


async def link_statement(
    session: AsyncSession,
    *,
    statement_id: int,
    source: SourcePart,
    now: datetime,
    window: timedelta = DEFAULT_WINDOW,
) -> int:
    """Link a just-stored statement to the landings near it; how many pairs were new."""
    await lock_for_linking(session)
    found = await statement_views(session, [statement_id])
    if not found:
        return 0
    view = found[0]
    people = sorted(set(view.mentions_kind("person")))
    places = set(view.mentions_kind("place"))
    venues = await all_venues(session)
    airports = sorted({a.upper() for v in venues if v.slug in places for a in v.airports})
    if not people and not airports:
        return 0
    landings = await landings_at(
        session,
        airports,
        people=people,
        since=view.when - window,
        until=view.when + window,
    )
    made = 0
    for landing in landings:
        venue = venue_of(venues, landing.airport_icao)
        made += await _record(session, landing, view, venue, source, now)
    return made
