"""Flight text shared by the alerts and the /status pages: places, times, durations.

An airport here is the payload's dict: {icao, iata, name, city, country, tz}.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from bot.alerts.airport_names import airport_name
from bot.alerts.text import dated_moment
from bot.kernel.i18n import Translator, translator

GLOBE_URL = "https://globe.adsb.lol/?icao={hex}"


def airport_city(airport: dict[str, Any], t: Translator) -> str:
    """The airport's city in the chat's language (English when it cannot be translated)."""
    return _translated_city(airport, t) or str(airport.get("city") or "")


def _translated_city(airport: dict[str, Any], t: Translator) -> str | None:
    """The city in the chat's language, or None when only the English name is known.

    CLDR names cities only as exemplar cities of time zones; when the airport's city
    is its zone's exemplar city (Baku in Asia/Baku) we can translate it, otherwise
    the English name from the airport data is the honest answer.
    """
    city = str(airport.get("city") or "")
    zone = airport.get("tz")
    # airportsdata may name the district first ("Arnavutköy, Istanbul"): the city is last.
    if zone and city and city.rpartition(", ")[2].casefold() == _english_city(str(zone)).casefold():
        return t.city(str(zone))
    return city if t.locale == "en" and city else None


def _english_city(zone: str) -> str:
    return translator("en").city(zone)


def place(airport: dict[str, Any] | None, t: Translator) -> str:
    """'Baku, Azerbaijan — Heydar Aliyev International Airport (GYD)'.

    In ru/az the airport's name comes from the shipped table of sourced names; an
    airport it lacks is named by its translated city and code alone ("Стамбул,
    Турция (IST)"), and by its English name only when the city is not translated either.
    """
    if not airport:
        return t._("an unknown place")
    code = airport.get("iata") or airport.get("icao")
    city = _translated_city(airport, t)
    where = ", ".join(
        part
        for part in (
            city or str(airport.get("city") or ""),
            t.country(str(airport.get("country", ""))),
        )
        if part
    )
    name: str | None = str(airport.get("name", ""))
    if t.locale != "en":
        name = airport_name(str(airport.get("icao", "")), t.locale) or (None if city else name)
    if not name:
        return f"{escape(where)} ({escape(str(code))})"
    return f"{escape(where)} — {escape(name)} ({escape(str(code))})"


def short_place(airport: dict[str, Any] | None, t: Translator) -> str:
    """'Moscow (VKO)'."""
    if not airport:
        return t._("an unknown place")
    code = airport.get("iata") or airport.get("icao")
    return f"{escape(airport_city(airport, t))} ({escape(str(code))})"


def when(ts: str, airport: dict[str, Any] | None, t: Translator) -> str:
    """Local date and time at the airport with the zone named, and UTC (dated if it differs)."""
    return dated_moment(datetime.fromisoformat(ts), airport_zone(airport), t)


def airport_zone(airport: dict[str, Any] | None) -> str:
    """The airport's time zone; "UTC" when unknown."""
    return str(airport["tz"]) if airport and airport.get("tz") else "UTC"


def duration(seconds: int, t: Translator) -> str:
    """'3 h 36 min' in the chat's language."""
    hours, minutes = divmod(max(0, seconds) // 60, 60)
    if hours:
        return t._("{hours} h {minutes} min", hours=hours, minutes=minutes)
    return t._("{minutes} min", minutes=minutes)
