"""The destination alert: where a watched aircraft in the air is heading, and when it lands.

Built by the flight poller from a prediction (`bot.flights.destination`) when one
destination becomes likely, and again only when another one does; recorded through
`bot.alerts.record.record_event` with a `flight_events` row of kind `destination`,
routed like the aircraft's flight alerts, rendered by `bot.alerts.render_destination`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from bot.alerts.events import AircraftPart, JsonDict, _check_version, _time, _versioned
from bot.alerts.parts import AirportPart, PersonPart
from bot.alerts.routing import Topic, flight_topics

KIND = "destination"


@dataclass(frozen=True, slots=True)
class WhyPart:
    """One reason of a prediction: its code (see `bot.flights.destination.Reason`) and
    its measure (degrees off the track, a ratio to the descent path, a count)."""

    code: str
    value: float

    def to_json(self) -> JsonDict:
        """The stored form."""
        return {"code": self.code, "value": self.value}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> WhyPart:
        """The stored form back."""
        return cls(code=str(data.get("code") or ""), value=float(data.get("value") or 0.0))


@dataclass(frozen=True, slots=True)
class DestinationAlert:
    """A watched aircraft in the air is likely heading for an airport.

    Attributes:
        hex: the aircraft's ICAO address.
        ts: when the prediction was made, aware UTC.
        airport: the likely destination.
        probability: how likely it is (0-1), among every candidate airport.
        eta: the estimated touchdown, or None without a ground speed.
        distance_km: great-circle distance left.
        reasons: why, strongest evidence first.
        origin: where the flight took off, when known.
        previous: the destination alerted before for this flight, when it changed.
        registration, callsign, type_code, people, demo, identity_source: the aircraft,
            as a flight alert shows it.
    """

    TYPE: ClassVar[str] = "destination"
    VERSION: ClassVar[int] = 1

    hex: str
    ts: datetime
    airport: AirportPart
    probability: float
    eta: datetime | None = None
    distance_km: float | None = None
    reasons: tuple[WhyPart, ...] = ()
    origin: AirportPart | None = None
    previous: AirportPart | None = None
    registration: str | None = None
    callsign: str | None = None
    type_code: str | None = None
    people: tuple[PersonPart, ...] = ()
    demo: bool = False
    identity_source: str | None = None

    @classmethod
    def predicted(
        cls,
        *,
        hex_: str,
        ts: datetime,
        airport: AirportPart,
        probability: float,
        eta: datetime | None,
        distance_km: float,
        reasons: Sequence[WhyPart],
        origin: AirportPart | None,
        previous: AirportPart | None,
        aircraft: AircraftPart,
        people: Sequence[PersonPart],
    ) -> DestinationAlert:
        """The alert of a prediction, with the aircraft as flight alerts show it."""
        return cls(
            hex=hex_,
            ts=ts,
            airport=airport,
            probability=probability,
            eta=eta,
            distance_km=distance_km,
            reasons=tuple(reasons),
            origin=origin,
            previous=previous,
            registration=aircraft.registration,
            callsign=aircraft.callsign,
            type_code=aircraft.type_code,
            people=tuple(people),
            demo=aircraft.demo,
            identity_source=aircraft.source,
        )

    def to_json(self) -> JsonDict:
        """The stored form."""
        out: JsonDict = {
            "hex": self.hex,
            "ts": self.ts.isoformat(),
            "airport": self.airport.to_json(),
            "probability": self.probability,
            "eta": self.eta.isoformat() if self.eta is not None else None,
            "distance_km": self.distance_km,
            "reasons": [r.to_json() for r in self.reasons],
            "origin": self.origin.to_json() if self.origin is not None else None,
            "previous": self.previous.to_json() if self.previous is not None else None,
            "registration": self.registration,
            "callsign": self.callsign,
            "type_code": self.type_code,
            "people": [p.to_json() for p in self.people],
            "identity_source": self.identity_source,
        }
        if self.demo:
            out["demo"] = True
        return _versioned(out, self.VERSION)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DestinationAlert:
        """The stored form back."""
        _check_version(cls.TYPE, data, cls.VERSION)
        ts = _time(data.get("ts"))
        airport = AirportPart.of(data.get("airport"))
        if ts is None or airport is None:
            raise ValueError("a destination alert needs its time and airport")
        distance = data.get("distance_km")
        return cls(
            hex=str(data["hex"]),
            ts=ts,
            airport=airport,
            probability=float(data.get("probability") or 0.0),
            eta=_time(data.get("eta")),
            distance_km=float(distance) if distance is not None else None,
            reasons=tuple(WhyPart.from_json(r) for r in data.get("reasons") or ()),
            origin=AirportPart.of(data.get("origin")),
            previous=AirportPart.of(data.get("previous")),
            registration=data.get("registration"),
            callsign=data.get("callsign"),
            type_code=data.get("type_code"),
            people=tuple(PersonPart.from_json(p) for p in data.get("people") or ()),
            demo=bool(data.get("demo", False)),
            identity_source=data.get("identity_source"),
        )

    def topics(self) -> list[Topic]:
        """Those of the aircraft's flight alerts: it, its people, and `all`."""
        return flight_topics(self.hex, [p.slug for p in self.people])

    def fleet_hex(self) -> str | None:
        """Its aircraft: subscribers of its operator and category get it too."""
        return self.hex
