"""Telegram text limits: split long messages on line boundaries, strip HTML for fallback."""

from __future__ import annotations

import html
import re

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024

_TAG = re.compile(r"<[^>]+>")


def telegram_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units of the text without HTML tags."""
    visible = html.unescape(_TAG.sub("", text))
    return len(visible.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split into parts of at most `limit` visible characters, on line boundaries.

    Our renderers only use inline tags that open and close on one line, so a split
    between lines never cuts a tag. A single line over the limit (rare: a very long
    title) is cut on spaces, then hard.
    """
    if telegram_length(text) <= limit:
        return [text]
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for line in _lines_within(text.split("\n"), limit):
        length = telegram_length(line) + (1 if current else 0)
        if current and size + length > limit:
            parts.append("\n".join(current).strip("\n"))
            current, size = [], 0
            length = telegram_length(line)
        current.append(line)
        size += length
    if current:
        parts.append("\n".join(current).strip("\n"))
    return [part for part in parts if part]


def _lines_within(lines: list[str], limit: int) -> list[str]:
    out: list[str] = []
    for line in lines:
        while telegram_length(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            out.append(line[:cut])
            line = line[cut:].lstrip(" ")
        out.append(line)
    return out


def html_to_plain(text: str) -> str:
    """The visible text of our HTML, for resending after a parse error."""
    return html.unescape(_TAG.sub("", text))
