"""The destination alert in one chat's language: where, when (local and UTC), how sure, why
(the first line is `bot.alerts.destination_text`'s, which /status shows too)."""

from __future__ import annotations

from html import escape

from bot.alerts.destination_alert import DestinationAlert, WhyPart
from bot.alerts.destination_text import heading_line
from bot.alerts.events import FlightAlert
from bot.alerts.flight_text import GLOBE_URL, short_place, when
from bot.alerts.render_flight import aircraft_line
from bot.alerts.rendered import RenderedAlert
from bot.kernel.i18n import Translator


def headline(alert: DestinationAlert, t: Translator) -> str:
    """The first line: where to, when, how sure."""
    return heading_line(alert.airport, alert.probability, alert.eta, t)


def why(reason: WhyPart, t: Translator) -> str | None:
    """One reason in words; None for the terms that only count against an airport."""
    value = reason.value
    if reason.code == "bearing":
        return t._("on its track ({degrees}° off)", degrees=t.number(round(value)))
    if reason.code == "descent":
        return t._("descending on a path to it")
    if reason.code == "visits":
        return t._("its earlier flights there: {count}", count=t.number(int(value)))
    if reason.code == "route":
        return t._("usual for the route: {count} earlier flights", count=t.number(int(value)))
    if reason.code == "international":
        return t._("an international airport")
    if reason.code == "distance" and value:
        return t._("{km} km to go", km=t.number(round(value)))
    return None


def render_destination(alert: DestinationAlert, t: Translator) -> RenderedAlert:
    """A destination alert for one chat."""
    lines = []
    if alert.demo:
        lines.append(t._("[DEMO DATA]"))
    lines.append(f"<b>{headline(alert, t)}</b>")
    aircraft = FlightAlert(
        kind="destination",
        confidence="probable",
        hex=alert.hex,
        ts=alert.ts,
        registration=alert.registration,
        callsign=alert.callsign,
        people=alert.people,
    )
    lines.append(aircraft_line(aircraft, t))
    if alert.origin is not None:
        lines.append("↗ " + t._("From {origin}", origin=short_place(alert.origin, t)))
    if alert.previous is not None and alert.previous.icao != alert.airport.icao:
        lines.append(
            "↪ " + t._("Earlier prediction: {airport}", airport=short_place(alert.previous, t))
        )
    reasons = [text for r in alert.reasons if (text := why(r, t))]
    if reasons:
        lines.append("💡 " + t._("Why: {reasons}", reasons="; ".join(reasons)))
    lines.append("🕑 " + t._("Predicted {when}", when=when(alert.ts.isoformat(), alert.airport, t)))
    url = GLOBE_URL.format(hex=escape(alert.hex))
    lines.append(f'<a href="{url}">{t._("Track on globe.adsb.lol")}</a>')
    return RenderedAlert(text="\n".join(lines))
