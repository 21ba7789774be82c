"""Statement alerts and lists: the frame in the chat's language, the statement's words as
published (escaped), times in the source's zone and UTC; the pure event helpers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.alerts.render import render
from bot.alerts.text import html_to_plain
from bot.kernel.i18n import translator
from bot.statements import statement_event as events
from bot.statements.items import FeedItem
from bot.statements.matcher import Matcher
from bot.statements.terms import person, place

PUBLISHED = datetime(2025, 3, 13, 22, 54, tzinfo=UTC)  # 01:54 in Moscow, 02:54 in Baku
TITLE = "Владимир Путин провёл встречу со Стивом Уиткоффом"
WITKOFF_NAMES = {"en": "Steve Witkoff", "ru": "Стив Уиткофф", "az": "Stiv Uitkoff"}
MATCHER = Matcher(
    [
        person("witkoff", WITKOFF_NAMES, {"ru": ["Уиткофф"]}),
        place("baku", {"en": "Baku", "ru": "Баку", "az": "Bakı"}),
    ]
)


def kremlin_payload(**changes: Any) -> dict[str, Any]:
    item = FeedItem.build(
        source="kremlin-ru",
        language="ru",
        title=TITLE,
        summary="Встреча прошла в Кремле. Обсуждались вопросы урегулирования.",
        url="http://kremlin.ru/events/president/news/76461",
        published=PUBLISHED,
    )
    result = MATCHER.match_item(item)
    payload = events.alert(
        item,
        result,
        statement_id=7,
        revision=1,
        source=events.SourceInfo("kremlin-ru", True, "RU", events.source_zone("RU")),
        fetched_at=PUBLISHED + timedelta(minutes=3),
        names={("person", "witkoff"): WITKOFF_NAMES},
    ).to_json()
    payload.update(changes)
    return payload


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "en",
            [
                "🏛 kremlin-ru · official source: Steve Witkoff, meeting",
                "Original text (Russian):",
                TITLE,
                "Встреча прошла в Кремле.",
                "🕑 Published Mar 14, 2025, 01:54 Moscow time (Mar 13, 22:54 UTC)",
                "🔎 People: Steve Witkoff («Стивом Уиткоффом»)",
                "🔎 Meeting words: meeting",
                "Read at the source",
            ],
        ),
        (
            "az",
            [
                "🏛 kremlin-ru · rəsmi mənbə: Stiv Uitkoff, görüş",
                "Orijinal mətn (rus):",
                TITLE,
                "Встреча прошла в Кремле.",
                "🕑 Dərc olunub: 14 mar 2025, Moskva vaxtı ilə 01:54 (13 mar, 22:54 UTC)",
                "🔎 Şəxslər: Stiv Uitkoff («Стивом Уиткоффом»)",
                "🔎 Görüş sözləri: görüş",
                "Mənbədə oxuyun",
            ],
        ),
    ],
)
def test_the_frame_is_localized_and_the_title_stays_russian(
    locale: str, expected: list[str]
) -> None:
    text = render("statement", kremlin_payload(), translator(locale)).text
    assert html_to_plain(text).split("\n") == expected
    assert '<a href="http://kremlin.ru/events/president/news/76461">' in text


def test_russian_chat_sees_its_own_words_around_the_original() -> None:
    plain = html_to_plain(render("statement", kremlin_payload(), translator("ru")).text)
    assert plain.startswith("🏛 kremlin-ru · официальный источник: Стив Уиткофф, встреча\n")
    assert "Оригинал (русский):" in plain
    published = (
        "🕑 Опубликовано 14 мар. 2025 г., 01:54 по местному времени (Москва), 13 мар., 22:54 UTC"
    )
    assert published in plain.replace("\u202f", " ")


def test_publisher_text_is_escaped_and_only_web_links_are_linked() -> None:
    payload = kremlin_payload(
        title="<b>Bold</b> & <script>alert(1)</script>",
        lead="a < b",
        url="javascript:alert(1)",
    )
    text = render("statement", payload, translator("en")).text
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;script&gt;" in text
    assert "a &lt; b" in text
    assert "javascript:" not in text and "<a " not in text


def test_an_edit_says_so_and_an_undated_item_shows_when_it_was_seen() -> None:
    payload = kremlin_payload(revision=2, published=None)
    lines = html_to_plain(render("statement", payload, translator("en")).text).split("\n")
    assert lines[1] == "✏️ Updated after publication: what it mentions changed."
    assert lines[-4] == (
        "🕑 Seen Mar 14, 2025, 01:57 Moscow time (Mar 13, 22:57 UTC) (the source gives no time)"
    )


def test_a_news_agency_in_utc_and_a_place_named_in_its_own_words() -> None:
    item = FeedItem.build(
        source="apa-az", language="az", title="Nümayəndə heyəti Bakıya gəlib", published=PUBLISHED
    )
    payload = events.alert(
        item,
        MATCHER.match_item(item),
        statement_id=8,
        revision=1,
        source=events.SourceInfo("apa-az", False, None, events.source_zone(None)),
        fetched_at=PUBLISHED,
        names={("place", "baku"): {"en": "Baku", "ru": "Баку", "az": "Bakı"}},
    ).to_json()
    lines = html_to_plain(render("statement", payload, translator("en")).text).split("\n")
    assert lines[0] == "📰 apa-az · news agency: Baku"
    # The same format as a source with a zone: no seconds, no AM/PM.
    assert "🕑 Published Mar 13, 2025, 22:54 UTC" in lines
    assert "🔎 Places: Baku («Bakıya»)" in lines


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("Встреча прошла в Кремле. Обсуждались вопросы.", "Встреча прошла в Кремле."),
        ("The U.S. envoy met Mr. Putin. Talks followed.", "The U.S. envoy met Mr. Putin."),
        ("Prezident İlham Əliyev görüşüb. Söhbət olub.", "Prezident İlham Əliyev görüşüb."),
        ("No full stop at all", "No full stop at all"),
        ("", ""),
        ("word " * 200, ("word " * 200)[:299].rsplit(" ", 1)[0] + "…"),
    ],
)
def test_first_sentence(text: str, first: str) -> None:
    assert events.first_sentence(text) == first


def test_zones_of_sources() -> None:
    assert events.source_zone("RU") == "Europe/Moscow"
    assert events.source_zone("az") == "Asia/Baku"
    assert events.source_zone("US") == "America/New_York"
    assert events.source_zone("GE") == "Asia/Tbilisi"  # one zone: CLDR's
    assert events.source_zone(None) == "UTC"
    assert events.source_zone("RU", "Asia/Baku") == "Asia/Baku"


def test_dedup_key_ignores_rewording_but_not_a_new_name() -> None:
    first = MATCHER.match("Встреча со Стивом Уиткоффом", "", "ru")
    reworded = MATCHER.match("Стив Уиткофф: встреча в Кремле", "", "ru")
    moved = MATCHER.match("Встреча со Стивом Уиткоффом в Баку", "", "ru")
    assert events.keys(7, first) == events.keys(7, reworded)
    assert events.keys(7, first)[0] != events.keys(7, moved)[0]
    assert events.keys(7, first)[1] == events.keys(7, moved)[1] == "statement:7"


def test_freshness() -> None:
    now = PUBLISHED + timedelta(hours=3)
    item = FeedItem.build(source="s", language="en", title="t", published=PUBLISHED)
    undated = FeedItem.build(source="s", language="en", title="t")
    rules = {"max_age": timedelta(days=2), "baseline_age": timedelta(hours=6)}
    assert events.is_fresh(item, now=now, baseline=True, **rules)
    assert not events.is_fresh(item, now=now + timedelta(hours=4), baseline=True, **rules)
    assert events.is_fresh(item, now=now + timedelta(hours=4), baseline=False, **rules)
    assert not events.is_fresh(item, now=now + timedelta(days=3), baseline=False, **rules)
    assert events.is_fresh(undated, now=now, baseline=False, **rules)
    assert not events.is_fresh(undated, now=now, baseline=True, **rules)
