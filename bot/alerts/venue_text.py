"""Venue text shared by the ranking-change alerts and /venue: names, scores, reasons.

A reason is one contribution of a venue's score as a `ReasonPart` (built by
`bot.venues.views.reason_data`), the freshest evidence a `FreshestPart`
(`bot.alerts.parts`); /venue words the ones it computes, an alert the ones it stored.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal

from bot.alerts.parts import FreshestPart, Names, ReasonPart, VenuePart, localized
from bot.kernel.i18n import Translator
from bot.kernel.inflection import Name

# Placeholders that hold a moment: shown in the venue's local time and in UTC.
TIME_PARAMS = frozenset({"ts", "since"})


def venue_name(venue: VenuePart, t: Translator) -> str:
    """The venue's name in the chat's language (English when it has none), escaped."""
    return escape(localized(venue.names, t.locale, venue.slug))


def amount(value: float, t: Translator) -> str:
    """A score with two decimals in the locale's format ("9.01", "9,01")."""
    return str(format_decimal(round(value, 2), format="#,##0.00", locale=t.locale))


def signed(value: float, t: Translator) -> str:
    """Points with their sign ("+2.83", "−0.75")."""
    sign = "−" if value < 0 else "+"
    return sign + amount(abs(value), t)


def moment(ts: str, zone: str, t: Translator) -> str:
    """'05:30 Baku time (01:30 UTC) on 14 Mar': time and date in the venue's zone."""
    when = datetime.fromisoformat(ts)
    day = format_date(when.astimezone(ZoneInfo(zone)).date(), "d MMM", locale=t.locale)
    return t._("{time} on {date}", date=day, time=t.local_and_utc(when, zone))


def reason_text(reason: ReasonPart, zone: str, t: Translator) -> str:
    """One reason as a sentence in the chat's language, user text escaped."""
    params: dict[str, str] = {}
    for key, value in reason.params.items():
        if key in TIME_PARAMS and isinstance(value, str):
            params[key] = moment(value, zone, t)
        elif isinstance(value, bool):
            params[key] = escape(str(value))
        elif isinstance(value, int | float):
            params[key] = t.number(round(value, 2))
        else:
            params[key] = escape(str(value))
    # A fact's note (and city) in the chat's language, when the reason carries them.
    for key, texts in (reason.localized or {}).items():
        if key in params and texts.get(t.locale):
            params[key] = escape(str(texts[t.locale]))
    values: dict[str, object] = dict(params)
    if "person" in params:
        # Not escaped yet: a Name escapes itself once a translation has declined it.
        raw = str(reason.params.get("person", ""))
        if reason.person_names is not None:
            raw = localized(reason.person_names, t.locale, raw)
        values["person"] = Name(raw, t.locale, "person")
    if "airport" in params:
        values["airport"] = airport_place(str(reason.params["airport"]), reason.airport_city, t)
    return t._(reason.label, **values)


def airport_place(code: str, cities: Names | None, t: Translator) -> Name:
    """'Baku (UBBB)' for a landing, the city declinable ("в Баку (UBBB)"); else the code."""
    city = (cities.get(t.locale) or cities.get("en")) if cities else None
    if not city:
        return Name(code, t.locale, "fixed")
    return Name(str(city), t.locale, "place", tail=f" ({code})")


def reason_line(reason: ReasonPart, zone: str, t: Translator) -> str:
    """'• +2.83 Kremlin (official) speaks of a meeting here: …'."""
    return f"• <b>{signed(reason.points, t)}</b> {reason_text(reason, zone, t)}"


def freshest_line(freshest: FreshestPart | None, zone: str, t: Translator) -> str | None:
    """'Freshest evidence: landing at UBBB, 05:30 Baku time (01:30 UTC) on 14 Mar'."""
    if freshest is None:
        return None
    when = moment(freshest.ts, zone, t)
    if freshest.kind == "landing":
        place = airport_place(freshest.airport or "", freshest.airport_city, t)
        what = t._("landing at {airport}", airport=place)
    else:
        what = t._("statement by {source}", source=escape(freshest.source or ""))
    return t._("🕑 Freshest evidence: {what}, {when}", when=when, what=what)
