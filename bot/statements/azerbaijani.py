"""Azerbaijani noun endings, generated from a stem by vowel harmony.

There is no dependable Azerbaijani stemmer (the Turkish Snowball stemmer cuts
"bakı" to "bak" but "bakıda" to "bakı"), so instead of stripping endings from
the text we generate every ending a watched name can take and look the text's
words up in that set. Generation is exact: "Bakıda", "Bakıya", "Bakının",
"Bakıdan", "Bakını", "Bakıdakı" are forms of "Bakı"; "bakın" ("look!") is not,
because the bare 2nd-person "-n" is not generated (it would mean "your Baku",
which official headlines never say).

Rules used (standard orthography):
- two-way harmony (a/ə) by the last vowel: back a ı o u → a; front e ə i ö ü → ə;
- four-way harmony (ı/i/u/ü): a ı → ı; o u → u; e ə i → i; ö ü → ü;
- buffer consonants after a vowel: n (genitive, accusative), y (dative,
  instrumental), s (3rd-person possessive); after a possessive every case takes n;
- Azerbaijani keeps d in -da/-dan after voiceless consonants (Putində, Trampda);
- a final k/q may soften to y/ğ before a vowel (danışıq → danışığı); names keep
  theirs (İraqa), so both spellings are generated.
Foreign names written with an apostrophe ("Witkoff'un") are handled by the
matcher with `APOSTROPHE_SUFFIXES`.
"""

from __future__ import annotations

import functools

BACK_VOWELS = frozenset("aıou")
FRONT_VOWELS = frozenset("eəiöü")
VOWELS = BACK_VOWELS | FRONT_VOWELS
# The vowel of a four-way (ı/i/u/ü) ending after each vowel of the stem.
FOUR_WAY = {
    "a": "ı",
    "ı": "ı",
    "o": "u",
    "u": "u",
    "e": "i",
    "ə": "i",
    "i": "i",
    "ö": "ü",
    "ü": "ü",
}
_SOFTENING = {"k": "y", "q": "ğ"}


def _last_vowel(stem: str) -> str | None:
    for char in reversed(stem):
        if char in VOWELS:
            return char
    return None


def _case_endings(stem: str, *, after_possessive: bool) -> list[str]:
    """Case endings for one stem; harmony from its last vowel (both when it has none)."""
    vowel = _last_vowel(stem)
    vowels = [vowel] if vowel else ["a", "e"]
    vowel_final = stem[-1] in VOWELS
    endings: list[str] = []
    for v in vowels:
        a = "a" if v in BACK_VOWELS else "ə"
        i = FOUR_WAY[v]
        rel = "dakı" if v in BACK_VOWELS else "dəki"
        if after_possessive:
            # görüşü → görüşünün, görüşünü, görüşünə, görüşündə, görüşündən, görüşüylə
            endings += [f"n{i}n", f"n{i}", f"n{a}", f"nd{a}", f"nd{a}n", f"yl{a}", f"n{rel}"]
            continue
        buffer_n, buffer_y = ("n", "y") if vowel_final else ("", "")
        endings += [
            f"{buffer_n}{i}n",  # genitive: Bakının, Putinin
            f"{buffer_n}{i}",  # accusative: Bakını, Putini
            f"{buffer_y}{a}",  # dative: Bakıya, Putinə
            f"d{a}",  # locative: Bakıda, Putində
            f"d{a}n",  # ablative: Bakıdan
            f"{buffer_y}l{a}",  # instrumental: Bakıyla, Putinlə
            rel,  # relative: Bakıdakı, Bakıdakı görüş
            f"d{i}r",  # copula: Bakıdır
        ]
    return endings


def _possessive(stem: str) -> list[str]:
    vowel = _last_vowel(stem)
    vowels = [vowel] if vowel else ["a", "e"]
    buffer_s = "s" if stem[-1] in VOWELS else ""
    return [f"{stem}{buffer_s}{FOUR_WAY[v]}" for v in vowels]


def _plural(stem: str) -> list[str]:
    vowel = _last_vowel(stem)
    vowels = [vowel] if vowel else ["a", "e"]
    return [stem + ("lar" if v in BACK_VOWELS else "lər") for v in vowels]


def _stems(word: str) -> list[str]:
    """The word and, for a final k/q, the softened stem used before vowels."""
    stems = [word]
    if len(word) > 2 and word[-1] in _SOFTENING and word[-2] in VOWELS:
        stems.append(word[:-1] + _SOFTENING[word[-1]])
    return stems


@functools.lru_cache(maxsize=4096)
def noun_forms(word: str) -> frozenset[str]:
    """Every generated form of a folded Azerbaijani noun or name.

    Args:
        word: a folded word ("bakı", "əliyev", "görüş").

    Returns:
        The word, its plural, its 3rd-person possessive, and each of those with
        every case ending; e.g. "bakıda", "əliyevlə", "görüşündə", "danışıqları".
    """
    if not word:
        return frozenset()
    forms: set[str] = {word}
    plain_stems = [word, *_plural(word)]
    for base in plain_stems:
        forms.add(base)
        for stem in _stems(base):
            for ending in _case_endings(base, after_possessive=False):
                # Softened stems only take vowel-initial endings (danışığı, not danışığda).
                if stem != base and ending[:1] not in VOWELS:
                    continue
                forms.add(stem + ending)
        for stem in _stems(base):
            for possessed in _possessive(stem):
                forms.add(possessed)
                forms.update(
                    possessed + ending for ending in _case_endings(possessed, after_possessive=True)
                )
    return frozenset(forms)


@functools.lru_cache(maxsize=4096)
def possessed_forms(word: str) -> frozenset[str]:
    """Case forms of a word that already carries the 3rd-person possessive.

    The last word of a compound name does ("Konqres Mərkəzi", "Ağ Evi"):
    its cases take the buffer n ("Mərkəzində", "Mərkəzinin"), not the forms
    `noun_forms` generates for a plain word ending in a vowel ("Bakıda").

    Args:
        word: a folded word ending in ı/i/u/ü.

    Returns:
        The case forms; empty when the word cannot be possessive.
    """
    if not word or word[-1] not in FOUR_WAY.values():
        return frozenset()
    return frozenset(word + ending for ending in _case_endings(word, after_possessive=True))


def _all_suffixes() -> frozenset[str]:
    """Every ending `noun_forms` can add, for words written "Name'ending"."""
    suffixes: set[str] = set()
    for vowel in VOWELS:
        for stem in (f"b{vowel}", f"b{vowel}b"):
            suffixes.update(form[len(stem) :] for form in noun_forms(stem) if form.startswith(stem))
    suffixes.discard("")
    return frozenset(suffixes)


APOSTROPHE_SUFFIXES: frozenset[str] = _all_suffixes()
