"""A detected flight event as its alert (`bot.alerts.events.FlightAlert`).

Pure: the caller looks up the aircraft, its people and its recent track in the store
and passes them in. Which details of the detection the alert carries is decided by
`FlightAlert.detected` (alerts own their fields); this adapts the airport data. The
alert's JSON form is stored with the event, so it can be rendered in any language at
send time without asking the store again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bot.alerts.events import AircraftPart, FlightAlert
from bot.alerts.parts import AirportPart, PersonPart
from bot.flights.airports import Airport
from bot.flights.events import FlightEvent

AirportGetter = Callable[[str], Airport | None]
TrackPoint = tuple[float, float, int | None]
# What the watchlist knows of the aircraft (the alerts' own type).
AircraftInfo = AircraftPart


def airport_part(airport: Airport | None) -> AirportPart | None:
    """The airport as alerts carry it (names, codes, zone, position)."""
    if airport is None:
        return None
    return AirportPart(
        icao=airport.icao,
        iata=airport.iata,
        name=airport.name,
        city=airport.city,
        country=airport.country,
        tz=airport.tz,
        lat=airport.lat,
        lon=airport.lon,
    )


def airport_info(airport: Airport | None) -> dict[str, Any] | None:
    """The airport in its stored JSON form (the /status pages word it like alerts)."""
    part = airport_part(airport)
    return part.to_json() if part is not None else None


def flight_alert(
    event: FlightEvent,
    *,
    aircraft: AircraftPart,
    people: Sequence[PersonPart | Mapping[str, Any]],
    airports: AirportGetter,
    track: Sequence[TrackPoint] = (),
    predicted: str | None = None,
) -> FlightAlert:
    """The alert of a detected event, stored with it and routed to the outbox.

    Args:
        event: the detected event.
        aircraft: the aircraft's identity.
        people: each person linked to the aircraft (or its JSON form).
        airports: ICAO code to airport (every airport, not only the indexed ones).
        track: recent positions (oldest first) drawn on the landing map.
        predicted: ICAO code of a landing's last alerted destination prediction.
    """
    return FlightAlert.detected(
        event,
        aircraft=aircraft,
        people=[PersonPart.of(person) for person in people],
        airports=lambda icao: airport_part(airports(icao)),
        track=track,
        predicted=airport_part(airports(predicted)) if predicted else None,
    )
