"""Message splitting, Telegram length, plain-text fallback, mute durations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.alerts.mute import parse_duration
from bot.alerts.text import html_to_plain, split_message, telegram_length


def test_short_text_is_one_part() -> None:
    assert split_message("<b>Landed</b>\nBaku") == ["<b>Landed</b>\nBaku"]


def test_long_text_splits_on_line_boundaries() -> None:
    lines = [f"<b>line {i}</b> " + "x" * 90 for i in range(100)]
    parts = split_message("\n".join(lines))
    assert len(parts) == 3
    assert all(telegram_length(part) <= 4096 for part in parts)
    assert "\n".join(parts).split("\n") == lines  # nothing lost, nothing cut mid-line


def test_one_overlong_line_is_cut_on_spaces() -> None:
    text = " ".join(["word"] * 2000)  # 9,999 characters on one line
    parts = split_message(text)
    assert all(telegram_length(part) <= 4096 for part in parts)
    assert " ".join(parts).split() == text.split()


@given(st.lists(st.text(alphabet="абвəıi xyz<>&", max_size=300), max_size=60))
def test_split_never_exceeds_the_limit_nor_loses_words(lines: list[str]) -> None:
    from html import escape

    text = "\n".join(escape(line) for line in lines)
    parts = split_message(text, limit=500)
    assert all(telegram_length(part) <= 500 for part in parts)
    assert "".join(html_to_plain("".join(parts)).split()) == "".join(html_to_plain(text).split())


def test_length_counts_utf16_units_without_tags() -> None:
    assert telegram_length("<b>Bakı</b> &amp; 🛬") == len("Bakı & ") + 2


def test_plain_fallback_keeps_visible_text() -> None:
    assert html_to_plain('<b>A &lt;b&gt;</b> <a href="x">link</a>') == "A <b> link"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        ("90m", timedelta(minutes=90)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1 w", timedelta(weeks=1)),
        ("2H", timedelta(hours=2)),
        ("0h", None),
        ("31d", None),
        ("h", None),
        ("2x", None),
        ("tomorrow", None),
        ("", None),
        ("2h junk", None),
    ],
)
def test_mute_durations(text: str, expected: timedelta | None) -> None:
    assert parse_duration(text) == expected
