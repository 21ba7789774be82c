"""Plain text from the HTML that feeds put in titles and summaries."""

from __future__ import annotations

import re

from bot.alerts.text import cut_at_word

# Block-level tags end a word: "<p>Baku</p><p>Talks</p>" must not become "BakuTalks",
# while inline tags must not split one: "Wit<b>koff</b>" stays "Witkoff".
_BLOCK_TAG_RE = re.compile(
    r"<(?=/?(?:p|div|br|hr|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|section|article|"
    r"header|footer|figure|figcaption|img|dd|dt|dl|pre)\b)",
    re.IGNORECASE,
)
_MARKUP_HINT_RE = re.compile(r"<[A-Za-z/!]|&[#A-Za-z]")


def collapse_whitespace(text: str) -> str:
    """One space between words, none at the ends (also for NBSP and line breaks)."""
    return " ".join(text.split())


def html_to_text(html: str) -> str:
    """The readable text of an HTML fragment, on one line.

    Scripts and styles are dropped, entities decoded, block elements separated
    by a space. Text without markup is only re-spaced, so a plain title such as
    "A < B" survives.

    Args:
        html: an HTML fragment or plain text.

    Returns:
        Plain text with collapsed whitespace.
    """
    if not _MARKUP_HINT_RE.search(html):
        return collapse_whitespace(html)
    # Imported here: only the statement poller parses HTML (issue 13: idle memory).
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(_BLOCK_TAG_RE.sub(" <", html))
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    root = tree.body or tree.root
    if root is None:
        return ""
    return collapse_whitespace(root.text(separator=""))


def shorten(text: str, limit: int) -> str:
    """Cut text to at most `limit` characters at a word boundary, marking the cut."""
    return cut_at_word(text, limit)
