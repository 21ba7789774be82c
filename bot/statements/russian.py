"""Russian inflection through pymorphy3: the forms of a watched word, and lemmas.

Two complementary uses:
- `word_forms` expands a watched word ("Уиткофф", "Путин", "встреча") into every
  form of its paradigm once, when the matcher is built, so matching a text is a
  dictionary lookup (fast, and exact: "Баку" is indeclinable, so "бака" and
  "баку" from "бак" never meet it through a form list);
- `lemma_keys` lemmatises a text word the generated forms missed (an unusual
  spelling of an unknown surname, a form the predictor did not produce), cached
  with `functools.lru_cache` because the same names recur in every feed.

Names are gendered: the lexeme pymorphy3 gives for "Захарова" also holds the
masculine "Захаров", a different person. For parses tagged as a first name,
surname or patronymic we keep the singular forms of the parse's own gender,
and lemma keys of such parses carry the gender ("захаров|femn").
"""

from __future__ import annotations

import functools
from typing import Any

import pymorphy3

from bot.statements.folding import fold

_NAME_GRAMMEMES = frozenset({"Name", "Surn", "Patr"})
_GENDERS = frozenset({"masc", "femn", "neut", "ms-f"})


@functools.cache
def analyzer() -> Any:
    """The shared pymorphy3 analyzer (loading its dictionaries takes ~0.1 s)."""
    return pymorphy3.MorphAnalyzer(lang="ru")


def _is_name(tag: Any) -> bool:
    return bool(_NAME_GRAMMEMES & tag.grammemes)


def _gender(tag: Any) -> str:
    """The gender grammeme of a tag ("" when it has none); "ms-f" is common gender."""
    return next(iter(_GENDERS & tag.grammemes), "")


def _singular(tag: Any) -> bool:
    return "sing" in tag.grammemes


def _key(parse: Any) -> str | None:
    """Lemma key of one parse; None for plural readings of personal names."""
    normal = fold(parse.normal_form, "ru")
    if not _is_name(parse.tag):
        return normal
    if not _singular(parse.tag):
        return None
    return f"{normal}|{_gender(parse.tag)}"


def _dictionary_parses(word: str) -> list[Any]:
    """Parses of a watched word given in its dictionary form (nominative, infinitive)."""
    parses = analyzer().parse(word)
    chosen = [
        p
        for p in parses
        if "nomn" in p.tag or "INFN" in p.tag or fold(p.word, "ru") == fold(p.normal_form, "ru")
    ]
    return chosen or parses[:1]


@functools.lru_cache(maxsize=4096)
def word_forms(word: str) -> frozenset[str]:
    """Every folded form of a watched Russian word.

    Args:
        word: a folded Cyrillic word in its dictionary form ("путин", "баку").

    Returns:
        The word and the forms of its paradigm(s): all forms for ordinary words,
        singular forms of the same gender for personal names, the word alone for
        indeclinables.
    """
    forms = {word}
    for parse in _dictionary_parses(word):
        if "Fixd" in parse.tag:
            continue
        name = _is_name(parse.tag)
        gender = _gender(parse.tag)
        for form in parse.lexeme:
            if name and (not _singular(form.tag) or _gender(form.tag) not in (gender, "ms-f", "")):
                continue
            forms.add(fold(form.word, "ru"))
    return frozenset(forms)


@functools.lru_cache(maxsize=4096)
def term_lemma_keys(word: str) -> frozenset[str]:
    """Lemma keys of a watched word (its dictionary-form readings only).

    Args:
        word: a folded Cyrillic word in its dictionary form.

    Returns:
        Keys comparable with `lemma_keys` of text words.
    """
    return frozenset(key for key in (_key(p) for p in _dictionary_parses(word)) if key is not None)


@functools.lru_cache(maxsize=65536)
def lemma_keys(word: str) -> frozenset[str]:
    """Lemma keys of a text word, over all of pymorphy3's readings of it.

    Args:
        word: a folded Cyrillic word from a text ("уиткоффом").

    Returns:
        Keys such as "уиткофф" or "захаров|femn".
    """
    return frozenset(key for key in (_key(p) for p in analyzer().parse(word)) if key is not None)
