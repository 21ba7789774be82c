"""Statement alerts: a frame in the chat's language around the statement's own words.

The alert's fields are `bot.alerts.events.StatementAlert` (built by
`bot.statements.statement_event.alert`).

The title and lead are never translated: the chat sees the original text, tagged
with its language, and the frame (source, time, what matched) in its own.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from babel import Locale as BabelLocale

from bot.alerts.events import StatementAlert
from bot.alerts.parts import MatchPart, localized
from bot.alerts.rendered import RenderedAlert
from bot.alerts.statement_text import KEYWORD_LABELS
from bot.alerts.text import cut_at_word, dated_moment
from bot.kernel.i18n import N_, Translator

# The longest title the store keeps (statements.title is String(2048)).
TITLE_LIMIT = 2048

KIND_LABELS = {
    "person": N_("People"),
    "place": N_("Places"),
    "keyword": N_("Meeting words"),
}


def language_name(code: str, t: Translator) -> str:
    """'Russian' / 'русский' / 'rus' for a language code, in the chat's language."""
    try:
        name = BabelLocale.parse(t.locale).languages.get(code)
    except (ValueError, TypeError):
        name = None
    return str(name or code)


def published_line(alert: StatementAlert, t: Translator) -> str:
    """When it was published, in the source's zone and in UTC (or when it was fetched)."""
    zone = alert.source.tz or "UTC"
    moment: datetime
    if alert.published:
        moment = alert.published
        template = N_("Published {time}")
    else:
        moment = alert.fetched
        template = N_("Seen {time} (the source gives no time)")
    return t._(template, time=dated_moment(moment, zone, t))


def _label(match: MatchPart, t: Translator) -> str:
    key = match.key
    if match.kind == "keyword":
        return t._(KEYWORD_LABELS[key]) if key in KEYWORD_LABELS else key
    return localized(match.names, t.locale, key)


def matched_lines(alert: StatementAlert, t: Translator) -> list[str]:
    """'People: Steve Witkoff («Уиткоффом»)', one line per kind that matched."""
    lines = []
    for kind, title in KIND_LABELS.items():
        found = [m for m in alert.matched if m.kind == kind]
        if not found:
            continue
        parts = []
        for match in found:
            label = _label(match, t)
            text = match.text
            same = text.casefold() == label.casefold() or kind == "keyword"
            parts.append(escape(label) if same else f"{escape(label)} («{escape(text)}»)")
        lines.append(f"{t._(title)}: " + ", ".join(parts))
    return lines


def header(alert: StatementAlert, t: Translator) -> str:
    """'🏛 kremlin-ru · official source: Steve Witkoff, meeting' (the digest's line too)."""
    source = alert.source
    name = "<b>" + escape(source.name or "?") + "</b>"
    what = ", ".join(
        escape(_label(m, t)) for kind in KIND_LABELS for m in alert.matched if m.kind == kind
    )
    if source.official:
        return "🏛 " + t._("{source} · official source: {what}", source=name, what=what)
    return "📰 " + t._("{source} · news agency: {what}", source=name, what=what)


def render_statement(alert: StatementAlert, t: Translator) -> RenderedAlert:
    """A statement alert for one chat."""
    lines = []
    if alert.demo:
        lines.append(t._("[DEMO DATA]"))
    lines.append(header(alert, t))
    if alert.revision > 1:
        lines.append("✏️ " + t._("Updated after publication: what it mentions changed."))
    language = str(alert.language or "")
    tag = t._("Original text ({language}):", language=escape(language_name(language, t)))
    lines.append(f"<i>{tag}</i>")
    title = alert.title
    if len(title) >= TITLE_LIMIT:
        # The store cut it hard at its column's size, maybe mid-word: drop the
        # broken word and mark the cut.
        title = cut_at_word(title, TITLE_LIMIT - 1)
    lines.append(f"<b>{escape(title)}</b>")
    if alert.lead:
        lines.append(escape(alert.lead))
    lines.append("🕑 " + published_line(alert, t))
    lines.extend("🔎 " + line for line in matched_lines(alert, t))
    link = str(alert.url or "")
    if link.startswith(("https://", "http://")):
        url = escape(link, quote=True)
        link_text = t._("Read at the source")
        lines.append(f'<a href="{url}">{link_text}</a>')
    return RenderedAlert(text="\n".join(lines))
