"""Read the live evidence for the venue score from the store (I/O module).

* Landings of aircraft linked to a watched person at a venue's airports, within the
  window, one item per landing and person (the score keeps the strongest).
* Statements whose mentions name a venue (`mentions` kind "place", key the venue's
  slug); "meeting words" are the matcher's keywords for a meeting, talks or a summit.
* For each host country, its enabled official sources and the time each last said
  something mentioning one of that country's venues or a watched person: before that
  time is silence, which the score reads only once there is evidence; with when each
  was last polled successfully and whether it is failing (then its silence says nothing).
* The linked pairs of a landing and a statement at a venue (`storage.signal_links`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.venues.evidence import (
    Evidence,
    HostSource,
    LandingEvidence,
    PairEvidence,
    StatementEvidence,
)
from bot.venues.knowledge import Knowledge
from bot.venues.weights import ScoringWeights
from storage.signal_links import links_at_venues
from storage.statements import Topic, last_said, recent_statements, sources_by_country
from storage.venue_evidence import landings_at
from storage.watchlist import all_people

# Keywords of `bot.statements.keywords` that speak of meeting in person; "visit" and
# "call" do not say two sides will sit down together.
MEETING_KEYWORDS = frozenset({"meeting", "talks", "summit"})
# More than a busy week of statements naming venues; a cap on memory, not a filter.
MAX_STATEMENTS = 5000


@dataclass(frozen=True)
class Gathered:
    """The evidence and what is needed to show it.

    Attributes:
        evidence: For `bot.venues.scoring.score`.
        people: Names per language of the people landings name, by slug.
    """

    evidence: Evidence
    people: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


async def gather_evidence(
    session: AsyncSession, knowledge: Knowledge, now: datetime, weights: ScoringWeights
) -> Gathered:
    """Landings, statements and host sources within the window before `now`."""
    since = now - weights.window
    until = now + weights.future_tolerance
    by_airport = {code: v for v in knowledge.venues for code in v.airports}
    landings: list[LandingEvidence] = []
    people: dict[str, Mapping[str, str]] = {}
    for record in await landings_at(session, sorted(by_airport), since=since, until=until):
        venue = by_airport.get(record.airport_icao)
        if venue is None or record.confidence not in ("believed", "confirmed"):
            continue
        people[record.person_slug] = record.person_names
        landings.append(
            LandingEvidence(
                venue_slug=venue.slug,
                airport_icao=record.airport_icao,
                ts=record.ts,
                person=record.person_slug,
                link_confidence="confirmed" if record.confidence == "confirmed" else "believed",
                event_id=record.event_key,
            )
        )
    countries = {v.slug: v.country for v in knowledge.venues}
    places: list[Topic] = [("place", v.slug) for v in knowledge.venues]
    statements: list[StatementEvidence] = []
    for view in await recent_statements(session, topics=places, since=since, limit=MAX_STATEMENTS):
        meeting = bool(MEETING_KEYWORDS & set(view.mentions_kind("keyword")))
        for slug in dict.fromkeys(view.mentions_kind("place")):
            if slug not in countries:
                continue
            statements.append(
                StatementEvidence(
                    venue_slug=slug,
                    ts=view.when,
                    source_name=view.source,
                    official=view.official,
                    host_country_source=(view.country or "").upper() == countries[slug],
                    has_meeting_words=meeting,
                    statement_id=f"statement:{view.id}",
                    title=view.title,
                )
            )
    hosts = await _host_sources(session, knowledge, since)
    pairs = await _pairs(session, knowledge, since, until)
    evidence = Evidence(tuple(landings), tuple(statements), tuple(hosts), tuple(pairs))
    return Gathered(evidence, people)


async def _pairs(
    session: AsyncSession, knowledge: Knowledge, since: datetime, until: datetime
) -> list[PairEvidence]:
    """The linked landing-and-statement pairs at the venues (`bot.links`)."""
    slugs = [v.slug for v in knowledge.venues]
    return [
        PairEvidence(
            venue_slug=link.venue_slug or "",
            airport_icao=link.airport_icao,
            ts=max(link.landing_ts, link.statement_ts),
            person=link.person_slug,
            source_name=link.statement_source,
            link_confidence="confirmed" if link.confidence == "confirmed" else "believed",
            hours_apart=abs(link.statement_ts - link.landing_ts) / timedelta(hours=1),
            title=str(link.data.get("title") or ""),
            pair_id=f"pair:{link.id}",
        )
        for link in await links_at_venues(session, slugs, since=since, until=until)
    ]


async def _host_sources(
    session: AsyncSession, knowledge: Knowledge, since: datetime
) -> list[HostSource]:
    person_topics: list[Topic] = [("person", p.slug) for p in await all_people(session)]
    hosts: list[HostSource] = []
    for country in sorted({v.country for v in knowledge.venues}):
        topics = [("place", v.slug) for v in knowledge.venues if v.country == country]
        for source in await sources_by_country(session, country, official=True):
            latest = await last_said(session, source.name, topics + person_topics, since=since)
            # A source we cannot read is not silent: the score lists it apart.
            healthy = source.last_success_at is not None and not source.consecutive_failures
            hosts.append(HostSource(country, source.name, latest, source.last_success_at, healthy))
    return hosts
