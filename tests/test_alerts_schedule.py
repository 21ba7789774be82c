"""A chat's clock: zones, quiet periods and the daily digest's moment across DST."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.alerts.schedule import (
    QuietError,
    chat_zone,
    find_zone,
    in_quiet,
    last_daily_moment,
    next_daily_moment,
    parse_clock,
    parse_quiet,
)


def test_zones_by_name_any_case_and_by_language() -> None:
    assert find_zone("europe/berlin") == "Europe/Berlin"
    assert find_zone("Mars/Olympus") is None
    assert find_zone("../../etc/passwd") is None
    assert chat_zone(None, "ru") == "Europe/Moscow"
    assert chat_zone(None, "az") == "Asia/Baku"
    assert chat_zone(None, "en") == "UTC"
    assert chat_zone("America/New_York", "ru") == "America/New_York"


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("23:00", 1380), ("7:05", 425), ("07.05", 425), ("24:00", None), ("25:00", None)],
)
def test_clock_times(text: str, minutes: int | None) -> None:
    assert parse_clock(text) == minutes


@pytest.mark.parametrize(
    ("words", "reason"),
    [
        (["23:00-23:00"], "empty"),
        (["00:00-24:00"], "whole"),
        (["22:00-02:00", "01:00-03:00"], "overlap"),
        (["01:00-02:00", "03:00-04:00"], "several"),
        (["23:00"], "malformed"),
        (["23:60-07:00"], "malformed"),
        (["٢٣:00-07:00"], "malformed"),
        (["23:00-07:00", "sometimes"], "kind"),
        ([], "malformed"),
    ],
)
def test_bad_quiet_periods_are_refused_with_their_reason(words: list[str], reason: str) -> None:
    with pytest.raises(QuietError) as refused:
        parse_quiet(words)
    assert refused.value.reason == reason


def test_a_quiet_period_wraps_midnight_in_the_chat_zone() -> None:
    assert parse_quiet(["23:00-07:00", "landing"]) == (1380, 420, ("landing",))
    baku_midnight = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)  # 00:00 in Baku
    assert in_quiet(1380, 420, baku_midnight, "Asia/Baku")
    assert not in_quiet(1380, 420, baku_midnight, "UTC")
    assert not in_quiet(1380, 420, datetime(2026, 3, 1, 3, 0, tzinfo=UTC), "Asia/Baku")


def test_the_daily_moment_keeps_local_time_across_dst() -> None:
    # Berlin springs forward on 2026-03-29: 08:00 is 07:00 UTC before, 06:00 UTC after.
    before = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    assert next_daily_moment(before, 480, "Europe/Berlin") == datetime(
        2026, 3, 29, 6, 0, tzinfo=UTC
    )
    assert last_daily_moment(before, 480, "Europe/Berlin") == datetime(
        2026, 3, 28, 7, 0, tzinfo=UTC
    )
