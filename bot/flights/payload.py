"""The alert payload of a flight event: what `bot.alerts.render_flight` and the map read.

Pure: the caller looks up the aircraft, its people and its recent track in the store
and passes them in. Stored with the event, so an alert can be rendered in any language
at send time without asking the store again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def event_payload(
    event: FlightEvent,
    *,
    aircraft: AircraftInfo,
    people: Sequence[dict[str, Any]],
    airports: AirportGetter,
    track: Sequence[TrackPoint] = (),
) -> dict[str, Any]:
    """The payload stored with the event and routed to the outbox.

    Args:
        event: the detected event.
        aircraft: the aircraft's identity.
        people: `{slug, names, confidence}` of each person linked to the aircraft.
        airports: ICAO code to airport (every airport, not only the indexed ones).
        track: recent positions (oldest first) drawn on the landing map.
    """
    data = event.data
    payload: dict[str, Any] = {
        "kind": event.kind.value,
        "confidence": event.confidence.value,
        "hex": event.hex,
        "registration": aircraft.registration,
        "callsign": aircraft.callsign,
        "type_code": aircraft.type_code,
        "people": [dict(person) for person in people],
        "ts": _iso(event.ts),
        "estimated": bool(data.get("estimated", False)),
        "airport": airport_info(airports(event.airport)) if event.airport else None,
        "lat": event.lat,
        "lon": event.lon,
        "alt_ft": event.alt_ft,
        "provider": event.provider,
        "identity_source": aircraft.source,
    }
    if aircraft.demo:
        payload["demo"] = True
    if event.kind in (EventKind.TAKEOFF, EventKind.LANDING) and isinstance(data.get("how"), str):
        payload["how"] = data["how"]  # what the event was inferred from: the alert says why
    if event.kind == EventKind.LANDING:
        departure = data.get("departure")
        if isinstance(departure, str):
            payload["origin"] = airport_info(airports(departure))
        departed = data.get("departure_ts")
        if isinstance(departed, str):
            payload["departed_ts"] = _iso(datetime.fromisoformat(departed))
        if isinstance(data.get("duration_s"), int | float):
            payload["duration_s"] = int(data["duration_s"])
        if track:
            payload["track"] = [[lat, lon, alt] for lat, lon, alt in track]
    if event.kind == EventKind.EMERGENCY:
        payload["squawk"] = data.get("squawk")
    if "retracts" in data:
        payload["retracts"] = data["retracts"]
    return payload
