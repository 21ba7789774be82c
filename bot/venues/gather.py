"""Read the live evidence for the venue score from the store (I/O module).

* Landings of aircraft linked to a watched person at a venue's airports, within the
  window, one item per landing and person (the score keeps the strongest).
* Statements whose mentions name a venue (`mentions` kind "place", key the venue's
  slug); "meeting words" are the matcher's keywords for a meeting, talks or a summit.
* For each host country, its enabled official sources and the time each last said
  something mentioning one of that country's venues or a watched person: before that
  time is silence, which the score reads only once there is evidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.venues.evidence import Evidence, HostSource, LandingEvidence, StatementEvidence
from bot.venues.knowledge import Knowledge
from bot.venues.weights import ScoringWeights
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
    evidence = Evidence(tuple(landings), tuple(statements), tuple(hosts))
    return Gathered(evidence, people)


async def _host_sources(
    session: AsyncSession, knowledge: Knowledge, since: datetime
) -> list[HostSource]:
    person_topics: list[Topic] = [("person", p.slug) for p in await all_people(session)]
    hosts: list[HostSource] = []
    for country in sorted({v.country for v in knowledge.venues}):
        topics = [("place", v.slug) for v in knowledge.venues if v.country == country]
        for source in await sources_by_country(session, country, official=True):
            latest = await last_said(session, source.name, topics + person_topics, since=since)
            hosts.append(HostSource(country, source.name, latest))
    return hosts
