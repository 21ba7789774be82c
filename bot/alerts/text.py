"""Text shared by the renderers: Telegram's limits (split long messages on line boundaries,
cut long titles at a word, strip HTML for fallback) and moments as local and UTC time."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_skeleton

from bot.kernel.i18n import Translator

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


def cut_at_word(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut after a whole word and marked with "…".

    A text without a space in its second half (one very long word) is cut hard.
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def dated_moment(moment: datetime, zone: str, t: Translator, *, day: bool = True) -> str:
    """'14 Mar 2025, 01:54 Moscow time (13 Mar, 22:54 UTC)': one format for every alert.

    The date is the place's; the UTC clock gets its own date only when that differs,
    so a reader in UTC never takes a late-evening event for the next day's. Where the
    zone is unknown ("UTC") it is the date and time in UTC alone: '7 Dec 2026, 07:39 UTC'.
    `day=False` leaves the place's date out (the line above already gave it).
    """
    zone_info = ZoneInfo(zone)
    local = moment.astimezone(zone_info)
    prefix = f"{format_date(local, 'medium', locale=t.locale)}, " if day else ""
    utc = moment.astimezone(UTC)
    utc_time = format_datetime(utc, "HH:mm", tzinfo=UTC, locale=t.locale)
    if zone == "UTC":
        return prefix + t._("{time} UTC", time=utc_time)
    if utc.date() != local.date():
        utc_time = f"{format_skeleton('MMMd', utc, locale=t.locale)}, {utc_time}"
    local_time = format_datetime(local, "HH:mm", tzinfo=zone_info, locale=t.locale)
    return prefix + t._(
        "{time} {city} time ({utc_time} UTC)", time=local_time, city=t.city(zone), utc_time=utc_time
    )
