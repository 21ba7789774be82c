"""Finding a venue by what an analyst types, in English, Russian and Azerbaijani."""

from __future__ import annotations

import functools

import pytest

from bot.venues.knowledge import Knowledge, find_venue, load_knowledge
from bot.venues.names import match_venue


@functools.cache
def knowledge() -> Knowledge:
    return load_knowledge()


@pytest.mark.parametrize(
    ("query", "slug", "how"),
    [
        # The five spellings of the field question, and the other languages.
        ("Baku", "baku", "exact"),
        ("баку", "baku", "exact"),
        ("Bakı", "baku", "exact"),
        ("BAKI", "baku", "exact"),  # Azerbaijani I is dotless: BAKI → bakı
        ("Bakú", "baku", "folded"),  # diacritics-insensitive fallback
        ("  БАКУ ", "baku", "exact"),
        ("Baki", "baku", "folded"),  # typed without an Azerbaijani keyboard
        ("İSTANBUL", "istanbul", "exact"),
        ("ISTANBUL", "istanbul", "exact"),  # English capitals still work
        ("Стамбул", "istanbul", "exact"),
        ("Эр-Рияд", "riyadh", "exact"),
        ("Рияд", "riyadh", "exact"),  # alias
        ("Riyad", "riyadh", "exact"),
        ("Əbu-Dabi", "abu-dhabi", "exact"),
        ("Ebu-Dabi", "abu-dhabi", "folded"),
        ("abu dhabi", "abu-dhabi", "exact"),
        ("AbuDhabi", "abu-dhabi", "folded"),
        ("Абу Даби", "abu-dhabi", "folded"),
        ("Budapeşt", "budapest", "exact"),
        ("Vyana", "vienna", "exact"),
        ("Ankorac", "anchorage", "exact"),
        ("ulan bator", "ulaanbaatar", "exact"),
        ("Ulan-Bator", "ulaanbaatar", "exact"),
        ("Улан Батор", "ulaanbaatar", "folded"),
        ("Пекин", "beijing", "exact"),
        # Prefixes of three letters or more that only one venue starts with.
        ("Bak", "baku", "prefix"),
        ("Бак", "baku", "prefix"),
        ("Hels", "helsinki", "prefix"),
        # Small typos, in each script.
        ("Bakku", "baku", "fuzzy"),
        ("Helsinky", "helsinki", "fuzzy"),
        ("Budapeszt", "budapest", "fuzzy"),
        ("Beijng", "beijing", "fuzzy"),
        ("istambul", "istanbul", "fuzzy"),
        ("Stambul", "istanbul", "fuzzy"),
        ("Минкс", "minsk", "fuzzy"),
        ("Хелсинки", "helsinki", "fuzzy"),
        ("Ər-Riyad", "riyadh", "fuzzy"),  # the unchecked az form still finds Riyadh
    ],
)
def test_venues_are_found_by_name_in_three_languages(query: str, slug: str, how: str) -> None:
    found = match_venue(query, knowledge().venues)
    assert (found.venue.slug if found.venue else None, found.how) == (slug, how)
    assert found.found
    assert find_venue(query, knowledge().venues) == knowledge().venue(slug)
    assert knowledge().match(query) == found


@pytest.mark.parametrize(
    "query",
    ["Paris", "Moscow", "Москва", "Riga", "Wien", "Genf", "", "   ", "B", "Ba", "!!", "12"],
)
def test_other_places_and_too_short_queries_match_nothing(query: str) -> None:
    found = match_venue(query, knowledge().venues)
    assert (found.venue, found.how, found.candidates) == (None, "none", ())
    assert find_venue(query, knowledge().venues) is None


def test_a_typo_between_two_venues_is_ambiguous_not_a_guess() -> None:
    # "Венева" is one letter from Женева (Geneva) and close to Вена (Vienna).
    found = match_venue("Венева", knowledge().venues)
    assert found.how == "ambiguous"
    assert found.venue is None
    assert [v.slug for v in found.candidates] == ["geneva", "vienna"]
    assert find_venue("Венева", knowledge().venues) is None
