"""Live evidence handed to the venue score: plain values, no storage.

The caller (the bot) turns its stored flight and statement events into these; the score
never reads the store or the clock itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

LinkConfidence = Literal["believed", "confirmed"]
_CONFIDENCES = ("believed", "confirmed")


def _require_aware(ts: datetime, what: str) -> None:
    if ts.tzinfo is None or ts.utcoffset() is None:
        raise ValueError(f"{what}: timestamps must be timezone-aware, got {ts!r}")


@dataclass(frozen=True)
class LandingEvidence:
    """A watched aircraft landed at one of a venue's airports.

    Attributes:
        venue_slug: The venue whose airport it is.
        airport_icao: The airport ("UBBB").
        ts: Landing time (timezone-aware).
        person: Who the aircraft is linked to (name or slug, shown as given).
        link_confidence: How sure the aircraft–person link is: "believed" or "confirmed".
        event_id: The flight event's id; the same id is counted once.
    """

    venue_slug: str
    airport_icao: str
    ts: datetime
    person: str
    link_confidence: LinkConfidence
    event_id: str

    def __post_init__(self) -> None:
        _require_aware(self.ts, f"landing {self.event_id}")
        if self.link_confidence not in _CONFIDENCES:
            raise ValueError(
                f"landing {self.event_id}: link_confidence must be one of {_CONFIDENCES}"
            )


@dataclass(frozen=True)
class StatementEvidence:
    """A statement or article that names a venue.

    Attributes:
        venue_slug: The venue it names.
        ts: Publication time (timezone-aware).
        source_name: The source as shown to users ("Kremlin", "APA").
        official: The source is a government body, not a news outlet.
        host_country_source: The source belongs to the venue's host country.
        has_meeting_words: The text speaks of a meeting, talks or a summit.
        statement_id: The statement's id; the same id is counted once.
        title: Its headline, shown as given.
    """

    venue_slug: str
    ts: datetime
    source_name: str
    official: bool
    host_country_source: bool
    has_meeting_words: bool
    statement_id: str
    title: str

    def __post_init__(self) -> None:
        _require_aware(self.ts, f"statement {self.statement_id}")


@dataclass(frozen=True)
class HostSource:
    """One official source of a host country and when it last spoke on the matter.

    Attributes:
        country: ISO 3166-1 alpha-2 code of the country it speaks for ("AZ").
        source_name: The source as shown to users ("Azerbaijan MFA").
        latest_statement_ts: Its latest statement about the venue (the caller decides
            what counts; the bot uses statements that mention the venue or a watched
            person), or None if it has said nothing.
        last_polled: When it was last polled successfully (None: not known).
        healthy: False while it fails (or was never read): its silence says nothing.
    """

    country: str
    source_name: str
    latest_statement_ts: datetime | None
    last_polled: datetime | None = None
    healthy: bool = True

    def __post_init__(self) -> None:
        if self.latest_statement_ts is not None:
            _require_aware(self.latest_statement_ts, f"host source {self.source_name}")
        if self.last_polled is not None:
            _require_aware(self.last_polled, f"host source {self.source_name}")


@dataclass(frozen=True)
class PairEvidence:
    """A linked pair (`signal_links`): a landing at a venue's airport and a statement
    naming the person or the venue near it in time.

    Attributes:
        venue_slug: The venue of the landing's airport.
        airport_icao: The landing's airport.
        ts: The later of the two (when the pair became known).
        person: The person the aircraft is linked to.
        source_name: Where the statement was published.
        link_confidence: The pair's: "believed" when the aircraft link is believed.
        hours_apart: How far apart the landing and the statement were.
        title: The statement's headline, as published.
        pair_id: The pair's id; the same id is counted once.
    """

    venue_slug: str
    airport_icao: str
    ts: datetime
    person: str
    source_name: str
    link_confidence: LinkConfidence
    hours_apart: float
    title: str
    pair_id: str

    def __post_init__(self) -> None:
        _require_aware(self.ts, f"pair {self.pair_id}")


@dataclass(frozen=True)
class Evidence:
    """Everything live that the score weighs.

    Attributes:
        landings: Landings at venues' airports.
        statements: Statements that name venues.
        host_sources: The official sources of host countries whose silence is read.
        pairs: Landings and statements linked to each other.
    """

    landings: tuple[LandingEvidence, ...] = ()
    statements: tuple[StatementEvidence, ...] = ()
    host_sources: tuple[HostSource, ...] = ()
    pairs: tuple[PairEvidence, ...] = ()
