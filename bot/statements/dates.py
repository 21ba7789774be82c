"""Publication dates in the shapes official sources print them.

Feeds are parsed by feedparser (RFC 822 with offsets, RFC 3339); this module is
the fallback for what it leaves unparsed and the parser for HTML listings:
RFC 822 ("Sat, 11 Jul 2026 13:09:35 +0400"), ISO 8601 / RFC 3339
("2026-08-11T19:00:00+04:00"), numeric day-first dates ("11.07.2026 13:09",
as Russian and Azerbaijani sites write them) and dates with month names in
English, Russian or Azerbaijani ("11 July 2026", "11 июля 2026", "11 iyul 2026",
"July 11, 2026"). A time without an offset is read in the source's time zone.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from email.utils import parsedate_to_datetime

from bot.kernel.textfold import fold

# Stems that start each month's name in English, Azerbaijani and Russian.
_MONTH_STEMS: dict[str, int] = {}
for _number, _stems in enumerate(
    (
        ("jan", "yan", "янв"),
        ("feb", "fev", "фев"),
        ("mar", "мар"),
        ("apr", "апр"),
        ("may", "мая", "май"),
        ("jun", "iyun", "июн"),
        ("jul", "iyul", "июл"),
        ("aug", "avq", "авг"),
        ("sep", "sen", "сен"),
        ("oct", "okt", "окт"),
        ("nov", "noy", "ноя"),
        ("dec", "dek", "дек"),
    ),
    start=1,
):
    for _stem in _stems:
        _MONTH_STEMS[_stem] = _number

_TIME_RE = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?::(\d{2}))?(?!\d)")
_NUMERIC_RE = re.compile(r"(?<!\d)(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?!\d)")
_ISO_DAY_RE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DAY_MONTH_YEAR_RE = re.compile(r"(?<!\d)(\d{1,2})\s+([^\W\d_]+)\.?,?\s+(\d{4})(?!\d)")
_MONTH_DAY_YEAR_RE = re.compile(r"([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})(?!\d)")


def _month(word: str) -> int | None:
    folded = fold(word, "az")
    return _MONTH_STEMS.get(folded[:4]) or _MONTH_STEMS.get(folded[:3])


def _to_utc(value: datetime, timezone: tzinfo) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone)
    return value.astimezone(UTC)


def _day(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) from the forms this module knows."""
    if match := _ISO_DAY_RE.search(text):
        return int(match[1]), int(match[2]), int(match[3])
    if match := _NUMERIC_RE.search(text):
        return int(match[3]), int(match[2]), int(match[1])
    if (match := _DAY_MONTH_YEAR_RE.search(text)) and (month := _month(match[2])):
        return int(match[3]), month, int(match[1])
    if (match := _MONTH_DAY_YEAR_RE.search(text)) and (month := _month(match[1])):
        return int(match[3]), month, int(match[2])
    return None


def parse_date(
    text: str, *, date_format: str | None = None, timezone: tzinfo = UTC
) -> datetime | None:
    """Parse a publication date.

    Args:
        text: the date as printed.
        date_format: a `strptime` format to use instead of the known shapes.
        timezone: the zone of times printed without an offset.

    Returns:
        An aware UTC datetime, or None when the text is not a date.
    """
    text = " ".join(text.split())
    if not text:
        return None
    if date_format:
        try:
            return _to_utc(datetime.strptime(text, date_format), timezone)
        except ValueError:
            return None
    try:
        return _to_utc(parsedate_to_datetime(text), timezone)
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return _to_utc(datetime.fromisoformat(text), timezone)
    except ValueError:
        pass
    day = _day(text)
    if day is None:
        return None
    hour = minute = second = 0
    if match := _TIME_RE.search(text):
        hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    try:
        return _to_utc(datetime(*day, hour, minute, second), timezone)
    except ValueError:
        return None
