"""Feed items: canonical links, content hashes, guid precedence, UTC times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.statements.items import FeedItem, canonical_url, content_hash


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://www.state.gov/releases/x/?utm_source=rss&utm_medium=rss&utm_campaign=x",
            "https://www.state.gov/releases/x",
        ),
        ("https://apa.az/news/1?id=5&utm_source=tg&lang=en", "https://apa.az/news/1?id=5&lang=en"),
        ("https://www.whitehouse.gov/?p=12345", "https://www.whitehouse.gov/?p=12345"),
        (
            "HTTP://Kremlin.RU/events/president/news/99901",
            "http://kremlin.ru/events/president/news/99901",
        ),
        ("https://report.az/xeber/1/#comments", "https://report.az/xeber/1"),
        ("https://example.org:443/a/", "https://example.org/a"),
        ("http://example.org:8080/a", "http://example.org:8080/a"),
        ("https://example.org", "https://example.org/"),
        ("https://example.org/", "https://example.org/"),
        ("https://example.org/a?fbclid=abc&gclid=def", "https://example.org/a"),
        ("https://example.org/a?q=", "https://example.org/a?q="),
        ("  https://example.org/a  ", "https://example.org/a"),
        ("not a url", "not a url"),
        ("http://[broken/a", "http://[broken/a"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_content_hash_ignores_case_spacing_and_composition() -> None:
    base = content_hash("Putin in Baku", "Talks  began.")
    assert base == content_hash("PUTIN in  Baku ", "talks began.")
    assert content_hash("Bakı", "") == content_hash("Baki\u0307".replace("i\u0307", "ı"), "")
    assert content_hash("e\u0301", "") == content_hash("é", "")  # NFD and NFC
    assert base != content_hash("Putin in Moscow", "Talks began.")
    assert content_hash("A B", "") != content_hash("A", "B")  # the field boundary counts
    assert len(base) == 64


def test_build_prefers_the_guid_then_the_link_then_the_content() -> None:
    with_guid = FeedItem.build(
        source="s", language="en", title="T", url="https://x.org/a/?utm_source=x", guid=" g-1 "
    )
    assert (with_guid.guid, with_guid.url) == ("g-1", "https://x.org/a")
    with_link = FeedItem.build(source="s", language="en", title="T", url="https://x.org/a/")
    assert with_link.guid == "https://x.org/a"
    bare = FeedItem.build(source="s", language="en", title="T", summary="S")
    assert bare.guid == f"sha256:{bare.content_hash}" and bare.url is None


def test_guid_fragments_are_kept() -> None:
    # Some feeds tell items apart only by fragment; the guid is used verbatim.
    item = FeedItem.build(source="s", language="en", title="T", guid="https://x.org/p#item-2")
    assert item.guid == "https://x.org/p#item-2"


def test_overlong_values_are_bounded() -> None:
    item = FeedItem.build(source="s", language="en", title="T" * 5000, guid="g" * 2000)
    assert len(item.title) == 2048
    assert item.guid.startswith("sha256:") and len(item.guid) == 71


def test_published_is_converted_to_utc() -> None:
    baku = timezone(timedelta(hours=4))
    item = FeedItem.build(
        source="s", language="az", title="T", published=datetime(2026, 7, 11, 17, 9, tzinfo=baku)
    )
    assert item.published == datetime(2026, 7, 11, 13, 9, tzinfo=UTC)
    assert item.published is not None and item.published.tzinfo is UTC


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FeedItem.build(source="s", language="en", title="T", published=datetime(2026, 7, 11))
    with pytest.raises(ValueError, match="aware UTC"):
        FeedItem("s", "g", None, "T", "", datetime(2026, 7, 11), "en", content_hash("T", ""))


def test_text_is_nfc() -> None:
    item = FeedItem.build(source="s", language="en", title="Caf" + "e\u0301", summary="I\u0307lham")
    assert (item.title, item.summary) == ("Caf\u00e9", "\u0130lham")
