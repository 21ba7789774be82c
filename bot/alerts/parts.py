"""The typed parts of alert events: an airport, a person, a statement's source and
what it matched, a venue, a venue's reasons and freshest evidence (an aircraft's
identity is the flight alert's own: `bot.alerts.events.AircraftPart`).

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


@dataclass(frozen=True, slots=True)
class ReasonPart:
    """One contribution to a venue's score, worded at send time (`venue_text`).

    Attributes:
        kind: icc | war_stance | ... | landing | statement | silence.
        label: the English message id (`bot.venues.labels`), translated when shown.
        points: its share of the score.
        params: the label's placeholders; times ("ts", "since") as ISO-8601 UTC text.
        ref: S-numbers, "A<row>" for an analyst's correction, or the evidence id.
        person_names: for a landing, the person's names per language.
        localized: for a venue's fact, `{"detail": names, "where": names}` per language.
        airport_city: for a landing, the venue's names per language (the airport's city).
    """

    kind: str
    label: str
    points: float
    params: Mapping[str, Any] = field(default_factory=dict)
    ref: str | None = None
    person_names: Names | None = None
    localized: Mapping[str, Names] | None = None
    airport_city: Names | None = None

    def to_json(self) -> JsonDict:
        """The stored form (the optional keys only when set)."""
        out: JsonDict = {
            "kind": self.kind,
            "label": self.label,
            "params": dict(self.params),
            "points": self.points,
            "ref": self.ref,
        }
        if self.person_names is not None:
            out["person_names"] = dict(self.person_names)
        if self.localized is not None:
            out["localized"] = {key: dict(texts) for key, texts in self.localized.items()}
        if self.airport_city is not None:
            out["airport_city"] = dict(self.airport_city)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReasonPart:
        """Any stored form."""
        localized = data.get("localized")
        return cls(
            kind=str(data.get("kind")),
            label=str(data["label"]),
            points=float(data["points"]),
            params=dict(data.get("params") or {}),
            ref=_text(data.get("ref")),
            person_names=_names(data["person_names"]) if "person_names" in data else None,
            localized={str(k): _names(v) for k, v in localized.items()}
            if isinstance(localized, Mapping)
            else None,
            airport_city=_names(data["airport_city"]) if "airport_city" in data else None,
        )


@dataclass(frozen=True, slots=True)
class FreshestPart:
    """The newest counted evidence of a venue: a landing at its airport or a statement.

    Attributes:
        kind: landing | statement.
        ts: when, as ISO-8601 UTC text.
        airport: a landing's airport (ICAO).
        airport_city: a landing's city (the venue's names per language).
        source: a statement's source.
    """

    kind: str
    ts: str
    airport: str | None = None
    airport_city: Names | None = None
    source: str | None = None

    def to_json(self) -> JsonDict:
        """The stored form (a landing's keys or a statement's)."""
        out: JsonDict = {"kind": self.kind, "ts": self.ts}
        if self.airport is not None:
            out["airport"] = self.airport
        if self.airport_city is not None:
            out["airport_city"] = dict(self.airport_city)
        if self.source is not None:
            out["source"] = self.source
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FreshestPart:
        """Any stored form."""
        return cls(
            kind=str(data.get("kind")),
            ts=str(data["ts"]),
            airport=_text(data.get("airport")),
            airport_city=_names(data["airport_city"]) if "airport_city" in data else None,
            source=_text(data.get("source")),
        )
