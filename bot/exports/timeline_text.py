"""/timeline as text: one line a moment under its day, in the chat's zone and UTC (pure)."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from babel.dates import format_date

from bot.alerts.flight_text import short_place
from bot.alerts.linked import LinkedAlert
from bot.alerts.linked_text import headline
from bot.alerts.text import dated_moment
from bot.exports.timeline import (
    FlightMoment,
    LinkMoment,
    Moment,
    StatementMoment,
    Timeline,
    VenueMoment,
)
from bot.kernel.i18n import Translator

_FLIGHT_MARK = {"takeoff": "🛫", "landing": "🛬", "destination": "🧭", "emergency": "🚨"}


def venue_label(moment: VenueMoment, locale: str) -> str:
    """The venue's name in the chat's language (English, then its slug, when it has none)."""
    return moment.names.get(locale) or moment.names.get("en") or moment.venue


def confidence_text(confidence: str, t: Translator) -> str:
    """A flight event's detection confidence in the chat's language."""
    return t._("probable") if confidence == "probable" else t._("confirmed")


def _flight(moment: FlightMoment, t: Translator) -> str:
    place = short_place(moment.airport, t) if moment.airport is not None else None
    if moment.kind == "takeoff":
        what = t._("took off from {place}", place=place or t._("an unknown place"))
    elif moment.kind == "landing":
        what = t._("landed at {place}", place=place or t._("an unknown place"))
    elif moment.kind == "destination":
        what = t._("heading for {place}", place=place or t._("an unknown place"))
        if moment.probability is not None:
            what += " " + t._("({percent} likely)", percent=t.percent(moment.probability))
    elif moment.kind == "signal_lost":
        what = t._("signal lost")
    elif moment.kind == "signal_regained":
        what = t._("signal regained")
    elif moment.kind == "emergency":
        what = t._("emergency squawk")
    else:
        what = escape(moment.kind)
    return f"{what}, {escape(moment.aircraft)} ({confidence_text(moment.confidence, t)})"


def _statement(moment: StatementMoment, t: Translator) -> str:
    title = escape(moment.title or t._("(no title)"))
    if moment.url:
        title = f'<a href="{escape(moment.url, quote=True)}">{title}</a>'
    source = escape(moment.source) + (" ✓" if moment.official else "")
    return f"{source}: {title}"


def _link(moment: LinkMoment, t: Translator) -> str:
    """The linked alert's headline (its parts, each at its place's time), and how sure."""
    word = t._("confirmed pair") if moment.confidence == "confirmed" else t._("believed pair")
    return f"{headline(LinkedAlert.from_json(moment.alert), t)} · {word}"


def venue_change(moment: VenueMoment, t: Translator) -> str:
    """'Baku: moved into first place (score 9.0)' in the chat's language."""
    venue = escape(venue_label(moment, t.locale))
    score = t.number(round(moment.score, 1)) if moment.score is not None else "?"
    if moment.change == "new_leader":
        return t._("{venue}: moved into first place (score {score})", venue=venue, score=score)
    if moment.change == "score_jump":
        return t._(
            "{venue}: score rose to {score} (rank {rank})",
            venue=venue,
            score=score,
            rank=moment.rank if moment.rank is not None else "?",
        )
    if moment.change == "factor":
        return t._(
            "{venue}: fact “{factor}” set ({source})",
            venue=venue,
            factor=escape(moment.factor or ""),
            source=escape(moment.source or ""),
        )
    return f"{venue}: {escape(moment.change)}"


def moment_line(moment: Moment, zone: str, t: Translator) -> str:
    """One moment: its mark, its time in the chat's zone and UTC, what happened."""
    when = dated_moment(moment.ts, zone, t, day=False)
    if isinstance(moment, FlightMoment):
        return f"{_FLIGHT_MARK.get(moment.kind, '✈️')} {when} — {_flight(moment, t)}"
    if isinstance(moment, StatementMoment):
        return f"📰 {when} — {_statement(moment, t)}"
    if isinstance(moment, LinkMoment):
        return f"🔗 {when} — {_link(moment, t)}"
    return f"🏛 {when} — {venue_change(moment, t)}"


def day_heading(moment: datetime, zone: str, t: Translator) -> str:
    """The day in the chat's zone, in bold: 'Sat, Dec 13, 2025'."""
    local = moment.astimezone(ZoneInfo(zone))
    return "<b>" + escape(format_date(local, "EEE, d MMM y", locale=t.locale)) + "</b>"


def timeline_blocks(
    timeline: Timeline, label: str, days: int, zone: str, t: Translator
) -> list[str]:
    """The heading, then each moment under its day (the chat's zone), oldest first; to be
    joined with newlines into messages (`bot.watch.watchlist_text.pages`)."""
    heading = t.n_(
        "Timeline of {what}, last {n} day: flights, statements and venue changes.",
        "Timeline of {what}, last {n} days: flights, statements and venue changes.",
        days,
        what="<b>" + escape(label) + "</b>",
    )
    if timeline.total > len(timeline.moments):
        heading += " " + t._(
            "Only the newest {shown} of {total} are shown; ask for fewer days or see /export.",
            shown=len(timeline.moments),
            total=timeline.total,
        )
    # One block a moment (its day's heading before the day's first): long answers are
    # split between lines, never inside one.
    blocks = [heading]
    day: str | None = None
    for moment in timeline.moments:
        line = moment_line(moment, zone, t)
        this_day = day_heading(moment.ts, zone, t)
        if this_day != day:
            day = this_day
            line = f"\n{this_day}\n{line}"
        blocks.append(line)
    return blocks
