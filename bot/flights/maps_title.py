"""What a track map says about its flight: the title box and the airport labels.

A landing map is drawn once per event and the same picture (one upload, then its
Telegram file id) goes to every chat, whatever its language; the localized story is
in the caption under it. So its text is language-neutral (no `Translator`), in the
forms aviation itself uses in every country: the registration (or callsign), the ICAO
type, IATA codes, dates and times as ISO 8601 in UTC, and the city names in the Latin
script of the airport data, as on aeronautical charts.

The /status map is drawn for one chat at a time: given the chat's `Translator`, the
same title names the cities and the date in the chat's language (CLDR's names, as
the alerts' text), with IATA codes and UTC kept.
"""

from __future__ import annotations

from datetime import UTC, datetime

from babel.dates import format_date

from bot.alerts.flight_text import AirportLike, airport_city
from bot.alerts.parts import AirportPart
from bot.flights.maps import AirportMark, MapTitle
from bot.kernel.i18n import Translator

# An alert's airport, or its JSON form (the /status pages read it from the store).
Airport = AirportLike
# An end of the route that was not seen (a departure before coverage, a flight in the air).
UNSEEN = "…"


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


def city_name(airport: Airport, t: Translator | None = None) -> str:
    """The airport's city: in the chat's language with `t`, else as the airport data has it."""
    if t is not None:
        return airport_city(airport, t).strip()
    part = AirportPart.of(airport)
    return (part.city or "").strip() if part is not None else ""


def place_name(airport: Airport | None, t: Translator | None = None) -> str:
    """'Moscow (VKO)'; the airport's name when its city is unknown, the code alone last."""
    part = AirportPart.of(airport)
    if part is None:
        return UNSEEN
    code = part.code
    city = city_name(part, t) or (part.name or "").strip()
    if city and code:
        return f"{city} ({code})"
    return city or code or UNSEEN


def route(origin: Airport | None, destination: Airport | None, t: Translator | None = None) -> str:
    """'Moscow (VKO) → Baku (GYD)', with '…' for an end that was not seen."""
    return f"{place_name(origin, t)} → {place_name(destination, t)}"


def utc_span(start: datetime | None, end: datetime | None, t: Translator | None = None) -> str:
    """'2025-03-13 22:54 – 2025-03-14 01:30 UTC', one date when both are on the same day.

    With `t` the dates are the chat's ('13 мар. 2025 г., 22:54 – 14 мар. 2025 г., 01:30 UTC').
    """
    if start is None or end is None:
        only = start or end
        return "" if only is None else f"{_day(only, t)} {_clock(only)} UTC"
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if start.date() == end.date():
        return f"{_day(start, t)} {_clock(start)} – {_clock(end)} UTC"
    return f"{_day(start, t)} {_clock(start)} – {_day(end, t)} {_clock(end)} UTC"


def _day(moment: datetime, t: Translator | None) -> str:
    moment = moment.astimezone(UTC)
    if t is None:
        return f"{moment:%Y-%m-%d}"
    return str(format_date(moment, "medium", locale=t.locale)) + ","


def _clock(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%H:%M}"


def flight_title(
    aircraft: str,
    origin: Airport | None,
    destination: Airport | None,
    *,
    departed: datetime | None = None,
    landed: datetime | None = None,
    t: Translator | None = None,
) -> MapTitle:
    """The title box of a flight's map: aircraft, route, times in UTC.

    Without `t` it is language-neutral; with it, cities and dates are in its language.
    """
    lines = [route(origin, destination, t)]
    span = utc_span(departed, landed, t)
    if span:
        lines.append(span)
    return MapTitle(aircraft, tuple(lines))


def airport_mark(airport: Airport | None, t: Translator | None = None) -> AirportMark | None:
    """The airport's marker, labelled with its code and city; None without a position."""
    part = AirportPart.of(airport)
    if part is None or part.lat is None or part.lon is None:
        return None
    return AirportMark(part.code, part.lat, part.lon, city_name(part, t))
