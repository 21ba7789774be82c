"""Which of our languages (en, ru, az) a source writes in, from its current items.

An admin adding a source may leave the language out; the first fetch already holds
the items, and our three languages are told apart by their letters alone: Russian by
Cyrillic, Azerbaijani by the schwa (ə), which no other language we read uses and
which is among the commonest letters of Azerbaijani text (about 7 % of letters).
A real language identifier would be a dependency and a model for a three-way choice.
"""

from __future__ import annotations

from collections.abc import Iterable

# Below this many letters a guess is a coin toss (a feed of bare dates or numbers).
MIN_LETTERS = 20
# Share of letters that must be Cyrillic for Russian; headlines mix in Latin names.
CYRILLIC_SHARE = 0.5
# Share of letters that must be ə for Azerbaijani: far above a stray quoted word in an
# English text, far below its share in Azerbaijani prose.
SCHWA_SHARE = 0.02


def guess_language(texts: Iterable[str]) -> str | None:
    """ "ru", "az" or "en" for these texts; None when there are too few letters to tell."""
    letters = cyrillic = schwa = 0
    for text in texts:
        for char in text:
            if not char.isalpha():
                continue
            letters += 1
            if "\u0400" <= char <= "\u04ff":
                cyrillic += 1
            elif char in "əƏ":
                schwa += 1
    if letters < MIN_LETTERS:
        return None
    if cyrillic >= CYRILLIC_SHARE * letters:
        return "ru"
    if schwa >= SCHWA_SHARE * letters:
        return "az"
    return "en"
