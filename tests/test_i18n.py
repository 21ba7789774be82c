"""Languages: locale choice, real catalogs, plural rules, CLDR dates and places."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.kernel.i18n import normalize_language, resolve_locale, translator
from tools.catalogs import problems


def test_catalogs_are_complete_current_and_compiled() -> None:
    """Fails when a .po misses a message, has a fuzzy or empty entry, or its .mo is stale."""
    assert list(problems()) == []


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("ru", "ru"),
        ("ru-RU", "ru"),
        ("az", "az"),
        ("az-Latn-AZ", "az"),
        ("en-GB", "en"),
        ("de", None),
        ("", None),
        (None, None),
        ("xx-!!", None),
    ],
)
def test_telegram_language_codes_map_to_ours(code: str | None, expected: str | None) -> None:
    assert normalize_language(code) == expected


@pytest.mark.parametrize(
    ("chat", "user", "default", "expected"),
    [
        ("az", "ru", "en", "az"),  # the chat's choice wins
        (None, "ru-RU", "en", "ru"),  # then the user's language
        (None, "de", "az", "az"),  # then the default
        (None, None, "en", "en"),
    ],
)
def test_locale_order(chat: str | None, user: str | None, default: str, expected: str) -> None:
    assert resolve_locale(chat, user, default) == expected


def test_messages_are_really_translated() -> None:
    assert translator("ru")._("All commands") == "Все команды"
    assert translator("az")._("All commands") == "Bütün əmrlər"
    assert translator("en")._("All commands") == "All commands"
    assert (
        translator("ru")
        ._("Hello, {name}! I am summitwatch.", name="Анна")
        .startswith("Здравствуйте, Анна!")
    )


def test_local_and_utc_times_in_three_languages() -> None:
    takeoff = datetime(2025, 3, 13, 22, 54, tzinfo=UTC)
    assert translator("en").local_and_utc(takeoff, "Europe/Moscow") == (
        "01:54 Moscow time (22:54 UTC)"
    )
    assert translator("ru").local_and_utc(takeoff, "Europe/Moscow") == (
        "01:54 по местному времени (Москва), 22:54 UTC"
    )
    landing = datetime(2025, 3, 14, 1, 30, tzinfo=UTC)
    assert translator("az").local_and_utc(landing, "Asia/Baku") == (
        "Bakı vaxtı ilə 05:30 (01:30 UTC)"
    )


def test_cities_and_countries_come_from_cldr() -> None:
    assert translator("ru").city("Asia/Baku") == "Баку"
    assert translator("az").city("Asia/Baku") == "Bakı"
    assert translator("ru").country("AZ") == "Азербайджан"
    assert translator("az").country("RU") == "Rusiya"


def test_unknown_locale_falls_back_to_english() -> None:
    assert translator("de").locale == "en"


def test_a_share_with_decimals_keeps_each_languages_percent_pattern() -> None:
    assert translator("en").percent(0.999, decimals=1) == "99.9%"
    assert translator("ru").percent(0.999, decimals=1) == "99,9\u00a0%"
    assert translator("az").percent(0.999, decimals=1) == "99,9%"
    assert translator("ru").percent(0.72) == "72\u00a0%"
