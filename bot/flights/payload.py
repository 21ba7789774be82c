"""A detected flight event as its alert (`bot.alerts.events.FlightAlert`).

Pure: the caller looks up the aircraft, its people and its recent track in the store
and passes them in. The alert's JSON form is stored with the event, so it can be
rendered in any language at send time without asking the store again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.alerts.events import FlightAlert
from bot.flights.airports import Airport
from bot.flights.events import EventKind, FlightEvent

AirportGetter = Callable[[str], Airport | None]
TrackPoint = tuple[float, float, int | None]


@dataclass(frozen=True, slots=True)
class AircraftInfo:
    """What the watchlist knows of the aircraft, plus the callsign it flies under now.

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


def airport_info(airport: Airport | None) -> dict[str, Any] | None:
    """The airport as the renderer reads it (names, codes, zone, position)."""
    if airport is None:
        return None
    return {
        "icao": airport.icao,
        "iata": airport.iata,
        "name": airport.name,
        "city": airport.city,
        "country": airport.country,
        "tz": airport.tz,
        "lat": airport.lat,
        "lon": airport.lon,
    }


def flight_alert(
    event: FlightEvent,
    *,
    aircraft: AircraftInfo,
    people: Sequence[dict[str, Any]],
    airports: AirportGetter,
    track: Sequence[TrackPoint] = (),
) -> FlightAlert:
    """The alert of a detected event, stored with it and routed to the outbox.

    Args:
        event: the detected event.
        aircraft: the aircraft's identity.
        people: `{slug, names, confidence}` of each person linked to the aircraft.
        airports: ICAO code to airport (every airport, not only the indexed ones).
        track: recent positions (oldest first) drawn on the landing map.
    """
    data = event.data
    how = data.get("how")
    landing = event.kind == EventKind.LANDING
    departure, departed = data.get("departure"), data.get("departure_ts")
    flown = data.get("duration_s")
    return FlightAlert(
        kind=event.kind.value,
        confidence=event.confidence.value,
        hex=event.hex,
        ts=event.ts,
        registration=aircraft.registration,
        callsign=aircraft.callsign,
        type_code=aircraft.type_code,
        people=tuple(dict(person) for person in people),
        estimated=bool(data.get("estimated", False)),
        airport=airport_info(airports(event.airport)) if event.airport else None,
        lat=event.lat,
        lon=event.lon,
        alt_ft=event.alt_ft,
        provider=event.provider,
        identity_source=aircraft.source,
        demo=aircraft.demo,
        # What a takeoff or landing was inferred from: the alert says why.
        how=how
        if event.kind in (EventKind.TAKEOFF, EventKind.LANDING) and isinstance(how, str)
        else None,
        origin=airport_info(airports(departure))
        if landing and isinstance(departure, str)
        else None,
        departed_ts=datetime.fromisoformat(departed)
        if landing and isinstance(departed, str)
        else None,
        duration_s=int(flown) if landing and isinstance(flown, int | float) else None,
        track=tuple(track) if landing else (),
        squawk=data.get("squawk") if event.kind == EventKind.EMERGENCY else None,
        retracts=str(data["retracts"]) if "retracts" in data else None,
    )
