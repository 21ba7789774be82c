"""Venue text shared by the ranking-change alerts and /venue: names, scores, reasons.

A reason is one contribution of a venue's score as plain data (see
`bot.venues.views.reason_data`):
    kind: icc | war_stance | ... | landing | statement | silence
    label: the English message id (`bot.venues.labels`), translated here
    params: its placeholders; times ("ts", "since") as ISO-8601 UTC text
    points: its share of the score
    ref: S-numbers, "A<row>" for an analyst's correction, or the evidence id
    person_names: for landings, the person's names per language
    airport_city: for landings, the venue's names per language (the airport's city)
    localized: for a venue's fact, {"detail": {en, ru, az}, "where": {en, ru, az}}
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal

from bot.alerts.parts import VenuePart, localized
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


def reason_text(reason: dict[str, Any], zone: str, t: Translator) -> str:
    """One reason as a sentence in the chat's language, user text escaped."""
    params: dict[str, str] = {}
    for key, value in (reason.get("params") or {}).items():
        if key in TIME_PARAMS and isinstance(value, str):
            params[key] = moment(value, zone, t)
        elif isinstance(value, bool):
            params[key] = escape(str(value))
        elif isinstance(value, int | float):
            params[key] = t.number(round(value, 2))
        else:
            params[key] = escape(str(value))
    # A fact's note (and city) in the chat's language, when the reason carries them.
    for key, texts in (reason.get("localized") or {}).items():
        if key in params and isinstance(texts, dict) and texts.get(t.locale):
            params[key] = escape(str(texts[t.locale]))
    values: dict[str, object] = dict(params)
    names = reason.get("person_names")
    if "person" in params:
        # Not escaped yet: a Name escapes itself once a translation has declined it.
        raw = str((reason.get("params") or {}).get("person", ""))
        if isinstance(names, dict):
            raw = str(names.get(t.locale) or names.get("en") or raw)
        values["person"] = Name(raw, t.locale, "person")
    if "airport" in params:
        values["airport"] = airport_place(reason, t)
    return t._(str(reason["label"]), **values)


def airport_place(item: dict[str, Any], t: Translator) -> Name:
    """'Baku (UBBB)' for a landing, the city declinable ("в Баку (UBBB)"); else the code."""
    code = str((item.get("params") or item).get("airport", ""))
    cities = item.get("airport_city")
    city = (cities.get(t.locale) or cities.get("en")) if isinstance(cities, dict) else None
    if not city:
        return Name(code, t.locale, "fixed")
    return Name(str(city), t.locale, "place", tail=f" ({code})")


def reason_line(reason: dict[str, Any], zone: str, t: Translator) -> str:
    """'• +2.83 Kremlin (official) speaks of a meeting here: …'."""
    return f"• <b>{signed(float(reason['points']), t)}</b> {reason_text(reason, zone, t)}"


def freshest_line(freshest: dict[str, Any] | None, zone: str, t: Translator) -> str | None:
    """'Freshest evidence: landing at UBBB, 05:30 Baku time (01:30 UTC) on 14 Mar'."""
    if not freshest:
        return None
    when = moment(str(freshest["ts"]), zone, t)
    if freshest.get("kind") == "landing":
        what = t._("landing at {airport}", airport=airport_place(freshest, t))
    else:
        what = t._("statement by {source}", source=escape(str(freshest.get("source", ""))))
    return t._("🕑 Freshest evidence: {what}, {when}", when=when, what=what)
