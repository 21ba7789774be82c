"""The language of a new source, guessed from its items (bot/statements/language_guess)."""

from __future__ import annotations

import pytest

from bot.statements.language_guess import guess_language


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["Владимир Путин провёл переговоры с Уиткоффом в Кремле"], "ru"),
        # Latin names inside Russian headlines do not make them English.
        (["Песков: встреча с Steve Witkoff и Jared Kushner прошла в Москве"], "ru"),
        (["İlham Əliyev Bakıda ABŞ-ın xüsusi nümayəndəsini qəbul edib"], "az"),
        (["Prezident İlham Əliyev", "Xarici İşlər Nazirliyinin bəyanatı"], "az"),
        (["The Secretary met the Special Envoy in Baku to discuss the summit"], "en"),
        # One quoted Azerbaijani name in English prose stays English.
        (["The president of Azerbaijan, Ilham Aliyev (İlham Əliyev), received the envoy"], "en"),
    ],
)
def test_each_language_is_told_by_its_letters(texts: list[str], expected: str) -> None:
    assert guess_language(texts) == expected


def test_too_few_letters_is_no_guess() -> None:
    assert guess_language(["12.03.2025", "—", "Baku 05:30"]) is None
    assert guess_language([]) is None
