"""The typed parts of alert events: an airport, a person, a statement's source and
what it matched, a venue (an aircraft's identity is the flight alert's own:
`bot.alerts.events.AircraftPart`).

Each part is frozen, with `to_json()` (the keys, in the order, earlier releases
stored) and `from_json()` (any stored form; a key an older row lacks reads as None).
A part has no version of its own: it is stored inside its event, and the event's
`VERSION` covers its whole shape, parts included (`bot.alerts.events`).

`of()` accepts a part or its JSON form: the views that share wording with the alerts
(`flight_text`, `/status`) read the JSON form from the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]
# A name per language code ("en", "ru", "az").
Names = Mapping[str, str]


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _names(value: object) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, Mapping) else {}


def localized(names: Names, locale: str, fallback: str) -> str:
    """The name in `locale`, else in English, else `fallback`."""
    return str(names.get(locale) or names.get("en") or fallback)


@dataclass(frozen=True, slots=True)
class AirportPart:
    """An airport as alerts show it: codes, names, where, its zone and position."""

    icao: str
    iata: str | None = None
    name: str | None = None
    city: str | None = None
    country: str | None = None
    tz: str | None = None
    lat: float | None = None
    lon: float | None = None

    def to_json(self) -> JsonDict:
        """The stored form."""
        return {
            "icao": self.icao,
            "iata": self.iata,
            "name": self.name,
            "city": self.city,
            "country": self.country,
            "tz": self.tz,
            "lat": self.lat,
            "lon": self.lon,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AirportPart:
        """Any stored form."""
        return cls(
            icao=str(data.get("icao") or ""),
            iata=_text(data.get("iata")),
            name=_text(data.get("name")),
            city=_text(data.get("city")),
            country=_text(data.get("country")),
            tz=_text(data.get("tz")),
            lat=_number(data.get("lat")),
            lon=_number(data.get("lon")),
        )

    @classmethod
    def of(cls, value: AirportPart | Mapping[str, Any] | None) -> AirportPart | None:
        """The part, from itself or its JSON form; None for none (or an empty one)."""
        if isinstance(value, AirportPart):
            return value
        return cls.from_json(value) if value else None

    @property
    def code(self) -> str:
        """The IATA code, or the ICAO one when it has none."""
        return self.iata or self.icao


@dataclass(frozen=True, slots=True)
class PersonPart:
    """A watched person linked to the aircraft, and how sure the link is."""

    slug: str
    names: Names = field(default_factory=dict)
    # believed | confirmed
    confidence: str | None = None

    def to_json(self) -> JsonDict:
        """The stored form."""
        out: JsonDict = {"slug": self.slug, "names": dict(self.names)}
        if self.confidence is not None:
            out["confidence"] = self.confidence
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PersonPart:
        """Any stored form."""
        return cls(
            slug=str(data.get("slug") or ""),
            names=_names(data.get("names")),
            confidence=_text(data.get("confidence")),
        )

    @classmethod
    def of(cls, value: PersonPart | Mapping[str, Any]) -> PersonPart:
        """The part, from itself or its JSON form."""
        return value if isinstance(value, PersonPart) else cls.from_json(value)

    def name(self, locale: str) -> str:
        """The person's name in `locale` (English, then the slug, when it has none)."""
        return localized(self.names, locale, self.slug)


@dataclass(frozen=True, slots=True)
class SourcePart:
    """A statement's source: its name, whether it is official, country and zone."""

    name: str
    official: bool = False
    country: str | None = None
    tz: str | None = None

    def to_json(self) -> JsonDict:
        """The stored form."""
        return {
            "name": self.name,
            "official": self.official,
            "country": self.country,
            "tz": self.tz,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SourcePart:
        """Any stored form."""
        return cls(
            name=str(data.get("name") or ""),
            official=bool(data.get("official", False)),
            country=_text(data.get("country")),
            tz=_text(data.get("tz")),
        )


@dataclass(frozen=True, slots=True)
class MatchPart:
    """One thing a statement matched: a person, a place or a meeting word.

    Attributes:
        kind: person | place | keyword.
        key: the person's or venue's slug, or the keyword's id.
        text: the words as the statement has them ("Уиткоффом").
        names: the person's or place's name per language (none for a keyword).
    """

    kind: str
    key: str
    text: str = ""
    names: Names = field(default_factory=dict)

    def to_json(self) -> JsonDict:
        """The stored form."""
        return {"kind": self.kind, "key": self.key, "text": self.text, "names": dict(self.names)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MatchPart:
        """Any stored form."""
        return cls(
            kind=str(data.get("kind")),
            key=str(data.get("key")),
            text=str(data.get("text") or ""),
            names=_names(data.get("names")),
        )


@dataclass(frozen=True, slots=True)
class VenuePart:
    """A candidate venue: its slug, names per language, country and zone."""

    slug: str
    names: Names = field(default_factory=dict)
    country: str | None = None
    timezone: str | None = None

    def to_json(self) -> JsonDict:
        """The stored form."""
        return {
            "slug": self.slug,
            "names": dict(self.names),
            "country": self.country,
            "timezone": self.timezone,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> VenuePart:
        """Any stored form."""
        return cls(
            slug=str(data.get("slug") or ""),
            names=_names(data.get("names")),
            country=_text(data.get("country")),
            timezone=_text(data.get("timezone")),
        )

    @classmethod
    def of(cls, value: VenuePart | Mapping[str, Any]) -> VenuePart:
        """The part, from itself or its JSON form."""
        return value if isinstance(value, VenuePart) else cls.from_json(value)
