"""Statements and sources as chat text, in the chat's language (for /statements, /sources, /status).

The statement's own words stay as published (HTML-escaped) and are tagged with
their language; everything around them is translated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from html import escape

from babel.dates import format_timedelta
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.statement_text import KEYWORD_LABELS
from bot.alerts.text import dated_moment
from bot.kernel.i18n import Translator
from bot.kernel.inflection import Name
from bot.statements.terms import TermKind
from bot.statements.text import shorten
from storage.models import Source
from storage.statements import StatementView, recent_statements
from storage.venues import venues_by_slugs
from storage.watchlist import people_by_slugs

TITLE_CHARS = 160
_NAME_WIDTH = 16
MAX_ERRORS = 12
Names = Mapping[tuple[str, str], Mapping[str, str]]


def mention_label(kind: str, key: str, names: Names, t: Translator) -> str:
    """A mention in the chat's language: a person's or place's name, a meeting word."""
    if kind == "keyword":
        return t._(KEYWORD_LABELS[key]) if key in KEYWORD_LABELS else key
    localized = names.get((kind, key), {})
    return str(localized.get(t.locale) or localized.get("en") or key)


def statement_entry(view: StatementView, names: Names, t: Translator) -> str:
    """'• 11 Jul 2026, 12:00 UTC · kremlin-ru (ru)' + linked title + what it mentions."""
    when = dated_moment(view.when, "UTC", t)
    head = f"• {escape(when)} · <b>{escape(view.source)}</b> ({escape(view.language or '?')})"
    title = escape(shorten(view.title, TITLE_CHARS))
    if view.url and view.url.startswith(("https://", "http://")):
        title = f'<a href="{escape(view.url, quote=True)}">{title}</a>'
    order = {"person": 0, "place": 1, "keyword": 2}
    mentioned = sorted(
        {(kind, key) for kind, key, _text in view.mentions},
        key=lambda m: (order.get(m[0], 3), m[1]),
    )
    labels = ", ".join(escape(mention_label(kind, key, names, t)) for kind, key in mentioned)
    lines = [head, f"  {title}"]
    if labels:
        lines.append(f"  🔎 {labels}")
    return "\n".join(lines)


def statement_list(views: Sequence[StatementView], names: Names, t: Translator) -> str:
    """Entries separated by blank lines."""
    return "\n\n".join(statement_entry(view, names, t) for view in views)


async def person_statements_section(
    session: AsyncSession, slug: str, t: Translator, *, limit: int = 3
) -> str:
    """For /status <person>: the latest statements that mention the person, or a note of silence.

    Args:
        session: an open session.
        slug: the person's slug.
        t: the chat's translator.
        limit: at most this many statements.

    Returns:
        HTML: a bold heading and the entries, or one line saying none was seen.
    """
    views = await recent_statements(session, topics=[("person", slug)], limit=limit)
    names = await _names_shown(session, slug, views)
    # A Name, so a translation can decline it ("не упоминал {name:acc}").
    name = Name(mention_label("person", slug, names, t), t.locale, "person")
    if not views:
        return t._("No watched source has mentioned {name} yet.", name=name)
    heading = t._("Latest statements mentioning {name}:", name=name)
    return f"<b>{heading}</b>\n" + statement_list(views, names, t)


async def _names_shown(session: AsyncSession, slug: str, views: Sequence[StatementView]) -> Names:
    """The display names of the person and of what their statements mention, as in the
    watchlist; read by slug, not the whole watchlist (every person and venue) per /status."""
    people = {slug, *(key for view in views for key in view.mentions_kind(TermKind.PERSON))}
    places = {key for view in views for key in view.mentions_kind(TermKind.PLACE)}
    names: dict[tuple[str, str], Mapping[str, str]] = {
        (TermKind.PERSON.value, p.slug): dict(p.names)
        for p in await people_by_slugs(session, people)
    }
    for venue in await venues_by_slugs(session, places):
        names[(TermKind.PLACE.value, venue.slug)] = dict(venue.names)
    return names


def _age(moment: datetime | None, now: datetime, t: Translator) -> str:
    if moment is None:
        return "—"
    return str(format_timedelta(now - moment, format="narrow", threshold=1.5, locale=t.locale))


def source_state(row: Source) -> str:
    """One symbol: off, never polled, failing, or fine."""
    if not row.enabled:
        return "off"
    if row.last_success_at is None and row.last_error_at is None:
        return "·"
    if row.consecutive_failures:
        return f"✗{row.consecutive_failures}"
    return "✓"


def sources_table(rows: Sequence[Source], now: datetime, t: Translator) -> str:
    """Every source with its health in a <pre> table, then the last errors of failing ones."""
    if not rows:
        return t._("No sources are configured.")
    name_h, state_h, ok_h, items_h, ms_h = (
        t._("source"),
        t._("state"),
        t._("last ok"),
        t._("items"),
        t._("ms"),
    )
    lines = [f"{name_h[:_NAME_WIDTH]:<{_NAME_WIDTH}} {state_h:<5} {ok_h:>8} {items_h:>5} {ms_h:>5}"]
    errors = []
    for row in rows:
        latency = f"{row.latency_ms:.0f}" if row.latency_ms is not None else "—"
        age = _age(row.last_success_at, now, t)
        lines.append(
            f"{row.name[:_NAME_WIDTH]:<{_NAME_WIDTH}} {source_state(row):<5} "
            f"{age[:8]:>8} {row.items_seen:>5} {latency:>5}"
        )
        if row.enabled and row.consecutive_failures and row.last_error:
            errors.append(f"• {escape(row.name)}: {escape(shorten(row.last_error, 80))}")
    heading = t._("Statement sources ({count}):", count=t.number(len(rows)))
    text = f"<b>{escape(heading)}</b>\n<pre>" + escape("\n".join(lines)) + "</pre>"
    legend = t._("✓ fine · ✗N failing N times in a row · off removed · · not polled yet")
    text += "\n" + escape(legend)
    if errors:
        # Bounded so the reply stays one message whatever fails.
        text += "\n\n" + t._("Last errors:") + "\n" + "\n".join(errors[:MAX_ERRORS])
    return text


async def status_section(
    session: AsyncSession, person_slug: str | None, hexes: Sequence[str], t: Translator
) -> str | None:
    """The /status section (`handlers.flight_status.StatusSection`): statements about the person.

    Aircraft alone (no person) have no statements: None, nothing shown.
    """
    if person_slug is None:
        return None
    return await person_statements_section(session, person_slug, t)
