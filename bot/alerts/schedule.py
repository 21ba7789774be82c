"""A chat's clock: its time zone, quiet hours and daily digest time (pure).

Times of day are minutes after local midnight. Quiet hours may wrap midnight
(23:00-07:00). The daily digest's moment is computed from the local date and time in
the chat's zone, so 08:00 stays 08:00 on both sides of a DST change (the day between
two digests is then 23 or 25 hours long, and no event falls into two digests or none).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from bot.kernel.numbers import parse_int

DAY_MINUTES = 24 * 60
# The zone a chat gets from its language until it sets one with /tz.
LANGUAGE_ZONES = {"en": "UTC", "ru": "Europe/Moscow", "az": "Asia/Baku"}
# Kinds a chat may let through its quiet hours; an emergency squawk always does.
URGENT_CHOICES = (
    "takeoff",
    "landing",
    "signal_lost",
    "signal_regained",
    "statement",
    "venue_change",
    "linked",
)
ALWAYS_URGENT = frozenset({"emergency"})
_CLOCK = re.compile(r"([0-9]{1,2})[:.]([0-9]{2})")


@cache
def _zones() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def find_zone(text: str) -> str | None:
    """The IANA zone named by `text` (any case: "europe/berlin"), or None.

    Only names in the tz database: a path-like or made-up name never reaches ZoneInfo.
    """
    return _zones().get(text.strip().casefold())


def chat_zone(tz: str | None, locale: str) -> str:
    """The chat's zone: its /tz choice, else its language's."""
    if tz and find_zone(tz):
        return tz
    return LANGUAGE_ZONES.get(locale, "UTC")


def parse_clock(text: str, *, end: bool = False) -> int | None:
    """'23:00', '7:05', '07.05' → minutes after midnight; '24:00' only as an end."""
    match = _CLOCK.fullmatch(text.strip())
    if match is None:
        return None
    hours, minutes = parse_int(match.group(1), high=24), parse_int(match.group(2), high=59)
    if hours is None or minutes is None:
        return None
    value = hours * 60 + minutes
    if value > DAY_MINUTES or (value == DAY_MINUTES and not end):
        return None
    return value


def clock_text(minutes: int) -> str:
    """Minutes after midnight as 'HH:MM'."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class QuietError(ValueError):
    """Why a quiet period was refused: malformed, empty, whole day, or overlapping."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _period(text: str) -> tuple[int, int]:
    parts = text.split("-")
    if len(parts) != 2:
        raise QuietError("malformed")
    start, end = parse_clock(parts[0]), parse_clock(parts[1], end=True)
    if start is None or end is None:
        raise QuietError("malformed")
    if start == 0 and end == DAY_MINUTES:
        raise QuietError("whole")
    end %= DAY_MINUTES
    if start == end:
        raise QuietError("empty")
    return start, end


def _minutes_of(start: int, end: int) -> set[int]:
    if start < end:
        return set(range(start, end))
    return set(range(start, DAY_MINUTES)) | set(range(end))


def parse_quiet(words: Iterable[str]) -> tuple[int, int, tuple[str, ...]]:
    """'23:00-07:00 [urgent kinds...]' → (start, end, kinds); raises QuietError.

    One period a day: two that overlap are refused as overlapping, two apart as
    more than one (the digest is sent at the end of the one period).
    """
    periods, kinds = [], []
    for word in words:
        lowered = word.strip().lower()
        if not lowered:
            continue
        if any(char.isdigit() for char in lowered):
            periods.append(_period(lowered))
        elif lowered in URGENT_CHOICES:
            kinds.append(lowered)
        else:
            raise QuietError("kind")
    if not periods:
        raise QuietError("malformed")
    if len(periods) > 1:
        first, second = (_minutes_of(*period) for period in periods[:2])
        raise QuietError("overlap" if first & second else "several")
    start, end = periods[0]
    return start, end, tuple(dict.fromkeys(kinds))


def local_minutes(moment: datetime, zone: str) -> int:
    """Minutes after local midnight at `moment` in `zone`."""
    local = moment.astimezone(ZoneInfo(zone))
    return local.hour * 60 + local.minute


def in_quiet(start: int | None, end: int | None, moment: datetime, zone: str) -> bool:
    """Whether `moment` falls in the quiet hours [start, end) of `zone`'s local day."""
    if start is None or end is None or start == end:
        return False
    now = local_minutes(moment, zone)
    if start < end:
        return start <= now < end
    return now >= start or now < end


def urgent_kinds(stored: str | None) -> frozenset[str]:
    """The chat's stored urgent kinds, plus those always urgent."""
    chosen = {kind for kind in (stored or "").split(",") if kind}
    return ALWAYS_URGENT | chosen


def alert_kind(event_type: str, payload: Mapping[str, Any]) -> str:
    """The kind quiet hours judge an alert by: a flight's kind, else its event type."""
    if event_type == "flight":
        return str(payload.get("kind", ""))
    return event_type


def daily_moment(local_day: datetime, at: int, zone: str) -> datetime:
    """The UTC moment of local time `at` on `local_day`'s date in `zone`.

    A time skipped by a DST change (02:30 on a spring-forward night) is taken with the
    offset before the change, as zoneinfo does: the digest comes an hour "early".
    """
    tz = ZoneInfo(zone)
    wall = datetime.combine(local_day.date(), time(at // 60, at % 60), tzinfo=tz)
    return wall.astimezone(UTC)


def last_daily_moment(now: datetime, at: int, zone: str) -> datetime:
    """The latest moment at or before `now` when the local clock read `at`."""
    local_now = now.astimezone(ZoneInfo(zone))
    today = daily_moment(local_now, at, zone)
    if today <= now:
        return today
    return daily_moment(local_now - timedelta(days=1), at, zone)


def next_daily_moment(now: datetime, at: int, zone: str) -> datetime:
    """The first moment after `now` when the local clock reads `at`."""
    local_now = now.astimezone(ZoneInfo(zone))
    for days in range(3):
        moment = daily_moment(local_now + timedelta(days=days), at, zone)
        if moment > now:
            return moment
    raise AssertionError("a local time recurs within three days")
