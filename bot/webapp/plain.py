"""The bot's HTML message fragments as plain text, for the page to set with textContent."""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<[^>]*>")


def plain(fragment: str) -> str:
    """Tags dropped and entities decoded: text that the page never parses as HTML."""
    return html.unescape(_TAG.sub("", fragment))
