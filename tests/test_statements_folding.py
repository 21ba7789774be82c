"""Tokenising, and the word forms of each language (folding: tests/test_textfold.py)."""

from __future__ import annotations

import pytest

from bot.statements.azerbaijani import APOSTROPHE_SUFFIXES, noun_forms, possessed_forms
from bot.statements.english import word_forms
from bot.statements.russian import name_forms
from bot.statements.tokens import Token, hyphen_parts, split_apostrophe, tokenize


def test_tokenize_keeps_names_whole_and_positions_true() -> None:
    text = "Встреча в Абу-Даби; Witkoff's talks, Witkoff'un «səfəri» — G20."
    tokens = tokenize(text)
    assert [t.text for t in tokens] == [
        "Встреча",
        "в",
        "Абу-Даби",
        "Witkoff's",
        "talks",
        "Witkoff'un",
        "səfəri",
        "G20",
    ]
    assert all(text[t.start : t.end] == t.text for t in tokens)


def test_tokenize_keeps_combining_marks_inside_words() -> None:
    decomposed = "I\u0307lham Əliyev"
    assert [t.text for t in tokenize(decomposed)] == ["I\u0307lham", "Əliyev"]


def test_dashes_separate_but_hyphens_join() -> None:
    assert [t.text for t in tokenize("Trump–Putin")] == ["Trump", "Putin"]
    assert [t.text for t in tokenize("Trump-Putin")] == ["Trump-Putin"]


def test_hyphen_parts_keep_offsets() -> None:
    token = tokenize("Саммит Трамп-Путин")[1]
    assert hyphen_parts(token) == [Token("Трамп", 7, 12), Token("Путин", 13, 18)]
    assert hyphen_parts(Token("Баку", 0, 4)) == [Token("Баку", 0, 4)]


def test_split_apostrophe() -> None:
    assert split_apostrophe("witkoff'un") == ("witkoff", "un")
    assert split_apostrophe("witkoff") is None
    assert split_apostrophe("'un") is None


@pytest.mark.parametrize(
    ("stem", "forms"),
    [
        ("bakı", ["bakıda", "bakıya", "bakının", "bakıdan", "bakını", "bakıdakı", "bakıyla"]),
        ("putin", ["putinlə", "putinin", "putinə", "putini", "putində", "putindən"]),
        ("moskva", ["moskvada", "moskvaya", "moskvanın", "moskvadan"]),
        ("əliyev", ["əliyevlə", "əliyevin", "əliyevə", "əliyevlər"]),
        ("uitkoff", ["uitkoffla", "uitkoffun", "uitkoffa", "uitkoffdan"]),
        ("görüş", ["görüşü", "görüşün", "görüşündə", "görüşlər", "görüşləri"]),
        ("danışıq", ["danışıqlar", "danışığı", "danışığında"]),
        ("sammit", ["sammitdə", "sammitin", "sammitə", "sammiti"]),
        ("rubio", ["rubionun", "rubioya", "rubioda", "rubionu"]),
        ("köln", ["kölndə", "kölnün", "kölnə"]),
    ],
)
def test_azerbaijani_forms_follow_harmony(stem: str, forms: list[str]) -> None:
    generated = noun_forms(stem)
    assert set(forms) <= generated


@pytest.mark.parametrize(
    ("stem", "not_forms"),
    [
        ("bakı", ["bakın", "bakida", "bakıdə", "bakıa", "bak"]),
        ("putin", ["putinla", "putinın", "putina"]),
        ("moskva", ["moskvadə", "moskvaın"]),
    ],
)
def test_azerbaijani_forms_reject_wrong_harmony_and_false_friends(
    stem: str, not_forms: list[str]
) -> None:
    assert not set(not_forms) & noun_forms(stem)


def test_possessed_forms_of_compound_names() -> None:
    assert {"mərkəzində", "mərkəzinin", "mərkəzinə"} <= possessed_forms("mərkəzi")
    assert possessed_forms("ev") == frozenset()


def test_apostrophe_suffixes_cover_endings_written_after_names() -> None:
    assert {"un", "ün", "ın", "in", "a", "ə", "da", "dən", "la", "lə", "nın", "ya"} <= (
        APOSTROPHE_SUFFIXES
    )
    assert "n" not in APOSTROPHE_SUFFIXES


@pytest.mark.parametrize(
    ("word", "forms"),
    [
        ("summit", {"summit", "summits"}),
        ("witkoff", {"witkoff", "witkoffs"}),
        ("aliyev", {"aliyev", "aliyevs"}),
        ("address", {"address", "addresses"}),
        ("embassy", {"embassy", "embassies"}),
        ("g20", {"g20"}),
    ],
)
def test_english_forms(word: str, forms: set[str]) -> None:
    assert word_forms(word) == forms


@pytest.mark.parametrize(
    ("name", "forms", "gender"),
    [
        (
            "байрамов",
            {"байрамов", "байрамова", "байрамову", "байрамовым", "байрамове", "байрамовом"},
            "masc",
        ),
        ("захарова", {"захарова", "захаровой", "захарову"}, "femn"),
        ("пашинян", {"пашинян", "пашиняна", "пашиняну", "пашиняном", "пашиняне"}, "masc"),
        ("путин", {"путин", "путина", "путину", "путиным", "путине", "путином"}, "masc"),
        ("зеленский", {"зеленский", "зеленского", "зеленскому", "зеленским", "зеленском"}, "masc"),
        ("габала", {"габала", "габалы", "габале", "габалу", "габалой"}, "femn"),
        ("рубио", {"рубио"}, "masc"),
    ],
)
def test_russian_name_paradigms_by_ending(name: str, forms: set[str], gender: str) -> None:
    assert name_forms(name) == (frozenset(forms), gender)
