"""Flight alerts: who, what, where (airport, city, country), when (local and UTC).

Payload (written when the event is stored, see `bot.flights`):
    kind: takeoff | landing | signal_lost | signal_regained | emergency
    confidence: confirmed | probable
    how: what a takeoff or landing was inferred from (`bot.flights.detector`); a
        probable one says why it is probable from it
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

from bot.alerts.flight_text import (
    GLOBE_URL,
    airport_zone,
    duration,
    place,
    short_place,
    when,
)
from bot.alerts.render import RenderedAlert, renderer
from bot.alerts.text import dated_moment
from bot.i18n import N_, Translator

SQUAWK_MEANINGS = {
    "7500": N_("hijacking"),
    "7600": N_("radio failure"),
    "7700": N_("general emergency"),
}
UNKNOWN_SQUAWK = N_("emergency")


def _day(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


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
    how = payload.get("how")
    if kind == "takeoff":
        if not probable:
            return t._("🛫 Took off from {place}", place=where)
        if how == "first_fix":
            return t._("🛫 Took off near {place} (probable: first seen climbing out)", place=where)
        if how == "after_gap":
            return t._(
                "🛫 Took off near {place} (probable: seen again climbing out after a gap)",
                place=where,
            )
        return t._("🛫 Took off near {place}", place=where)
    if kind == "landing":
        if not probable:
            return t._("🛬 Landed at {place}", place=where)
        if how == "ground_then_lost":
            return t._(
                "🛬 Probable landing at {place} (one report on the ground, then the signal "
                "was lost)",
                place=where,
            )
        return t._("🛬 Probable landing at {place} (signal lost on approach)", place=where)
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
    landed_day = _day(
        datetime.fromisoformat(str(payload["ts"])), airport_zone(payload.get("airport"))
    )
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
