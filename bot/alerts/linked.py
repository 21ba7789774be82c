"""The linked alert: a watched person's landing and a statement near it, as one event.

Its own module (not `bot.alerts.events`) because it is one self-contained kind: it
follows the same protocol (`TYPE`, `VERSION`, `to_json`/`from_json`, `topics`,
`fleet_hex`) and is recorded through `bot.alerts.record.record_event` with a
`signal_links` row, whose dedup key makes it once a pair. Built by `bot.links`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from bot.alerts.parts import PersonPart, SourcePart, VenuePart
from bot.alerts.rendered import UnknownEventType
from bot.alerts.routing import EVERYTHING, Topic
from storage.models import SubscriptionKind

JsonDict = dict[str, Any]


def _time(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError("a linked alert needs both of its times")
    return datetime.fromisoformat(value)


@dataclass(frozen=True, slots=True)
class LinkedAlert:
    """A landing of a person's aircraft and a statement naming the person or the place.

    Attributes:
        person: the watched person, with how sure the aircraft link is.
        confidence: the pair's: believed when the aircraft link is believed.
        matched: what the statement names: person | place | meeting.
        hex, registration: the aircraft.
        airport_icao: where it landed; place: the venue of that airport, if any.
        landing_ts, landing_confidence, provider: the landing and who saw it.
        statement_id, source: the statement and where it was published.
        title: its headline as published (never translated); language: its language.
        quote: the words that matched, as the statement has them («Уиткоффом»).
        statement_ts: its publication (or first fetch) time; url: its link.
    """

    TYPE: ClassVar[str] = "linked"
    VERSION: ClassVar[int] = 1

    person: PersonPart
    confidence: str
    matched: str
    hex: str
    airport_icao: str
    landing_ts: datetime
    statement_id: int
    source: SourcePart
    title: str
    statement_ts: datetime
    registration: str | None = None
    place: VenuePart | None = None
    landing_confidence: str = "confirmed"
    provider: str | None = None
    language: str | None = None
    quote: str = ""
    url: str | None = None

    def to_json(self) -> JsonDict:
        """The stored form."""
        return {
            "person": self.person.to_json(),
            "confidence": self.confidence,
            "matched": self.matched,
            "hex": self.hex,
            "registration": self.registration,
            "airport_icao": self.airport_icao,
            "place": self.place.to_json() if self.place is not None else None,
            "landing_ts": self.landing_ts.isoformat(),
            "landing_confidence": self.landing_confidence,
            "provider": self.provider,
            "statement_id": self.statement_id,
            "source": self.source.to_json(),
            "title": self.title,
            "language": self.language,
            "quote": self.quote,
            "statement_ts": self.statement_ts.isoformat(),
            "url": self.url,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LinkedAlert:
        """The stored form back."""
        if int(data.get("v", 1)) > cls.VERSION:
            raise UnknownEventType(f"{cls.TYPE} v{data['v']}")
        place = data.get("place")
        return cls(
            person=PersonPart.from_json(data.get("person") or {}),
            confidence=str(data.get("confidence") or "believed"),
            matched=str(data.get("matched") or "person"),
            hex=str(data["hex"]),
            registration=data.get("registration"),
            airport_icao=str(data.get("airport_icao") or ""),
            place=VenuePart.from_json(place) if place else None,
            landing_ts=_time(data.get("landing_ts")),
            landing_confidence=str(data.get("landing_confidence") or "confirmed"),
            provider=data.get("provider"),
            statement_id=int(data.get("statement_id") or 0),
            source=SourcePart.from_json(data.get("source") or {}),
            title=str(data.get("title") or ""),
            language=data.get("language"),
            quote=str(data.get("quote") or ""),
            statement_ts=_time(data.get("statement_ts")),
            url=data.get("url"),
        )

    def topics(self) -> list[Topic]:
        """The person, the place (its venue), and `all`."""
        topics = [(SubscriptionKind.PERSON.value, self.person.slug), EVERYTHING]
        if self.place is not None:
            topics.append((SubscriptionKind.VENUE.value, self.place.slug))
        return topics

    def fleet_hex(self) -> str | None:
        """None: a pair is for those who follow the person or the place, not the fleet."""
        return None
