"""What a track map says about its flight: the title box and the airport labels.

A landing map is drawn once per event and the same picture (one upload, then its
Telegram file id) goes to every chat, whatever its language; the localized story is
in the caption under it. So the text on the picture is language-neutral, in the forms
aviation itself uses in every country: the registration (or callsign), the ICAO type,
IATA codes, dates and times as ISO 8601 in UTC, and the city names in the Latin
script of the airport data, as on aeronautical charts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bot.flights.maps import AirportMark, MapTitle

Airport = Mapping[str, Any]


def aircraft_name(
    registration: str | None, callsign: str | None, type_code: str | None, hex_code: str | None
) -> str:
    """'RA-96022 · RSD093 · IL96': registration, the callsign when it differs, the type."""
    registration = (registration or "").strip()
    callsign = (callsign or "").strip()
    parts = [registration or callsign or (hex_code or "").upper() or "?"]
    if registration and callsign and callsign.upper() != registration.upper():
        parts.append(callsign)
    if type_code:
        parts.append(type_code.strip())
    return " · ".join(part for part in parts if part)


def place_name(airport: Airport | None) -> str:
    """'Moscow (VKO)'; the airport's name when its city is unknown, the code alone last."""
    if not airport:
        return "?"
    code = str(airport.get("iata") or airport.get("icao") or "")
    city = str(airport.get("city") or airport.get("name") or "").strip()
    if city and code:
        return f"{city} ({code})"
    return city or code or "?"


def route(origin: Airport | None, destination: Airport | None) -> str:
    """'Moscow (VKO) → Baku (GYD)', with '?' for an end that was not seen."""
    return f"{place_name(origin)} → {place_name(destination)}"


def utc_span(start: datetime | None, end: datetime | None) -> str:
    """'2025-03-13 22:54 – 2025-03-14 01:30 UTC', shortened to one date within a day."""
    if start is None and end is None:
        return ""
    if start is None or end is None:
        only = (start or end or datetime.min.replace(tzinfo=UTC)).astimezone(UTC)
        return f"{only:%Y-%m-%d %H:%M} UTC"
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if start.date() == end.date():
        return f"{start:%Y-%m-%d %H:%M} – {end:%H:%M} UTC"
    return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} UTC"


def flight_title(
    aircraft: str,
    origin: Airport | None,
    destination: Airport | None,
    *,
    departed: datetime | None = None,
    landed: datetime | None = None,
) -> MapTitle:
    """The title box of a flight's map: aircraft, route, times in UTC."""
    lines = [route(origin, destination)]
    span = utc_span(departed, landed)
    if span:
        lines.append(span)
    return MapTitle(aircraft, tuple(lines))


def airport_mark(airport: Airport | None) -> AirportMark | None:
    """The airport's marker, labelled with its code and city; None without a position."""
    if not airport or airport.get("lat") is None or airport.get("lon") is None:
        return None
    code = str(airport.get("iata") or airport.get("icao") or "")
    city = str(airport.get("city") or "").strip()
    return AirportMark(code, float(airport["lat"]), float(airport["lon"]), city)


def parse_time(value: object) -> datetime | None:
    """An ISO time from a payload, or None when absent or not one."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.utcoffset() is not None else moment.replace(tzinfo=UTC)
