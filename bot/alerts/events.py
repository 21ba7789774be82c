"""The alert events: one typed object per kind of alert, owned by the alerts package.

A feature builds one of these (and nothing else) for what it detected and hands it
to `bot.alerts.record.record_event`, which stores its JSON form once with the event
and routes it by its topics. At send time the delivery worker reads the JSON back
with `from_json` and hands the typed object to the renderer of its `TYPE`
(`bot.alerts.render.AlertRenderers`).

Versions: the JSON form of version 1 is the shape stored before these types
existed, so it carries no marker; a later version writes `"v": N` and `from_json`
keeps reading every older form (a row queued by the previous release still
renders). A row of a newer version than this code knows is refused with
`UnknownEventType`, like an unknown type.

Nested parts are typed too (`bot.alerts.parts`: an airport, a person, a source,
what matched, a venue), each with its JSON form; the event's `VERSION` covers them.

A flight alert is built here from the detection (`FlightAlert.detected`), so the
fields of a landing alert are chosen in this module alone: adding one touches this
module, its renderer and a test (docs/architecture.md lists the files).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol

from bot.alerts.parts import (
    AirportPart,
    FreshestPart,
    MatchPart,
    PersonPart,
    ReasonPart,
    SourcePart,
    VenuePart,
)
from bot.alerts.rendered import UnknownEventType
from bot.alerts.routing import Topic, flight_topics, statement_topics, venue_topics
from storage.models import Aircraft

JsonDict = dict[str, Any]
TrackPoint = tuple[float, float, int | None]


class AlertEvent(Protocol):
    """What every alert event offers: its type name, its JSON form and its topics."""

    TYPE: ClassVar[str]
    VERSION: ClassVar[int]

    def to_json(self) -> JsonDict: ...

    def topics(self) -> list[Topic]: ...

    def fleet_hex(self) -> str | None:
        """The aircraft whose fleets (operator, category) also follow this alert."""
        ...


class DetectedFlight(Protocol):
    """What the flight detector reports (`bot.flights.events.FlightEvent` is one)."""

    @property
    def kind(self) -> str: ...
    @property
    def confidence(self) -> str: ...
    @property
    def hex(self) -> str: ...
    @property
    def ts(self) -> datetime: ...
    @property
    def airport(self) -> str | None: ...
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...
    @property
    def alt_ft(self) -> int | None: ...
    @property
    def provider(self) -> str | None: ...
    @property
    def data(self) -> Mapping[str, Any]: ...


AirportLookup = Callable[[str], AirportPart | None]


def _check_version(event_type: str, data: Mapping[str, Any], known: int) -> None:
    version = int(data.get("v", 1))
    if version > known:
        raise UnknownEventType(f"{event_type} v{version}")


def _versioned(payload: JsonDict, version: int) -> JsonDict:
    # Version 1 is the unmarked shape every earlier release wrote.
    return payload if version == 1 else {**payload, "v": version}


def _time(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


@dataclass(frozen=True, slots=True)
class AircraftPart:
    """What the watchlist knows of an aircraft, and the callsign it flies under now.

    Attributes:
        registration: registration, when known.
        type_code: ICAO type designator, when known.
        callsign: the last callsign heard.
        demo: the aircraft is part of the bundled demo data; alerts say so.
        source: where its identity comes from (provenance, kept with the event).
    """

    registration: str | None = None
    type_code: str | None = None
    callsign: str | None = None
    demo: bool = False
    source: str | None = None

    @classmethod
    def of_row(cls, row: Aircraft, *, callsign: str | None, demo: bool) -> AircraftPart:
        """The part of a stored aircraft: every column an alert shows is read here."""
        return cls(
            registration=row.registration,
            type_code=row.type_code,
            callsign=callsign,
            demo=demo,
            source=row.source,
        )


@dataclass(frozen=True, slots=True)
class FlightAlert:
    """A takeoff, landing, lost or regained signal, or emergency of a watched aircraft.

    Attributes:
        kind: takeoff | landing | signal_lost | signal_regained | emergency.
        confidence: confirmed | probable.
        hex: the aircraft's ICAO address.
        ts: when it happened, aware UTC.
        registration, callsign, type_code: the aircraft, when known.
        people: the people linked to the aircraft, with how sure each link is.
        estimated: the time is estimated (first seen after the fact).
        airport: where it happened, or None.
        lat, lon, alt_ft: where it was.
        provider: the ADS-B provider that saw it.
        identity_source: where the aircraft's identity comes from.
        demo: the bundled demo data; the alert says so.
        how: what a takeoff or landing was inferred from; a probable one says why.
        origin: the departure airport of a landing, or None.
        departed_ts: when a landing's flight departed.
        duration_s: a landing's flight time.
        track: a landing's recent positions, oldest first, for its map.
        squawk: an emergency's transponder code.
        retracts: the dedup key of the probable landing a regained signal withdraws.
        predicted: the destination alerted last while a landing's flight was in the
            air (`bot.alerts.destination_alert`), so the landing says if it was right.
    """

    TYPE: ClassVar[str] = "flight"
    VERSION: ClassVar[int] = 1

    kind: str
    confidence: str
    hex: str
    ts: datetime
    registration: str | None = None
    callsign: str | None = None
    type_code: str | None = None
    people: tuple[PersonPart, ...] = ()
    estimated: bool = False
    airport: AirportPart | None = None
    lat: float | None = None
    lon: float | None = None
    alt_ft: int | None = None
    provider: str | None = None
    identity_source: str | None = None
    demo: bool = False
    how: str | None = None
    origin: AirportPart | None = None
    departed_ts: datetime | None = None
    duration_s: int | None = None
    track: tuple[TrackPoint, ...] = ()
    squawk: str | None = None
    retracts: str | None = None
    predicted: AirportPart | None = None

    def to_json(self) -> JsonDict:
        """The stored form (the keys and order earlier releases wrote)."""
        out: JsonDict = {
            "kind": self.kind,
            "confidence": self.confidence,
            "hex": self.hex,
            "registration": self.registration,
            "callsign": self.callsign,
            "type_code": self.type_code,
            "people": [person.to_json() for person in self.people],
            "ts": self.ts.isoformat(),
            "estimated": self.estimated,
            "airport": self.airport.to_json() if self.airport is not None else None,
            "lat": self.lat,
            "lon": self.lon,
            "alt_ft": self.alt_ft,
            "provider": self.provider,
            "identity_source": self.identity_source,
        }
        if self.demo:
            out["demo"] = True
        if self.how is not None:
            out["how"] = self.how
        if self.origin is not None:
            out["origin"] = self.origin.to_json()
        if self.departed_ts is not None:
            out["departed_ts"] = self.departed_ts.isoformat()
        if self.duration_s is not None:
            out["duration_s"] = self.duration_s
        if self.track:
            out["track"] = [[lat, lon, alt] for lat, lon, alt in self.track]
        if self.kind == "emergency":
            out["squawk"] = self.squawk
        if self.retracts is not None:
            out["retracts"] = self.retracts
        if self.predicted is not None:
            out["predicted"] = self.predicted.to_json()
        return _versioned(out, self.VERSION)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FlightAlert:
        """Any stored form, this version's or an earlier one's."""
        _check_version(cls.TYPE, data, cls.VERSION)
        ts = _time(data["ts"])
        if ts is None:
            raise ValueError("a flight alert needs its time")
        track = tuple(
            (float(p[0]), float(p[1]), p[2] if len(p) > 2 else None)
            for p in data.get("track") or ()
        )
        squawk, retracts = data.get("squawk"), data.get("retracts")
        return cls(
            kind=str(data["kind"]),
            confidence=str(data.get("confidence") or "confirmed"),
            hex=str(data["hex"]),
            ts=ts,
            registration=data.get("registration"),
            callsign=data.get("callsign"),
            type_code=data.get("type_code"),
            people=tuple(PersonPart.from_json(p) for p in data.get("people") or ()),
            estimated=bool(data.get("estimated", False)),
            airport=AirportPart.of(data.get("airport")),
            lat=data.get("lat"),
            lon=data.get("lon"),
            alt_ft=data.get("alt_ft"),
            provider=data.get("provider"),
            identity_source=data.get("identity_source"),
            demo=bool(data.get("demo", False)),
            how=data.get("how"),
            origin=AirportPart.of(data.get("origin")),
            departed_ts=_time(data.get("departed_ts")),
            duration_s=int(data["duration_s"]) if data.get("duration_s") is not None else None,
            track=track,
            squawk=str(squawk) if squawk is not None else None,
            retracts=str(retracts) if retracts is not None else None,
            predicted=AirportPart.of(data.get("predicted")),
        )

    @classmethod
    def detected(
        cls,
        event: DetectedFlight,
        *,
        aircraft: AircraftPart,
        people: Sequence[PersonPart],
        airports: AirportLookup,
        track: Sequence[TrackPoint] = (),
        predicted: AirportPart | None = None,
    ) -> FlightAlert:
        """The alert of a detected event: which of the detection's details it carries.

        Args:
            event: the detected event (its `data`: see `bot.flights.detector`).
            aircraft: the aircraft's identity.
            people: the people linked to the aircraft.
            airports: ICAO code to airport (every airport, not only the indexed ones).
            track: recent positions (oldest first) drawn on the landing map.
            predicted: a landing's last alerted destination prediction, if any.
        """
        data = event.data
        kind = str(event.kind)
        how = data.get("how")
        landing = kind == "landing"
        departure, departed = data.get("departure"), data.get("departure_ts")
        flown = data.get("duration_s")
        return cls(
            kind=kind,
            confidence=str(event.confidence),
            hex=event.hex,
            ts=event.ts,
            registration=aircraft.registration,
            callsign=aircraft.callsign,
            type_code=aircraft.type_code,
            people=tuple(people),
            estimated=bool(data.get("estimated", False)),
            airport=airports(event.airport) if event.airport else None,
            lat=event.lat,
            lon=event.lon,
            alt_ft=event.alt_ft,
            provider=event.provider,
            identity_source=aircraft.source,
            demo=aircraft.demo,
            # What a takeoff or landing was inferred from: the alert says why.
            how=how if kind in ("takeoff", "landing") and isinstance(how, str) else None,
            origin=airports(departure) if landing and isinstance(departure, str) else None,
            departed_ts=datetime.fromisoformat(departed)
            if landing and isinstance(departed, str)
            else None,
            duration_s=int(flown) if landing and isinstance(flown, int | float) else None,
            track=tuple(track) if landing else (),
            squawk=data.get("squawk") if kind == "emergency" else None,
            retracts=str(data["retracts"]) if "retracts" in data else None,
            predicted=predicted if landing else None,
        )

    def topics(self) -> list[Topic]:
        """Its aircraft, the people linked to it, and `all` (fleets: `fleet_hex`)."""
        return flight_topics(self.hex, [p.slug for p in self.people])

    def fleet_hex(self) -> str | None:
        """Its aircraft: subscribers of its operator and category get it too."""
        return self.hex


@dataclass(frozen=True, slots=True)
class StatementAlert:
    """A watched person, place or meeting word in a source's statement.

    Attributes:
        statement_id, revision: its `statements` row (revision above 1 after an edit).
        source: where it was published.
        language: the statement's language ("ru").
        title, lead: the headline and the summary's first sentence, as published.
        url: the link, or None.
        published: the publication time, or None; fetched: when it was fetched.
        matched: what it mentions that is watched (people, places, meeting words).
        demo: bundled demo data.
    """

    TYPE: ClassVar[str] = "statement"
    VERSION: ClassVar[int] = 1

    statement_id: int
    source: SourcePart
    title: str
    fetched: datetime
    revision: int = 1
    language: str | None = None
    lead: str = ""
    url: str | None = None
    published: datetime | None = None
    matched: tuple[MatchPart, ...] = ()
    demo: bool = False

    def to_json(self) -> JsonDict:
        """The stored form (the keys and order earlier releases wrote)."""
        out: JsonDict = {
            "statement_id": self.statement_id,
            "revision": self.revision,
            "source": self.source.to_json(),
            "language": self.language,
            "title": self.title,
            "lead": self.lead,
            "url": self.url,
            "published": _iso(self.published),
            "fetched": self.fetched.isoformat(),
            "matched": [m.to_json() for m in self.matched],
        }
        if self.demo:
            out["demo"] = True
        return _versioned(out, self.VERSION)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StatementAlert:
        """Any stored form, this version's or an earlier one's."""
        _check_version(cls.TYPE, data, cls.VERSION)
        published = _time(data.get("published"))
        fetched = _time(data.get("fetched")) or published
        if fetched is None:
            raise ValueError("a statement alert needs a publication or fetch time")
        return cls(
            statement_id=int(data.get("statement_id") or 0),
            revision=int(data.get("revision", 1)),
            source=SourcePart.from_json(data.get("source") or {}),
            language=data.get("language"),
            title=str(data.get("title", "")),
            lead=str(data.get("lead") or ""),
            url=data.get("url"),
            published=published,
            fetched=fetched,
            matched=tuple(MatchPart.from_json(m) for m in data.get("matched") or ()),
            demo=bool(data.get("demo", False)),
        )

    def keys_of(self, kind: str) -> list[str]:
        """The keys of what matched of one kind (person, place, keyword)."""
        return [m.key for m in self.matched if m.kind == kind]

    def topics(self) -> list[Topic]:
        """Its source, the people and places it mentions, and `all`."""
        return statement_topics(self.source.name, self.keys_of("person"), self.keys_of("place"))

    def fleet_hex(self) -> str | None:
        """None: no aircraft."""
        return None


@dataclass(frozen=True, slots=True)
class VenueChangeAlert:
    """A venue moved into first place or its score jumped.

    Attributes:
        kind: new_leader | score_jump.
        label: the change's message id (its headline, translated at send time).
        venue, previous: the venue, and the former leader (a new leader's).
        score, previous_score, rank, previous_rank: the move.
        reasons: the strongest reasons, strongest first.
        freshest: the newest counted landing or statement, or None.
    """

    TYPE: ClassVar[str] = "venue_change"
    VERSION: ClassVar[int] = 1

    kind: str
    label: str
    venue: VenuePart
    score: float
    rank: int
    previous: VenuePart | None = None
    previous_score: float | None = None
    previous_rank: int | None = None
    reasons: tuple[ReasonPart, ...] = ()
    freshest: FreshestPart | None = None

    def to_json(self) -> JsonDict:
        """The stored form (the keys and order earlier releases wrote)."""
        return _versioned(
            {
                "kind": self.kind,
                "label": self.label,
                "venue": self.venue.to_json(),
                "previous": self.previous.to_json() if self.previous is not None else None,
                "score": self.score,
                "previous_score": self.previous_score,
                "rank": self.rank,
                "previous_rank": self.previous_rank,
                "reasons": [r.to_json() for r in self.reasons],
                "freshest": self.freshest.to_json() if self.freshest is not None else None,
            },
            self.VERSION,
        )

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> VenueChangeAlert:
        """Any stored form, this version's or an earlier one's."""
        _check_version(cls.TYPE, data, cls.VERSION)
        previous_score, previous_rank = data.get("previous_score"), data.get("previous_rank")
        return cls(
            kind=str(data.get("kind")),
            label=str(data["label"]),
            venue=VenuePart.from_json(data["venue"]),
            previous=VenuePart.from_json(data["previous"]) if data.get("previous") else None,
            score=float(data["score"]),
            previous_score=float(previous_score) if previous_score is not None else None,
            rank=int(data["rank"]),
            previous_rank=int(previous_rank) if previous_rank is not None else None,
            reasons=tuple(ReasonPart.from_json(r) for r in data.get("reasons") or ()),
            freshest=FreshestPart.from_json(fresh) if (fresh := data.get("freshest")) else None,
        )

    def topics(self) -> list[Topic]:
        """The venue and `all`."""
        return venue_topics(self.venue.slug)

    def fleet_hex(self) -> str | None:
        """None: no aircraft."""
        return None


@dataclass(frozen=True, slots=True)
class HeldAlert:
    """One alert a muted chat missed: its type and stored form, as the digest lists it."""

    event_type: str
    payload: JsonDict


@dataclass(frozen=True, slots=True)
class DigestAlert:
    """What arrived while a chat was muted, sent to that chat alone when the mute ends."""

    TYPE: ClassVar[str] = "digest"
    VERSION: ClassVar[int] = 1

    items: tuple[HeldAlert, ...] = field(default=())

    def to_json(self) -> JsonDict:
        """The stored form (the keys earlier releases wrote)."""
        items = [{"event_type": i.event_type, "payload": i.payload} for i in self.items]
        return _versioned({"items": items}, self.VERSION)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DigestAlert:
        """Any stored form, this version's or an earlier one's."""
        _check_version(cls.TYPE, data, cls.VERSION)
        return cls(
            tuple(
                HeldAlert(str(i["event_type"]), dict(i["payload"])) for i in data.get("items", ())
            )
        )

    def topics(self) -> list[Topic]:
        """None: a digest is queued for its one chat, never routed."""
        return []

    def fleet_hex(self) -> str | None:
        """None: no aircraft."""
        return None


def _held_json(items: tuple[HeldAlert, ...]) -> list[JsonDict]:
    return [{"event_type": i.event_type, "payload": i.payload} for i in items]


def _held_from(data: Mapping[str, Any]) -> tuple[HeldAlert, ...]:
    return tuple(HeldAlert(str(i["event_type"]), dict(i["payload"])) for i in data.get("items", ()))


@dataclass(frozen=True, slots=True)
class QuietDigestAlert:
    """What a chat's quiet hours held, sent to that chat alone when they end.

    Attributes:
        chat_id: the chat it is for (a digest is queued, never routed).
        start, end: the quiet hours, minutes after local midnight.
        items: the held alerts, oldest first.
    """

    TYPE: ClassVar[str] = "quiet_digest"
    VERSION: ClassVar[int] = 1

    chat_id: int
    start: int
    end: int
    items: tuple[HeldAlert, ...] = ()

    def to_json(self) -> JsonDict:
        """The stored form."""
        return {
            "chat_id": self.chat_id,
            "start": self.start,
            "end": self.end,
            "items": _held_json(self.items),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> QuietDigestAlert:
        """The stored form back."""
        _check_version(cls.TYPE, data, cls.VERSION)
        return cls(
            chat_id=int(data["chat_id"]),
            start=int(data["start"]),
            end=int(data["end"]),
            items=_held_from(data),
        )

    def topics(self) -> list[Topic]:
        """None: queued for its one chat."""
        return []

    def fleet_hex(self) -> str | None:
        """None: no aircraft."""
        return None


@dataclass(frozen=True, slots=True)
class DailyDigestAlert:
    """A chat's summary of one local day: flights per person, statements, venue changes.

    Attributes:
        chat_id: the chat it is for.
        since, until: the day it covers (the previous digest moment to this one), UTC.
        zone: the chat's zone when it was made (times are shown in it).
        flights: `{kind, ts, hex, registration, people: [{slug, names}], airport: {iata,
            city, tz}}` each, oldest first.
        statements: `{source, title, url, published}` each.
        venues: `{label, venue: {slug, names}, rank, score}` each.
    """

    TYPE: ClassVar[str] = "daily_digest"
    VERSION: ClassVar[int] = 1

    chat_id: int
    since: datetime
    until: datetime
    zone: str
    flights: tuple[JsonDict, ...] = ()
    statements: tuple[JsonDict, ...] = ()
    venues: tuple[JsonDict, ...] = ()

    def to_json(self) -> JsonDict:
        """The stored form."""
        return {
            "chat_id": self.chat_id,
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "zone": self.zone,
            "flights": [dict(f) for f in self.flights],
            "statements": [dict(s) for s in self.statements],
            "venues": [dict(v) for v in self.venues],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DailyDigestAlert:
        """The stored form back."""
        _check_version(cls.TYPE, data, cls.VERSION)
        since, until = _time(data["since"]), _time(data["until"])
        if since is None or until is None:
            raise ValueError("a daily digest needs its day")
        return cls(
            chat_id=int(data["chat_id"]),
            since=since,
            until=until,
            zone=str(data.get("zone") or "UTC"),
            flights=tuple(dict(f) for f in data.get("flights") or ()),
            statements=tuple(dict(s) for s in data.get("statements") or ()),
            venues=tuple(dict(v) for v in data.get("venues") or ()),
        )

    def topics(self) -> list[Topic]:
        """None: queued for its one chat."""
        return []

    def fleet_hex(self) -> str | None:
        """None: no aircraft."""
        return None
