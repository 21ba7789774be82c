"""Flight text shared by the alerts and the /status pages: places, times, durations.

An airport here is an `AirportPart`, or its JSON form, which the /status pages read
from the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from html import escape
from typing import Any

from bot.alerts.airport_names import airport_name
from bot.alerts.parts import AirportPart
from bot.alerts.text import dated_moment
from bot.kernel.i18n import Translator, translator

GLOBE_URL = "https://globe.adsb.lol/?icao={hex}"
AirportLike = AirportPart | Mapping[str, Any]


def airport_city(airport: AirportLike, t: Translator) -> str:
    """The airport's city in the chat's language (English when it cannot be translated)."""
    part = AirportPart.of(airport)
    if part is None:
        return ""
    return _translated_city(part, t) or (part.city or "")


def _translated_city(airport: AirportPart, t: Translator) -> str | None:
    """The city in the chat's language, or None when only the English name is known.

    CLDR names cities only as exemplar cities of time zones; when the airport's city
    is its zone's exemplar city (Baku in Asia/Baku) we can translate it, otherwise
    the English name from the airport data is the honest answer.
    """
    city = airport.city or ""
    zone = airport.tz
    # airportsdata may name the district first ("Arnavutköy, Istanbul"): the city is last.
    if zone and city and city.rpartition(", ")[2].casefold() == _english_city(zone).casefold():
        return t.city(zone)
    return city if t.locale == "en" and city else None


def _english_city(zone: str) -> str:
    return translator("en").city(zone)


def place(airport: AirportLike | None, t: Translator) -> str:
    """'Baku, Azerbaijan — Heydar Aliyev International Airport (GYD)'.

    In ru/az the airport's name comes from the shipped table of sourced names; an
    airport it lacks is named by its translated city and code alone ("Стамбул,
    Турция (IST)"), and by its English name only when the city is not translated either.
    """
    part = AirportPart.of(airport)
    if part is None:
        return t._("an unknown place")
    city = _translated_city(part, t)
    where = ", ".join(
        text for text in (city or part.city or "", t.country(part.country or "")) if text
    )
    name: str | None = part.name or ""
    if t.locale != "en":
        name = airport_name(part.icao, t.locale) or (None if city else name)
    if not name:
        return f"{escape(where)} ({escape(part.code)})"
    return f"{escape(where)} — {escape(name)} ({escape(part.code)})"


def short_place(airport: AirportLike | None, t: Translator) -> str:
    """'Moscow (VKO)'."""
    part = AirportPart.of(airport)
    if part is None:
        return t._("an unknown place")
    return f"{escape(airport_city(part, t))} ({escape(part.code)})"


def when(ts: str, airport: AirportLike | None, t: Translator) -> str:
    """Local date and time at the airport with the zone named, and UTC (dated if it differs)."""
    return dated_moment(datetime.fromisoformat(ts), airport_zone(airport), t)


def airport_zone(airport: AirportLike | None) -> str:
    """The airport's time zone; "UTC" when unknown."""
    part = AirportPart.of(airport)
    return part.tz if part is not None and part.tz else "UTC"


def duration(seconds: int, t: Translator) -> str:
    """'3 h 36 min' in the chat's language."""
    hours, minutes = divmod(max(0, seconds) // 60, 60)
    if hours:
        return t._("{hours} h {minutes} min", hours=hours, minutes=minutes)
    return t._("{minutes} min", minutes=minutes)
