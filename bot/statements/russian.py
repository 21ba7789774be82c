"""Russian inflection through pymorphy3: every form of a watched word.

`word_forms` expands a watched word ("Уиткофф", "Путин", "встреча") into every form
of its paradigm once, when the matcher is built, so matching a text is a dictionary
lookup (fast, and exact: "Баку" is indeclinable, so "бака" and "баку" from "бак"
never meet it through a form list).

Names are gendered: the lexeme pymorphy3 gives for "Захарова" also holds the
masculine "Захаров", a different person. For parses tagged as a first name,
surname or patronymic we keep the singular forms of the parse's own gender.

Surnames pymorphy3 does not know are where it errs: "Байрамов", "Мамедъяров"
and "Амирбеков" come out as genitive plurals of "Байрам" and so on, "Пашинян"
as a form of "пашинянин". A capitalised word of a *person's* name is therefore
only read in the nominative (never "the genitive plural of another name"), and
gets the paradigm of its ending by rule as well (`name_forms`; so does a place
name with no nominative reading, such as an unknown town in a consonant,
which the predictor takes for a genitive plural): -ов/-ев/-ин take
-а/-у/-ым/-е (-ов/-ев also the colloquial -ом: "Гаджиевом"), -ова/-ева/-ина take
-ой/-у, -ский takes -ого/-ому/-им/-ом, another consonant takes -а/-у/-ом/-е, a vowel
other than -а/-я none. The rule cannot know a woman's foreign surname ending in a
consonant is indeclinable ("Хиллари Клинтон"), so such a name also matches the
masculine forms.
"""

from __future__ import annotations

import functools
from typing import Any

from bot.kernel import morphology
from bot.kernel.textfold import fold

_NAME_GRAMMEMES = frozenset({"Name", "Surn", "Patr"})
_GENDERS = frozenset({"masc", "femn", "neut", "ms-f"})
_VOWELS = frozenset("аеиоуыэюяё")
# Stem-changing endings first: (ending, replacement endings, gender).
_NAME_RULES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("ский", ("ский", "ского", "скому", "ским", "ском"), "masc"),
    ("цкий", ("цкий", "цкого", "цкому", "цким", "цком"), "masc"),
    ("ская", ("ская", "ской", "скую"), "femn"),
    ("цкая", ("цкая", "цкой", "цкую"), "femn"),
    ("ова", ("ова", "овой", "ову"), "femn"),
    ("ева", ("ева", "евой", "еву"), "femn"),
    ("ина", ("ина", "иной", "ину"), "femn"),
    ("ына", ("ына", "ыной", "ыну"), "femn"),
    ("ов", ("ов", "ова", "ову", "овым", "ове", "овом"), "masc"),
    ("ев", ("ев", "ева", "еву", "евым", "еве", "евом"), "masc"),
    ("ин", ("ин", "ина", "ину", "иным", "ине", "ином"), "masc"),
    ("ын", ("ын", "ына", "ыну", "ыным", "ыне", "ыном"), "masc"),
    ("й", ("й", "я", "ю", "ем", "е"), "masc"),
    ("ь", ("ь", "я", "ю", "ем", "е"), "masc"),
    ("я", ("я", "и", "е", "ю", "ей"), "femn"),
)
_AFTER_VELAR = frozenset("гкхжшчщ")


def _is_name(tag: Any) -> bool:
    return bool(_NAME_GRAMMEMES & tag.grammemes)


def _gender(tag: Any) -> str:
    """The gender grammeme of a tag ("" when it has none); "ms-f" is common gender."""
    return next(iter(_GENDERS & tag.grammemes), "")


def _singular(tag: Any) -> bool:
    return "sing" in tag.grammemes


def name_forms(word: str) -> tuple[frozenset[str], str]:
    """The case forms of a personal name by its ending, and its grammatical gender.

    Args:
        word: a folded Cyrillic name ("байрамов", "пашинян", "захарова").

    Returns:
        (forms including the word, "masc" or "femn"); indeclinable names
        (ending in -о, -и, -у, -е, -э, -ю) give just the word.
    """
    for ending, endings, gender in _NAME_RULES:
        if word.endswith(ending) and len(word) > len(ending):
            stem = word[: -len(ending)]
            return frozenset(stem + e for e in endings), gender
    if word.endswith("а") and len(word) > 1:
        stem = word[:-1]
        genitive = "и" if stem[-1] in _AFTER_VELAR else "ы"
        return frozenset(stem + e for e in ("а", genitive, "е", "у", "ой")), "femn"
    if word[-1:] not in _VOWELS and word[-1:].isalpha():
        return frozenset(word + e for e in ("", "а", "у", "ом", "е")), "masc"
    return frozenset({word}), "masc"


def _dictionary_parses(word: str, *, proper: bool) -> list[Any]:
    """Parses of a watched word given in its dictionary form (nominative, infinitive).

    A common word given in another form falls back to its likeliest parse; a
    proper name does not (that parse is how "Байрамов" became "Байрам").
    """
    parses = morphology.russian().parse(word)
    chosen = [
        p
        for p in parses
        if "nomn" in p.tag or "INFN" in p.tag or fold(p.word, "ru") == fold(p.normal_form, "ru")
    ]
    if proper:
        return [p for p in chosen if "nomn" in p.tag]
    return chosen or parses[:1]


@functools.lru_cache(maxsize=4096)
def word_forms(word: str, *, proper: bool = False, person: bool = False) -> frozenset[str]:
    """Every folded form of a watched Russian word.

    Args:
        word: a folded Cyrillic word in its dictionary form ("путин", "баку").
        proper: the watch list writes it with a capital (a name).
        person: it is part of a person's name (adds `name_forms`).

    Returns:
        The word and the forms of its paradigm(s): all forms for ordinary words,
        singular forms of the same gender for personal names, the word alone for
        indeclinables.
    """
    forms = {word}
    parses = _dictionary_parses(word, proper=proper)
    # People always (surnames are where pymorphy3 errs); a place only when
    # pymorphy3 has no nominative reading of it at all.
    if proper and (person or not parses):
        forms |= name_forms(word)[0]
    for parse in parses:
        if "Fixd" in parse.tag:
            continue
        name = _is_name(parse.tag)
        gender = _gender(parse.tag)
        for form in parse.lexeme:
            if name and (not _singular(form.tag) or _gender(form.tag) not in (gender, "ms-f", "")):
                continue
            forms.add(fold(form.word, "ru"))
    return frozenset(forms)
