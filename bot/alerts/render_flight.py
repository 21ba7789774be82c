"""Flight alerts: who, what, where (airport, city, country), when (local and UTC).

The alert's fields are `bot.alerts.events.FlightAlert` (built by `bot.flights.payload`).
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from bot.alerts.events import FlightAlert
from bot.alerts.flight_text import (
    GLOBE_URL,
    airport_zone,
    duration,
    place,
    short_place,
    when,
)
from bot.alerts.parts import PersonPart
from bot.alerts.rendered import RenderedAlert
from bot.alerts.text import dated_moment
from bot.kernel.i18n import N_, Translator

SQUAWK_MEANINGS = {
    "7500": N_("hijacking"),
    "7600": N_("radio failure"),
    "7700": N_("general emergency"),
}
UNKNOWN_SQUAWK = N_("emergency")


def _day(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


def aircraft_line(alert: FlightAlert, t: Translator) -> str:
    """'Aircraft DEMO1 (ffa123), callsign DMO1 — believed to carry Steve Witkoff'."""
    hex_code = alert.hex
    ident = escape(str(alert.registration or hex_code.upper()))
    parts = [t._("Aircraft {ident} ({hex})", ident=ident, hex=escape(hex_code))]
    if alert.callsign:
        parts.append(t._("callsign {callsign}", callsign=escape(str(alert.callsign))))
    line = ", ".join(parts)
    believed = [p for p in alert.people if p.confidence != "confirmed"]
    confirmed = [p for p in alert.people if p.confidence == "confirmed"]
    if confirmed:
        line += " — " + t._("carrying {names} (confirmed)", names=_names(confirmed, t))
    if believed:
        line += " — " + t._("believed to carry {names}", names=_names(believed, t))
    return line


def _names(people: list[PersonPart], t: Translator) -> str:
    return ", ".join(escape(person.name(t.locale)) for person in people)


def headline(alert: FlightAlert, t: Translator) -> str:
    """The first line: what happened, where."""
    kind, probable = alert.kind, alert.confidence == "probable"
    where = place(alert.airport, t)
    how = alert.how
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
        squawk = str(alert.squawk if alert.squawk is not None else "")
        return t._(
            "🚨 Emergency squawk {squawk}: {meaning}",
            squawk=escape(squawk),
            meaning=t._(SQUAWK_MEANINGS.get(squawk, UNKNOWN_SQUAWK)),
        )
    return t._("Flight event: {kind}", kind=escape(str(kind)))


def prediction_verdict(alert: FlightAlert, t: Translator) -> str | None:
    """Whether the destination predicted in the air was right: 'As predicted' or
    'Predicted GYD, landed at NAJ'; None without a prediction."""
    predicted = alert.predicted
    if alert.kind != "landing" or predicted is None:
        return None
    if alert.airport is not None and alert.airport.icao == predicted.icao:
        return t._("As predicted")
    landed = alert.airport.code if alert.airport is not None else "?"
    return t._(
        "Predicted {predicted}, landed at {landed}",
        predicted=escape(predicted.code),
        landed=escape(landed),
    )


def render_flight(alert: FlightAlert, t: Translator) -> RenderedAlert:
    """A flight alert for one chat."""
    lines = []
    if alert.demo:
        lines.append(t._("[DEMO DATA]"))
    lines.append(f"<b>{headline(alert, t)}</b>")
    lines.append(aircraft_line(alert, t))
    lines.append("🕑 " + when(alert.ts.isoformat(), alert.airport, t))
    landed_day = _day(alert.ts, airport_zone(alert.airport))
    if alert.kind == "landing" and alert.origin and alert.departed_ts:
        origin = alert.origin
        departed = alert.departed_ts
        origin_zone = airport_zone(origin)
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
    if alert.duration_s is not None:
        lines.append("⏱ " + t._("Flight time: {duration}", duration=duration(alert.duration_s, t)))
    verdict = prediction_verdict(alert, t)
    if verdict is not None:
        lines.append("🧭 " + verdict)
    url = GLOBE_URL.format(hex=escape(alert.hex))
    link_text = t._("Track on globe.adsb.lol")
    lines.append(f'<a href="{url}">{link_text}</a>')
    return RenderedAlert(text="\n".join(lines))
