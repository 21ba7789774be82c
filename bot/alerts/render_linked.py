"""Linked alerts: a landing and a statement as one message, in the chat's language.

The statement's title is shown as published (never translated), with the words that
matched as the statement has them; each part keeps its source and confidence.
"""

from __future__ import annotations

from html import escape

from bot.alerts.linked import LinkedAlert
from bot.alerts.linked_text import headline, place_name
from bot.alerts.rendered import RenderedAlert
from bot.alerts.text import dated_moment
from bot.kernel.i18n import Translator


def _named(alert: LinkedAlert, t: Translator) -> str:
    person = escape(alert.person.name(t.locale))
    quote = escape(alert.quote)
    if alert.matched == "place":
        return t._(
            "The statement names the place: {place} («{quote}»)",
            place=escape(place_name(alert, t)),
            quote=quote,
        )
    if alert.matched == "meeting":
        return t._(
            "The statement speaks of a meeting with {person} («{quote}»)",
            person=person,
            quote=quote,
        )
    return t._("The statement names {person} («{quote}»)", person=person, quote=quote)


def render_linked(alert: LinkedAlert, t: Translator) -> RenderedAlert:
    """A linked alert for one chat."""
    place_zone = (alert.place.timezone if alert.place else None) or "UTC"
    person = escape(alert.person.name(t.locale))
    aircraft = escape(alert.registration or alert.hex.upper())
    lines = ["🔗 <b>" + headline(alert, t) + "</b>"]
    lines.append(
        "✈️ "
        + t._(
            "{aircraft} landed at {airport}: {moment}",
            aircraft=aircraft,
            airport=escape(alert.airport_icao),
            moment=dated_moment(alert.landing_ts, place_zone, t),
        )
    )
    if alert.person.confidence == "confirmed":
        lines.append("👤 " + t._("Confirmed on board: {person}", person=person))
    else:
        lines.append("👤 " + t._("Believed on board: {person}", person=person))
    icon = "🏛" if alert.source.official else "📰"
    source = "<b>" + escape(alert.source.name) + "</b>"
    lines.append(
        f"{icon} "
        + t._(
            "{source} published {moment}",
            source=source,
            moment=dated_moment(alert.statement_ts, alert.source.tz or "UTC", t),
        )
    )
    lines.append("🔎 " + _named(alert, t))
    if alert.confidence == "confirmed":
        lines.append("⚖️ " + t._("The pair is confirmed: the aircraft link is confirmed."))
    else:
        lines.append("⚖️ " + t._("The pair is believed: the aircraft link is only believed."))
    link = str(alert.url or "")
    if link.startswith(("https://", "http://")):
        label = t._("Read at the source")
        lines.append(f'<a href="{escape(link, quote=True)}">{label}</a>')
    return RenderedAlert(text="\n".join(lines))
