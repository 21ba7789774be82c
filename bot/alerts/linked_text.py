"""The words a linked alert shares with /status: the headline of a landing and a statement."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from bot.alerts.linked import LinkedAlert
from bot.alerts.parts import localized
from bot.kernel.i18n import Translator


def _clock(moment: datetime, zone: str, t: Translator) -> str:
    return format_datetime(moment, "HH:mm", tzinfo=ZoneInfo(zone), locale=t.locale)


def place_name(alert: LinkedAlert, t: Translator) -> str:
    """The venue's name in the chat's language, else the airport's code."""
    if alert.place is None:
        return alert.airport_icao
    return localized(alert.place.names, t.locale, alert.place.slug)


def headline(alert: LinkedAlert, t: Translator) -> str:
    """'Landing in Baku 05:30 and kremlin-ru statement 11:02: <title>' (local times)."""
    place_zone = (alert.place.timezone if alert.place else None) or "UTC"
    source_zone = alert.source.tz or "UTC"
    return t._(
        "Landing in {place} {landing} and {source} statement {said}: {title}",
        place=escape(place_name(alert, t)),
        landing=_clock(alert.landing_ts, place_zone, t),
        source=escape(alert.source.name),
        said=_clock(alert.statement_ts, source_zone, t),
        title=escape(alert.title),
    )
