"""Names in the grammatical case a sentence needs.

A translation asks for a case through the placeholder's format spec, so the code
that fills a message never needs to know the language's grammar:

    "No aircraft is linked to {person} yet."
    ru: "{person:С+ins} пока не связан ни один самолёт."  → "Со Стивом Уиткоффом …"
    ru: "… не упоминал {name:acc}."                       → "… не упоминал Марию Захарову."
    ru: "… приземлился {airport:в+loc}: …"                → "… приземлился во Внукове (VKO): …"

A spec is `[preposition+]case`; cases are nom, gen, dat, acc, ins, loc. The
preposition takes its euphonic form from the inflected word ("со Стивом", "с
Сергеем", "во Внукове", "в Вене", "об Ильхаме Алиеве") and keeps the capital
written in the spec. The value passed for such a placeholder must be a `Name`;
`format(name, "")` is the name as given (the English source strings use no spec).

Russian people go through pytrovich (the petrovich rules: first names and
surnames, gender detected from both, foreign names in -о/-и/-у left as they are).
Russian places go through pymorphy3 when its dictionary knows the word as a
place or an inanimate noun; otherwise the regular endings of a word's last letter
(a hyphenated name declines its last part: "Эр-Рияд" → "Эр-Рияде"). Words that
are not Cyrillic (an English fallback name, a code) are never touched.

Azerbaijani and English need no case here: the Azerbaijani catalog keeps names in
the nominative before a postposition ("Stiv Uitkoff ilə", "Bakı (GYD) hava
limanına"), which is standard and safe for any name.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from html import escape
from typing import Any, Literal

from bot.kernel import morphology

Kind = Literal["person", "place", "fixed"]
CASES = ("nom", "gen", "dat", "acc", "ins", "loc")
_PYMORPHY_CASES = {
    "nom": "nomn",
    "gen": "gent",
    "dat": "datv",
    "acc": "accs",
    "ins": "ablt",
    "loc": "loct",
}
_CYRILLIC_WORD = re.compile(r"^[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*$")
_CONSONANTS = frozenset("бвгджзйклмнпрстфхцчшщ")
_VOWELS = frozenset("аеёиоуыэюя")
_AFTER_VELAR = frozenset("гкхжшчщ")
# Regular endings by case of a place the dictionary does not know, by its last letter.
_CONSONANT_ENDINGS = {"nom": "", "gen": "а", "dat": "у", "acc": "", "ins": "ом", "loc": "е"}
_A_ENDINGS = {"nom": "а", "gen": "ы", "dat": "е", "acc": "у", "ins": "ой", "loc": "е"}
_YA_ENDINGS = {"nom": "я", "gen": "и", "dat": "е", "acc": "ю", "ins": "ей", "loc": "е"}
# Prepositions that take -о before these letters followed by a consonant ("со Стивом").
_BEFORE_CLUSTER = {"с": "сзшжщ", "в": "вф", "к": "кг"}
_SOFT_ENDINGS = {"nom": "ь", "gen": "я", "dat": "ю", "acc": "ь", "ins": "ем", "loc": "е"}


def _parse_spec(spec: str) -> tuple[str, str]:
    """'С+ins' → ('С', 'ins'); 'gen' → ('', 'gen'); '' → ('', 'nom')."""
    preposition, _, case = spec.rpartition("+")
    case = case or "nom"
    if case not in CASES:
        raise ValueError(f"unknown case {case!r} in format spec {spec!r}")
    return preposition, case


def _keep_capitals(original: str, inflected: str) -> str:
    """Copy the original's capitals onto the inflected form (only its ending changed)."""
    return "".join(
        ch.upper() if i < len(original) and original[i].isupper() else ch
        for i, ch in enumerate(inflected)
    )


def _euphonic(preposition: str, word: str) -> str:
    """'с' → 'со' before 'Ст…', 'в' → 'во' before 'Вн…', 'о' → 'об' before a vowel."""
    lower, first = preposition.lower(), word[:1].lower()
    second = word[1:2].lower()
    extra = ""
    if first in _BEFORE_CLUSTER.get(lower, "") and second in _CONSONANTS:
        extra = "о"
    elif lower == "о" and first in "аиоуэ":
        extra = "б"
    if extra and preposition.isupper() and len(preposition) > 1:
        extra = extra.upper()
    return preposition + extra


@functools.cache
def _maker() -> Any:
    from pytrovich.maker import PetrovichDeclinationMaker  # lazily: 58 ms

    return PetrovichDeclinationMaker()


@functools.cache
def _detector() -> Any:
    from pytrovich.detector import PetrovichGenderDetector

    return PetrovichGenderDetector()


def _gender(first: str | None, last: str) -> Any:
    """The person's gender by first name and surname; undecided names count as male.

    pytrovich leaves foreign first names such as "Стив" undecided; the surname's
    feminine endings decide then, and male is the default of the petrovich rules.
    """
    from pytrovich.enums import Gender

    found = _detector().detect(firstname=first, lastname=last)
    if found == Gender.ANDROGYNOUS:
        feminine = last.lower().endswith(("ова", "ева", "ина", "ына", "ская", "цкая"))
        return Gender.FEMALE if feminine else Gender.MALE
    return found


@functools.lru_cache(maxsize=4096)
def russian_person(name: str, case: str) -> str:
    """A Russian personal name ("Стив Уиткофф") in `case` ("ins" → "Стивом Уиткоффом").

    The last word is the surname, the words before it first names ("Реджеп Тайип
    Эрдоган"). A name with any non-Cyrillic word is returned unchanged.
    """
    words = name.split()
    if case == "nom" or not words or not all(_CYRILLIC_WORD.match(w) for w in words):
        return name
    from pytrovich.enums import Case, NamePart

    target = {
        "gen": Case.GENITIVE,
        "dat": Case.DATIVE,
        "acc": Case.ACCUSATIVE,
        "ins": Case.INSTRUMENTAL,
        "loc": Case.PREPOSITIONAL,
    }[case]
    *firsts, last = words
    gender = _gender(firsts[0] if firsts else None, last)
    maker = _maker()
    out = [maker.make(NamePart.FIRSTNAME, gender, target, w, known_gender=False) for w in firsts]
    out.append(maker.make(NamePart.LASTNAME, gender, target, last, known_gender=False))
    return " ".join(out)


def _regular_place(word: str, case: str) -> str:
    """A place the dictionary does not know, by the regular endings of its last letter."""
    lower = word.lower()
    last = lower[-1:]
    if last in _CONSONANTS and last not in "йь":
        ending = _CONSONANT_ENDINGS[case]
        if case == "ins" and last in "жшчщц":
            ending = "ем"
        return word + ending
    if last == "а" and len(word) > 1:
        ending = _A_ENDINGS[case]
        if case == "gen" and lower[-2] in _AFTER_VELAR:
            ending = "и"
        return word[:-1] + ending
    if last == "я" and len(word) > 1:
        return word[:-1] + _YA_ENDINGS[case]
    if last == "ь" and len(word) > 1:
        return word[:-1] + _SOFT_ENDINGS[case]
    if last == "й" and len(word) > 1:
        return word[:-1] + {"nom": "й", "acc": "й", "ins": "ем"}.get(case, _SOFT_ENDINGS[case])
    return word  # -о, -е, -и, -у, -ы …: indeclinable


def _dictionary_place(word: str, case: str) -> str | None:
    """The dictionary's form of a place (or inanimate noun) in `case`, None if unknown."""
    parses = [
        p
        for p in morphology.russian().parse(word)
        if "nomn" in p.tag and "sing" in p.tag and "inan" in p.tag
    ]
    parses.sort(key=lambda p: "Geox" not in p.tag)
    for parse in parses:
        if "Fixd" in parse.tag:
            return word
        form = parse.inflect({_PYMORPHY_CASES[case]})
        if form is not None:
            return _keep_capitals(word, str(form.word))
    return None


@functools.lru_cache(maxsize=4096)
def russian_place(name: str, case: str) -> str:
    """A Russian place name ("Москва") in `case` ("loc" → "Москве").

    Each word declines on its own; a hyphenated word declines in its last part
    unless the dictionary knows it whole ("Санкт-Петербург", "Улан-Батор").
    """
    if case == "nom":
        return name
    out = []
    for word in name.split(" "):
        if not _CYRILLIC_WORD.match(word):
            out.append(word)
            continue
        known = _dictionary_place(word, case)
        if known is None and "-" in word:
            head, _, tail = word.rpartition("-")
            known = head + "-" + (_dictionary_place(tail, case) or _regular_place(tail, case))
        out.append(known if known is not None else _regular_place(word, case))
    return " ".join(out)


def inflect(text: str, kind: Kind, case: str, locale: str) -> str:
    """`text` in `case` for the chat's language (only Russian declines here)."""
    if locale != "ru" or kind == "fixed":
        return text
    return russian_person(text, case) if kind == "person" else russian_place(text, case)


@dataclass(frozen=True)
class Name:
    """A person's or place's name for a message placeholder; a translation picks its case.

    Attributes:
        text: the name in the chat's language, nominative, not escaped.
        locale: the chat's language.
        kind: "person", "place", or "fixed" (a code or label, never declined).
        tail: text after the name that never declines, such as " (VKO)".
        bold: wrap the name (not a preposition) in <b>.
    """

    text: str
    locale: str
    kind: Kind = "person"
    tail: str = ""
    bold: bool = False

    def __format__(self, spec: str) -> str:
        preposition, case = _parse_spec(spec)
        word = inflect(self.text, self.kind, case, self.locale)
        shown = escape(word + self.tail)
        if self.bold:
            shown = f"<b>{shown}</b>"
        if preposition:
            return f"{_euphonic(preposition, word)} {shown}"
        return shown

    def __str__(self) -> str:
        return format(self, "")
