"""Publication dates as sources print them, and decoding of bodies."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.statements.dates import parse_date
from bot.statements.encoding import decode_body
from bot.statements.text import html_to_text, shorten

BAKU = ZoneInfo("Asia/Baku")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sat, 11 Jul 2026 13:09:35 +0000", datetime(2026, 7, 11, 13, 9, 35, tzinfo=UTC)),
        ("Sat, 11 Jul 2026 17:09:35 +0400", datetime(2026, 7, 11, 13, 9, 35, tzinfo=UTC)),
        ("2026-08-11T19:00:00+04:00", datetime(2026, 8, 11, 15, 0, tzinfo=UTC)),
        ("2026-08-11T15:00:00Z", datetime(2026, 8, 11, 15, 0, tzinfo=UTC)),
        # Without an offset: the source's zone (Baku, UTC+4).
        ("2026-08-11 19:00", datetime(2026, 8, 11, 15, 0, tzinfo=UTC)),
        ("11.07.2026 13:09", datetime(2026, 7, 11, 9, 9, tzinfo=UTC)),
        ("13:09, 11.07.2026", datetime(2026, 7, 11, 9, 9, tzinfo=UTC)),
        ("11/07/2026", datetime(2026, 7, 10, 20, 0, tzinfo=UTC)),
        ("11 July 2026, 13:09", datetime(2026, 7, 11, 9, 9, tzinfo=UTC)),
        ("July 11, 2026", datetime(2026, 7, 10, 20, 0, tzinfo=UTC)),
        ("11 июля 2026 года, 13:09", datetime(2026, 7, 11, 9, 9, tzinfo=UTC)),
        ("1 мая 2026", datetime(2026, 4, 30, 20, 0, tzinfo=UTC)),
        ("11 iyul 2026", datetime(2026, 7, 10, 20, 0, tzinfo=UTC)),
        ("11 İyun 2026 13:09", datetime(2026, 6, 11, 9, 9, tzinfo=UTC)),
        ("5 avqust 2026", datetime(2026, 8, 4, 20, 0, tzinfo=UTC)),
    ],
)
def test_known_shapes(text: str, expected: datetime) -> None:
    assert parse_date(text, timezone=BAKU) == expected


@pytest.mark.parametrize("text", ["", "tezliklə", "31.02.2026", "11 Blah 2026", "yesterday"])
def test_not_dates(text: str) -> None:
    assert parse_date(text, timezone=BAKU) is None


def test_explicit_format() -> None:
    assert parse_date("2026/07/11 13h09", date_format="%Y/%m/%d %Hh%M", timezone=BAKU) == datetime(
        2026, 7, 11, 9, 9, tzinfo=UTC
    )
    assert parse_date("11.07.2026", date_format="%Y/%m/%d") is None


@pytest.mark.parametrize(
    ("body", "content_type", "encoding", "noted"),
    [
        ("Привет".encode(), None, "utf-8", False),
        (b"\xef\xbb\xbf" + "Привет".encode(), None, "utf-8", False),
        ("Привет мир, переговоры".encode("cp1251"), None, "cp1251", True),
        ("Привет мир, переговоры".encode("koi8_r"), None, "koi8_r", True),
        ("Привет".encode("cp1251"), "text/xml; charset=windows-1251", "cp1251", False),
        ("Привет".encode(), "text/xml; charset=windows-1251", "utf-8", True),
        ("Привет".encode(), "text/xml; charset=no-such-charset", "utf-8", False),
        ("Café".encode("cp1252"), None, "cp1252", True),
        ("<a>Bakı</a>".encode("utf-16-le"), None, "utf-16-le", True),
        (
            '<?xml version="1.0" encoding="windows-1251"?><a>Баку</a>'.encode("cp1251"),
            None,
            "cp1251",
            False,
        ),
        ('<meta charset="windows-1251"><p>Баку</p>'.encode("cp1251"), None, "cp1251", False),
    ],
)
def test_decode_body(body: bytes, content_type: str | None, encoding: str, noted: bool) -> None:
    decoded = decode_body(body, content_type)
    assert decoded.encoding == encoding
    assert (decoded.note is not None) is noted
    assert "\ufffd" not in decoded.text
    assert not decoded.text.startswith("\ufeff")


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Görüşdə <b>regional</b> məsələlər.</p>", "Görüşdə regional məsələlər."),
        ("<p>Baku</p><p>Talks</p>", "Baku Talks"),
        ("Wit<b>koff</b> arrives<br>today", "Witkoff arrives today"),
        ("Tom &amp; Jerry &nbsp; &#8211; show", "Tom & Jerry – show"),
        ("A < B and C > D", "A < B and C > D"),
        ("<script>alert(1)</script><style>p{}</style>Text", "Text"),
        ("  plain\n text  ", "plain text"),
        ("", ""),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


def test_shorten_cuts_at_a_word() -> None:
    assert shorten("short", 10) == "short"
    assert shorten("one two three four", 12) == "one two…"
    assert len(shorten("x" * 50, 10)) == 10
