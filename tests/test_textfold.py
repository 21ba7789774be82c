"""The shared folding behind watch, statement and venue matching (bot/kernel/textfold.py)."""

from __future__ import annotations

import pytest

from bot.kernel.textfold import fold, skeleton


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("BAKI", "az", "bakı"),
        ("İlham", "az", "ilham"),
        ("İLHAM ƏLİYEV", "az", "ilham əliyev"),
        ("ƏLİYEV", "az", "əliyev"),
        ("ISTANBUL", "tr", "ıstanbul"),
        ("BAKI", "en", "baki"),
        ("BAKI", None, "baki"),
        ("İlham", "en", "ilham"),  # no stray combining dot outside Turkic text either
        ("İlham", None, "ilham"),
        ("I\u0307lham", "az", "ilham"),  # decomposed İ
        ("i\u0307lham", "az", "ilham"),  # decomposed, already lower case
        ("ǝliyev", "az", "əliyev"),  # turned e typed for schwa
        ("ƎLİYEV", "az", "əliyev"),
        ("Алёна Ёлкина", "ru", "алена елкина"),
        ("Witkoff’s", "en", "witkoff's"),
        ("Witkoff`un", "az", "witkoff'un"),
        ("Нью\u2011Йорк", "ru", "нью-йорк"),
        ("ﬁnal", "en", "final"),  # NFKC: ligature
        ("Straße", "en", "strasse"),
        ("Straße", None, "strasse"),
        ("Ｇ２０", "en", "g20"),  # full-width forms
        (" Baku ", None, " baku "),  # positions matter to callers: no stripping
    ],
)
def test_fold_follows_the_language(text: str, language: str | None, expected: str) -> None:
    assert fold(text, language) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BAKI", "baki"),
        ("Bakı", "baki"),
        ("bakı", "baki"),
        ("Bakú", "baku"),
        ("İlham  Əliyev!", "ilham eliyev"),
        ("Ёлкин", "елкин"),
        ("Əbu-Dabi", "ebu dabi"),
        ("Улан-Батор", "улан батор"),
        ("Budapeşt", "budapest"),
        ("ǝliyev", "eliyev"),  # the turned-e stand-in for ə
        ("Łódź", "lodz"),  # letters without a Unicode decomposition
        ("Tromsø", "tromso"),
        ("Witkoffʼun", "witkoff un"),  # modifier-letter apostrophe is a separator
        ("  ", ""),
    ],
)
def test_skeleton_drops_case_diacritics_and_punctuation(text: str, expected: str) -> None:
    assert skeleton(text) == expected
