"""The quiet-hours digest and the daily digest, in the chat's language at send time."""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.alerts.events import DailyDigestAlert, QuietDigestAlert
from bot.alerts.flight_text import short_place
from bot.alerts.render_digest import RenderAny, held_lines
from bot.alerts.rendered import RenderedAlert
from bot.alerts.schedule import clock_text
from bot.kernel.i18n import Translator

# Lines per person, statements and venue changes in a daily digest.
DAILY_LINES = 10


def render_quiet_digest(
    digest: QuietDigestAlert, t: Translator, render: RenderAny
) -> RenderedAlert:
    """'During quiet hours (23:00–07:00), 3 alerts arrived:' and one line for each."""
    items = digest.items
    period = f"{clock_text(digest.start)}–{clock_text(digest.end)}"
    lines = [
        "<b>"
        + t.n_(
            "🌙 During quiet hours ({period}), {n} alert arrived:",
            "🌙 During quiet hours ({period}), {n} alerts arrived:",
            len(items),
            period=period,
        )
        + "</b>"
    ]
    lines += held_lines(items, t, render)
    return RenderedAlert(text="\n".join(lines))


def _name(names: Mapping[str, Any], t: Translator) -> str:
    return str(names.get(t.locale) or names.get("en") or next(iter(names.values()), ""))


def _clock(ts: str | None, zone: str, t: Translator) -> str:
    if not ts:
        return ""
    # Digits and a colon read the same in en, ru and az.
    return datetime.fromisoformat(ts).astimezone(ZoneInfo(zone)).strftime("%H:%M")


def _flight_line(flight: Mapping[str, Any], zone: str, t: Translator) -> str:
    at = _clock(flight.get("ts"), zone, t)
    where = short_place(flight.get("airport"), t)
    kind = flight.get("kind")
    if kind == "takeoff":
        text = t._("{time} took off from {place}", time=at, place=where)
    elif kind == "landing":
        text = t._("{time} landed in {place}", time=at, place=where)
    elif kind == "signal_lost":
        text = t._("{time} signal lost", time=at)
    elif kind == "signal_regained":
        text = t._("{time} signal regained", time=at)
    else:
        text = t._("{time} emergency", time=at)
    aircraft = flight.get("registration") or flight.get("hex") or ""
    return f"  {text} · {html.escape(str(aircraft))}"


def _flights(digest: DailyDigestAlert, t: Translator) -> list[str]:
    groups: dict[str, tuple[str, list[Mapping[str, Any]]]] = {}
    for flight in digest.flights:
        people = flight.get("people") or []
        if not people:
            key = str(flight.get("registration") or flight.get("hex") or "?")
            groups.setdefault("#" + key, (key, []))[1].append(flight)
        for person in people:
            slug = str(person.get("slug"))
            name = _name(person.get("names") or {slug: slug}, t)
            groups.setdefault(slug, (name, []))[1].append(flight)
    lines = []
    for name, flights in groups.values():
        lines.append(
            "<b>"
            + html.escape(name)
            + "</b> — "
            + t.n_("{n} flight event", "{n} flight events", len(flights))
        )
        lines += [_flight_line(f, digest.zone, t) for f in flights[-DAILY_LINES:]]
    return lines


def render_daily_digest(digest: DailyDigestAlert, t: Translator) -> RenderedAlert:
    """Flights per person, statements and venue changes of the chat's last day."""
    lines = [
        "<b>"
        + t._(
            "🗓 Daily digest, {since} – {until}",
            since=t.date_time(digest.since, digest.zone),
            until=t.date_time(digest.until, digest.zone),
        )
        + "</b>"
    ]
    if not (digest.flights or digest.statements or digest.venues):
        lines.append(t._("Nothing was alerted in this chat during this day."))
        return RenderedAlert(text="\n".join(lines))
    if digest.flights:
        lines += ["", "✈️ " + t._("Flights"), *_flights(digest, t)]
    if digest.statements:
        lines += ["", "📰 " + t.n_("{n} statement", "{n} statements", len(digest.statements))]
        for statement in digest.statements[-DAILY_LINES:]:
            lines.append(
                "• "
                + html.escape(str(statement.get("source") or ""))
                + ": "
                + html.escape(str(statement.get("title") or ""))
            )
    if digest.venues:
        lines += ["", "📍 " + t.n_("{n} venue change", "{n} venue changes", len(digest.venues))]
        for change in digest.venues[-DAILY_LINES:]:
            venue = change.get("venue") or {}
            lines.append(
                "• "
                + html.escape(_name(venue.get("names") or {"en": venue.get("slug", "")}, t))
                + " — "
                + t._("rank {rank}", rank=change.get("rank"))
            )
    return RenderedAlert(text="\n".join(lines))
