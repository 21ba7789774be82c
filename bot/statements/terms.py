"""What the matcher looks for: watched people, places and meeting words.

A `WatchTerm` is one thing to find (a person's slug, a place's slug, a meeting
word's key) with the phrases that name it in each language. Phrases are written
as they appear in print; a word written with a capital ("Путин", "Bakı") only
matches a capitalised word in the text, which is how "путина" (the fishing
season) and "bakın" ("look!") stay apart from the proper names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class TermKind(StrEnum):
    """What a term names; the values are those stored in `mentions.kind`."""

    PERSON = "person"
    PLACE = "place"
    KEYWORD = "keyword"


@dataclass(frozen=True, slots=True)
class WatchTerm:
    """One watched thing and the phrases that name it.

    Attributes:
        kind: person, place or keyword.
        key: the slug reported in hits ("steve-witkoff", "baku", "meeting").
        phrases: (language, phrase) pairs, e.g. ("ru", "Стив Уиткофф").
        own_language_only: match each phrase only in text of its own language
            (meeting words: the English "visit" says nothing in a Russian text);
            names and places match in any language's text.
    """

    kind: TermKind
    key: str
    phrases: tuple[tuple[str, str], ...]
    own_language_only: bool = False


def _pairs(names: Mapping[str, str | Sequence[str]]) -> Iterable[tuple[str, str]]:
    for language, value in names.items():
        values = [value] if isinstance(value, str) else list(value)
        for phrase in values:
            if phrase.strip():
                yield language, phrase.strip()


def person(
    slug: str,
    names: Mapping[str, str],
    aliases: Mapping[str, Sequence[str]] | None = None,
) -> WatchTerm:
    """A watched person, shaped like `storage.models.Person` (names and aliases).

    Args:
        slug: the person's slug.
        names: full name per language ({"en": "Steve Witkoff", "ru": "Стив Уиткофф"}).
        aliases: more phrases per language ({"ru": ["Уиткофф"]}).

    Returns:
        The term; duplicate phrases are dropped.
    """
    pairs = [*_pairs(names), *_pairs(aliases or {})]
    return WatchTerm(TermKind.PERSON, slug, tuple(dict.fromkeys(pairs)))


def place(slug: str, names: Mapping[str, str | Sequence[str]]) -> WatchTerm:
    """A watched place (venue, city, country) with its names per language.

    Args:
        slug: the place's slug.
        names: one name or several per language ({"az": ["Bakı"], "en": "Baku"}).

    Returns:
        The term.
    """
    return WatchTerm(TermKind.PLACE, slug, tuple(dict.fromkeys(_pairs(names))))


def keyword(key: str, words: Mapping[str, Sequence[str]]) -> WatchTerm:
    """A meeting word with its phrases per language, matched in its own language only.

    Args:
        key: the concept ("meeting", "talks", "summit", "visit", "call").
        words: phrases per language, each in its dictionary form.

    Returns:
        The term.
    """
    return WatchTerm(
        TermKind.KEYWORD, key, tuple(dict.fromkeys(_pairs(words))), own_language_only=True
    )
