"""Fuzzy, multilingual name matching for commands: "witkof", "Уиткоффа", "BAKI" all find.

Users type names in any of our languages, with or without diacritics, in any case,
sometimes inflected or misspelled. Matching compares *skeletons*
(`bot.kernel.textfold.skeleton`: case-folded, Azerbaijani and Turkish dotted and dotless i
merged, diacritics and ə/ş/ç/ğ/ö/ü reduced to plain letters, ё to е, words kept apart).
Then exact skeleton, prefix (for inflected Russian and Azerbaijani forms such as
"Уиткоффа" or "Bakıda"), and close spelling (difflib) in that order.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.kernel.textfold import skeleton

# Shorter stems would let "Ба" find "Баку" and "Бахрейн" alike.
MIN_PREFIX = 4
# Inflectional endings we accept after a name: Russian and Azerbaijani cases are short.
MAX_ENDING = 5

# Every lookup folds every watched name again (a few thousand with the fleet's
# registrations); names change rarely, so their skeletons are remembered.
_name_skeleton = lru_cache(maxsize=16_384)(skeleton)


@dataclass(frozen=True)
class Candidate:
    """Something a name can refer to: a key and every name it goes by."""

    key: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class FuzzyMatch:
    """The candidates a query found and how (exact, prefix, close)."""

    keys: tuple[str, ...]
    how: str


def find(query: str, candidates: Iterable[Candidate], *, cutoff: float = 0.8) -> FuzzyMatch:
    """Keys whose names match `query`, best kind of match first; empty when none."""
    wanted = skeleton(query)
    if not wanted:
        return FuzzyMatch((), "none")
    index: dict[str, set[str]] = {}
    for candidate in candidates:
        for name in (candidate.key, *candidate.names):
            index.setdefault(_name_skeleton(name), set()).add(candidate.key)
    exact = index.get(wanted)
    if exact:
        return FuzzyMatch(tuple(sorted(exact)), "exact")
    prefixed = _by_prefix(wanted, index)
    if prefixed:
        return FuzzyMatch(tuple(sorted(prefixed)), "prefix")
    close = difflib.get_close_matches(wanted, list(index), n=3, cutoff=cutoff)
    keys = sorted({key for name in close for key in index[name]})
    return FuzzyMatch(tuple(keys), "close" if keys else "none")


def _by_prefix(wanted: str, index: dict[str, set[str]]) -> set[str]:
    found: set[str] = set()
    for name, keys in index.items():
        for word_query, word_name in _word_pairs(wanted, name):
            if len(word_name) >= MIN_PREFIX and _inflected(word_query, word_name):
                found |= keys
                break
    return found


def _word_pairs(query: str, name: str) -> Sequence[tuple[str, str]]:
    """Compare a one-word query with each word of a name, or whole strings otherwise."""
    query_words, name_words = query.split(), name.split()
    if len(query_words) == 1:
        return [(query, word) for word in name_words]
    return [(query, name)] if len(query_words) == len(name_words) else []


def _inflected(query: str, name: str) -> bool:
    """`query` is `name` with a short ending ("уиткоффа"), or a typed-out start of it."""
    if query.startswith(name):
        return len(query) - len(name) <= MAX_ENDING
    return len(query) >= MIN_PREFIX + 1 and name.startswith(query)
