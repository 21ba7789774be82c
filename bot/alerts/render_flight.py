"""Flight alerts: who, what, where (airport, city, country), when (local and UTC).

Payload (written when the event is stored, see `bot.flights`):
    kind: takeoff | landing | signal_lost | signal_regained | emergency
    confidence: confirmed | probable
    hex, registration, callsign, type_code: the aircraft
    people: [{slug, names: {en, ru, az}, confidence: believed | confirmed}]
    ts: ISO-8601 UTC time of the event
    airport: {icao, iata, name, city, country, tz} or null
    origin: airport dict of the departure (landings), departed_ts: ISO time
    lat, lon, alt_ft, squawk
    demo: true for the bundled demo scenario
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from bot.alerts.airport_names import airport_name
from bot.alerts.render import RenderedAlert, renderer
from bot.alerts.text import dated_moment
from bot.i18n import N_, Translator, translator

GLOBE_URL = "https://globe.adsb.lol/?icao={hex}"
SQUAWK_MEANINGS = {
    "7500": N_("hijacking"),
    "7600": N_("radio failure"),
    "7700": N_("general emergency"),
}
UNKNOWN_SQUAWK = N_("emergency")


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
    return dated_moment(datetime.fromisoformat(ts), _zone(airport), t)


def _zone(airport: dict[str, Any] | None) -> str:
    return str(airport["tz"]) if airport and airport.get("tz") else "UTC"


def _day(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


def duration(seconds: int, t: Translator) -> str:
    """'3 h 36 min' in the chat's language."""
    hours, minutes = divmod(max(0, seconds) // 60, 60)
    if hours:
        return t._("{hours} h {minutes} min", hours=hours, minutes=minutes)
    return t._("{minutes} min", minutes=minutes)


def aircraft_line(payload: dict[str, Any], t: Translator) -> str:
    """'Aircraft DEMO1 (ffa123), callsign DMO1 — believed to carry Steve Witkoff'."""
    hex_code = str(payload["hex"])
    ident = escape(str(payload.get("registration") or hex_code.upper()))
    parts = [t._("Aircraft {ident} ({hex})", ident=ident, hex=escape(hex_code))]
    if payload.get("callsign"):
        parts.append(t._("callsign {callsign}", callsign=escape(str(payload["callsign"]))))
    line = ", ".join(parts)
    believed = [p for p in payload.get("people", []) if p.get("confidence") != "confirmed"]
    confirmed = [p for p in payload.get("people", []) if p.get("confidence") == "confirmed"]
    if confirmed:
        line += " — " + t._("carrying {names} (confirmed)", names=_names(confirmed, t))
    if believed:
        line += " — " + t._("believed to carry {names}", names=_names(believed, t))
    return line


def _names(people: list[dict[str, Any]], t: Translator) -> str:
    names = []
    for person in people:
        localized = person.get("names", {})
        names.append(escape(str(localized.get(t.locale) or localized.get("en") or person["slug"])))
    return ", ".join(names)


def headline(payload: dict[str, Any], t: Translator) -> str:
    """The first line: what happened, where."""
    kind, probable = payload["kind"], payload.get("confidence") == "probable"
    airport = payload.get("airport")
    where = place(airport, t)
    if kind == "takeoff":
        return (
            t._("🛫 Took off near {place}", place=where)
            if probable
            else t._("🛫 Took off from {place}", place=where)
        )
    if kind == "landing":
        return (
            t._("🛬 Probable landing at {place} (signal lost on approach)", place=where)
            if probable
            else t._("🛬 Landed at {place}", place=where)
        )
    if kind == "signal_lost":
        return t._("📡 Signal lost near {place}", place=where)
    if kind == "signal_regained":
        return t._("📡 Signal regained near {place}", place=where)
    if kind == "emergency":
        squawk = str(payload.get("squawk", ""))
        return t._(
            "🚨 Emergency squawk {squawk}: {meaning}",
            squawk=escape(squawk),
            meaning=t._(SQUAWK_MEANINGS.get(squawk, UNKNOWN_SQUAWK)),
        )
    return t._("Flight event: {kind}", kind=escape(str(kind)))


@renderer("flight")
def render_flight(payload: dict[str, Any], t: Translator) -> RenderedAlert:
    """A flight alert for one chat."""
    lines = []
    if payload.get("demo"):
        lines.append(t._("[DEMO DATA]"))
    lines.append(f"<b>{headline(payload, t)}</b>")
    lines.append(aircraft_line(payload, t))
    lines.append("🕑 " + when(str(payload["ts"]), payload.get("airport"), t))
    landed_day = _day(datetime.fromisoformat(str(payload["ts"])), _zone(payload.get("airport")))
    if payload["kind"] == "landing" and payload.get("origin") and payload.get("departed_ts"):
        origin = payload["origin"]
        departed = datetime.fromisoformat(str(payload["departed_ts"]))
        origin_zone = str(origin.get("tz") or "UTC")
        lines.append(
            "↗ "
            + t._(
                "From {origin}, departed {time}",
                origin=short_place(origin, t),
                # The date only when the departure's local day is not the landing's.
                time=dated_moment(
                    departed, origin_zone, t, day=_day(departed, origin_zone) != landed_day
                ),
            )
        )
    if payload.get("duration_s") is not None:
        lines.append(
            "⏱ " + t._("Flight time: {duration}", duration=duration(int(payload["duration_s"]), t))
        )
    url = GLOBE_URL.format(hex=escape(str(payload["hex"])))
    link_text = t._("Track on globe.adsb.lol")
    lines.append(f'<a href="{url}">{link_text}</a>')
    return RenderedAlert(text="\n".join(lines))
