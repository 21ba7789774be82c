"""Translations never ask a name in a placeholder to take a grammatical case.

Names reach the catalogs in their dictionary form ("Москва", "Стив Уиткофф"): a
Russian preposition before one ("Из {origin}" → "Из Москва") or an Azerbaijani case
suffix after one ("{place}dan") makes a sentence no native speaker would write. Such
texts must use the label form ("Откуда: {origin}").
"""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from tools.catalogs import po_path

# Placeholders that carry declinable names (people, places, things followed);
# codes, times, numbers and dates are not declined and may follow a preposition.
NAME_PLACEHOLDERS = r"\{(?:place|origin|who|what|person|people|name|names|venue|city|country)\}"
RUSSIAN_PREPOSITIONS = [
    "без",
    "в",
    "во",
    "вблизи",
    "возле",
    "для",
    "до",
    "за",
    "из",
    "к",
    "ко",
    "между",
    "на",
    "над",
    "о",
    "об",
    "около",
    "от",
    "по",
    "под",
    "после",
    "при",
    "против",
    "с",
    "со",
    "у",
    "через",
]
RUSSIAN_CASE = re.compile(
    rf"(?<![\w-])(?:{'|'.join(RUSSIAN_PREPOSITIONS)})\s+(?:<b>)?{NAME_PLACEHOLDERS}",
    re.IGNORECASE,
)
AZERBAIJANI_CASE = re.compile(
    rf"{NAME_PLACEHOLDERS}(?:</b>)?['’-]?"
    r"(?:da|də|dan|dən|ta|tə|tan|tən|nın|nin|nun|nün|ın|in|un|ün|ya|yə|a|ə|nı|ni|nu|nü|ı|i|u|ü)\b"
)


def _messages(locale: str) -> list[tuple[str, str]]:
    with po_path(locale).open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    pairs: list[tuple[str, str]] = []
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs.extend((str(message.id), str(text)) for text in strings if text)
    return pairs


@pytest.mark.parametrize(("locale", "pattern"), [("ru", RUSSIAN_CASE), ("az", AZERBAIJANI_CASE)])
def test_no_name_placeholder_is_declined(locale: str, pattern: re.Pattern[str]) -> None:
    offending = [(msgid, text) for msgid, text in _messages(locale) if pattern.search(text)]
    assert offending == []


@pytest.mark.parametrize(
    ("pattern", "text", "declines"),
    [
        (RUSSIAN_CASE, "Из {origin}, вылет {time}", True),
        (RUSSIAN_CASE, "следит за <b>{what}</b>", True),
        (RUSSIAN_CASE, "Откуда: {origin}, вылет {time}", False),
        (RUSSIAN_CASE, "место {rank} из {count}", False),
        (AZERBAIJANI_CASE, "{place}dan qalxdı", True),
        (AZERBAIJANI_CASE, "{city}'ya eniş", True),
        (AZERBAIJANI_CASE, "Haradan: {origin}, qalxış: {time}", False),
    ],
)
def test_the_check_tells_declined_from_label_forms(
    pattern: re.Pattern[str], text: str, declines: bool
) -> None:
    assert bool(pattern.search(text)) is declines
