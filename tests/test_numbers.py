"""The one strict number parser every command and button uses, and /mute's durations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.alerts.mute import parse_duration
from bot.kernel.numbers import MAX_ROW_ID, looks_numeric, parse_int


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("7", 7),
        ("007", 7),
        ("0" * 5000 + "12", 12),
        ("9223372036854775807", 2**63 - 1),
        ("9223372036854775808", None),
        ("9" * 5000, None),  # beyond int()'s digit limit: refused, not raised
        ("²", None),  # str.isdigit() says yes
        ("٣", None),  # int() says 3
        ("５", None),  # fullwidth
        ("1_000", None),
        ("-1", None),
        ("+1", None),
        (" 1", None),
        ("1.5", None),
        ("", None),
    ],
)
def test_parse_int_takes_ascii_digits_only(text: str, expected: int | None) -> None:
    assert parse_int(text) == expected


def test_parse_int_bounds() -> None:
    assert parse_int("0", low=1) is None
    assert parse_int("2147483647", low=1, high=MAX_ROW_ID) == MAX_ROW_ID
    assert parse_int("2147483648", low=1, high=MAX_ROW_ID) is None
    assert parse_int("21", high=20) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", True), ("²", True), ("٣", True), ("五", True), ("12a", False), ("", False)],
)
def test_looks_numeric(text: str, expected: bool) -> None:
    assert looks_numeric(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("99999999999d", None),  # used to overflow timedelta
        ("9" * 5000 + "h", None),  # used to hit int()'s digit limit
        ("43200m", timedelta(days=30)),
        ("43201m", None),
        ("30d30d", None),
        ("٣h", None),
        ("90min", timedelta(minutes=90)),
        ("1h30min", timedelta(hours=1, minutes=30)),
    ],
)
def test_mute_durations_refuse_what_they_cannot_hold(text: str, expected: timedelta | None) -> None:
    assert parse_duration(text) == expected
