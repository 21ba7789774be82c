"""Silence as a signal: after a person's landing in a country, what that country's own
official sources (the sources list, by country) said about it, or that they said nothing.

A source counts as silent only if it was polled successfully after the landing and is
not failing now: a source we could not read says nothing about what its publisher said.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.links.linker import venue_of
from storage.models import Venue
from storage.statements import Topic, last_said, sources_by_country
from storage.venue_evidence import LandingRecord, landings_at
from storage.venues import all_venues

DEFAULT_WINDOW = timedelta(hours=24)
CountryOf = Callable[[str], str | None]


@dataclass(frozen=True, slots=True)
class CheckedSource:
    """One host source: when it was last polled successfully, and when it spoke, if it did."""

    name: str
    last_success_at: datetime | None
    said_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class HostSilence:
    """What a landing's host country's official sources said since it.

    Attributes:
        landing: the landing (and the person its aircraft is linked to).
        country: the host country (ISO alpha-2).
        venue: the venue of the airport, if it is one's.
        since: how long ago the landing was.
        checked: sources polled successfully since the landing and healthy now.
        unhealthy: sources failing, or not polled since the landing: not counted.
    """

    landing: LandingRecord
    country: str
    venue: Venue | None
    since: timedelta
    checked: tuple[CheckedSource, ...]
    unhealthy: tuple[CheckedSource, ...]

    @property
    def spoke(self) -> tuple[CheckedSource, ...]:
        """The checked sources that said something naming the person or the place."""
        return tuple(s for s in self.checked if s.said_at is not None)

    @property
    def silent(self) -> bool:
        """At least one source was read, and none of them said anything about it."""
        return bool(self.checked) and not self.spoke


async def host_silence(
    session: AsyncSession,
    person_slug: str,
    *,
    now: datetime,
    country_of: CountryOf,
    window: timedelta = DEFAULT_WINDOW,
) -> HostSilence | None:
    """The host sources' word on the person's latest landing within `window`, or None
    (no such landing, or its country has no official source in the list)."""
    landings = await landings_at(session, (), people=[person_slug], since=now - window, until=now)
    if not landings:
        return None
    landing = landings[-1]
    venues = await all_venues(session)
    return await silence_after(session, landing, venues, now=now, country_of=country_of)


async def silence_after(
    session: AsyncSession,
    landing: LandingRecord,
    venues: list[Venue],
    *,
    now: datetime,
    country_of: CountryOf,
) -> HostSilence | None:
    """The host sources' word on one landing, or None when its country has no source."""
    venue = venue_of(venues, landing.airport_icao)
    country = venue.country if venue is not None else country_of(landing.airport_icao.upper())
    if not country:
        return None
    sources = await sources_by_country(session, country, official=True)
    if not sources:
        return None
    topics: list[Topic] = [("person", landing.person_slug)]
    if venue is not None:
        topics.append(("place", venue.slug))
    checked: list[CheckedSource] = []
    unhealthy: list[CheckedSource] = []
    for source in sources:
        polled = source.last_success_at
        if source.consecutive_failures or polled is None or polled < landing.ts:
            unhealthy.append(CheckedSource(source.name, polled))
            continue
        said = await last_said(session, source.name, topics, since=landing.ts)
        checked.append(CheckedSource(source.name, polled, said))
    return HostSilence(
        landing=landing,
        country=country.upper(),
        venue=venue,
        since=max(now - landing.ts, timedelta(0)),
        checked=tuple(checked),
        unhealthy=tuple(unhealthy),
    )
