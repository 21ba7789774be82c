"""Pure helpers of the watchlist commands: confidence words, sources as links, paging."""

from __future__ import annotations

import pytest

from bot.kernel.i18n import translator
from bot.watch.confidence import confidence_label, parse_confidence
from bot.watch.watchlist_text import MESSAGE_BUDGET, pages, source_html, watchlist_pages
from storage.models import Aircraft, LinkConfidence, Person


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("believed", LinkConfidence.BELIEVED),
        ("Предположительно", LinkConfidence.BELIEVED),
        ("ehtimal", LinkConfidence.BELIEVED),
        ("CONFIRMED", LinkConfidence.CONFIRMED),
        ("подтверждён", LinkConfidence.CONFIRMED),
        ("təsdiqlənib", LinkConfidence.CONFIRMED),
        ("sure", None),
        ("", None),
    ],
)
def test_confidence_words_in_three_languages(word: str, expected: LinkConfidence | None) -> None:
    assert parse_confidence(word) == expected


def test_confidence_labels_follow_the_chat_language() -> None:
    assert confidence_label("believed", translator("ru")) == "предположительно"
    assert confidence_label("confirmed", translator("az")) == "təsdiqlənib"
    assert confidence_label("rumoured", translator("en")) == "rumoured"


def test_sources_become_links_and_everything_is_escaped() -> None:
    html = source_html('https://example.org/a?b=1&c="2" (as of 2025-03) <b>')
    assert html == (
        '<a href="https://example.org/a?b=1&amp;c=&quot;2&quot;">'
        "https://example.org/a?b=1&amp;c=&quot;2&quot;</a> (as of 2025-03) &lt;b&gt;"
    )
    assert source_html(None) == "" and source_html("analyst via /track") == "analyst via /track"


def test_pages_split_between_blocks_within_telegrams_limit() -> None:
    blocks = ["x" * 1000 for _ in range(8)]
    found = pages(blocks, separator="\n\n")
    assert all(len(page) <= MESSAGE_BUDGET for page in found)
    assert "\n\n".join(found) == "\n\n".join(blocks)
    assert len(found) == 3
    assert pages([]) == [] and pages(["one", "two"]) == ["one\ntwo"]


def test_the_aircraft_heading_never_ends_a_message() -> None:
    t = translator("en")
    heading = "<b>Aircraft watched</b>"
    # One person whose line leaves room for the heading but not for the first aircraft.
    people_part = len("<b>People watched</b>\n• <b>Envoy</b> — ")
    role = "x" * (MESSAGE_BUDGET - people_part - len("\n" + heading) - 5)
    envoy = Person(id=1, slug="envoy", names={"en": "Envoy"}, aliases={}, roles={"en": role})
    fleet = [Aircraft(hex="ffa001", registration="DEMO1")]
    first, second = watchlist_pages([envoy], fleet, [], t)
    assert first.endswith(role)
    assert second.startswith(heading + "\n• ")
