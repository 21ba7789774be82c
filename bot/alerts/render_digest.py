"""The end-of-mute digest: one message listing what arrived while a chat was muted."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bot.alerts.events import DigestAlert, HeldAlert
from bot.alerts.rendered import RenderedAlert
from bot.kernel.i18n import Translator

# The table's renderer of any stored event (`bot.alerts.render.AlertRenderers.render`).
RenderAny = Callable[[str, Mapping[str, Any], Translator], RenderedAlert]

_TAG = re.compile(r"<[^>]+>")
DIGEST_LINES = 30


def first_line(
    event_type: str, payload: Mapping[str, Any], t: Translator, render: RenderAny
) -> str:
    """The headline of an alert, as plain text escaped for HTML."""
    text = render(event_type, payload, t).text
    for line in text.split("\n"):
        plain = html.unescape(_TAG.sub("", line)).strip()
        if plain and not plain.startswith("["):
            return html.escape(plain)
    return ""


def render_digest(digest: DigestAlert, t: Translator, render: RenderAny) -> RenderedAlert:
    """'While this chat was muted, 3 alerts arrived:' and one line for each."""
    items = digest.items
    lines = [
        "<b>"
        + t.n_(
            "🔕 While this chat was muted, {n} alert arrived:",
            "🔕 While this chat was muted, {n} alerts arrived:",
            len(items),
        )
        + "</b>"
    ]
    lines += held_lines(items, t, render)
    return RenderedAlert(text="\n".join(lines))


def held_lines(items: Sequence[HeldAlert], t: Translator, render: RenderAny) -> list[str]:
    """One line per held alert, at most DIGEST_LINES, then how many more there were."""
    lines = [
        "• " + first_line(item.event_type, item.payload, t, render) for item in items[:DIGEST_LINES]
    ]
    if len(items) > DIGEST_LINES:
        rest = len(items) - DIGEST_LINES
        lines.append(t.n_("…and {n} more.", "…and {n} more.", rest))
    return lines
