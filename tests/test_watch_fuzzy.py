"""Fuzzy multilingual lookup of names typed in commands."""

from __future__ import annotations

import pytest

from bot.watch.fuzzy import Candidate, find

PEOPLE = [
    Candidate("witkoff", ("Steve Witkoff", "Witkoff", "Стив Уиткофф", "Уиткофф", "Stiv Uitkoff")),
    Candidate("putin", ("Vladimir Putin", "Putin", "Владимир Путин", "Путин", "Vladimir Putin")),
    Candidate("aliyev", ("Ilham Aliyev", "Ильхам Алиев", "İlham Əliyev", "Əliyev")),
]


@pytest.mark.parametrize(
    ("query", "expected", "how"),
    [
        ("witkoff", ("witkoff",), "exact"),
        ("WITKOFF", ("witkoff",), "exact"),
        ("Уиткофф", ("witkoff",), "exact"),
        ("Уиткоффа", ("witkoff",), "prefix"),  # Russian genitive
        ("Uitkoffla", ("witkoff",), "prefix"),  # Azerbaijani instrumental
        ("witkof", ("witkoff",), "prefix"),  # typed-out start
        ("Witkopf", ("witkoff",), "close"),  # typo
        ("ILHAM ALIYEV", ("aliyev",), "exact"),  # dotted/dotless I and ə merged
        ("Əliyevlə", ("aliyev",), "prefix"),
        ("Алиевым", ("aliyev",), "prefix"),
        ("Путиным", ("putin",), "prefix"),
        ("Macron", (), "none"),
        ("Pu", (), "none"),  # too short to be a prefix of anything
        ("", (), "none"),
    ],
)
def test_find(query: str, expected: tuple[str, ...], how: str) -> None:
    match = find(query, PEOPLE)
    assert (match.keys, match.how) == (expected, how)


def test_ambiguous_queries_return_every_candidate() -> None:
    candidates = [Candidate("a", ("Alpha One",)), Candidate("b", ("Alpha Two",))]
    assert find("alpha", candidates).keys == ("a", "b")


@pytest.mark.parametrize(("query", "key"), [("Lech Walesa", "walesa"), ("Tromso", "tromso")])
def test_letters_without_a_decomposition_are_typed_plain(query: str, key: str) -> None:
    # "ł" and "ø" have no Unicode decomposition: the shared skeleton maps them itself.
    candidates = [Candidate("walesa", ("Lech Wałęsa",)), Candidate("tromso", ("Tromsø",))]
    match = find(query, candidates)
    assert (match.keys, match.how) == ((key,), "exact")
