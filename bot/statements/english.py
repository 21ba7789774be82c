"""English forms of a watched word: plurals; possessives are handled by the matcher.

English inflects little, so a short rule list is enough: "summit" → "summits",
"Aliyev" → "Aliyevs", "negotiation" → "negotiations". Irregular forms (meet → met)
are listed in the built-in meeting words instead. Forms are exact, so "Baku" never
reaches "Bakunin" and "Trump" never reaches "trumpet".
"""

from __future__ import annotations

import functools

_SIBILANT_ENDINGS = ("s", "x", "z", "ch", "sh")
_VOWELS = frozenset("aeiou")


@functools.lru_cache(maxsize=4096)
def word_forms(word: str) -> frozenset[str]:
    """The word and its regular plural.

    Args:
        word: a folded word ("summit", "witkoff").

    Returns:
        {"summit", "summits"}; "-es" after sibilants, "-ies" after consonant + y.
    """
    forms = {word}
    if not word.isalpha():
        return frozenset(forms)
    if word.endswith(_SIBILANT_ENDINGS):
        forms.add(word + "es")
    elif len(word) > 1 and word.endswith("y") and word[-2] not in _VOWELS:
        forms.add(word[:-1] + "ies")
    else:
        forms.add(word + "s")
    return frozenset(forms)
