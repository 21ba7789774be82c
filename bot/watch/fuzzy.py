"""Fuzzy, multilingual name matching for commands: "witkof", "Уиткоффа", "BAKI" all find.

Users type names in any of our languages, with or without diacritics, in any case,
sometimes inflected or misspelled. Matching compares *skeletons*
(`bot.kernel.textfold.skeleton`: case-folded, Azerbaijani and Turkish dotted and dotless i
merged, diacritics and ə/ş/ç/ğ/ö/ü reduced to plain letters, ё to е, words kept apart).
Then exact skeleton, prefix (for inflected Russian and Azerbaijani forms such as
"Уиткоффа" or "Bakıda"), and close spelling (difflib) in that order.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.kernel.textfold import skeleton

# Shorter stems would let "Ба" find "Баку" and "Бахрейн" alike.
MIN_PREFIX = 4
# Inflectional endings we accept after a name: Russian and Azerbaijani cases are short.
MAX_ENDING = 5

# Below this many names difflib reads them all faster than their letters are indexed.
FILTER_FROM = 200

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
    return NameIndex(candidates).find(query, cutoff=cutoff)


class NameIndex:
    """Candidates' names as skeletons, searched by `find`: build it once and keep it
    while the candidates stay the same (the registrations of the fleet, about 2,000).

    A search does not read every name. Exact: one dict look-up. Prefix: the words (or
    whole names) that start the query are looked up by the query's own starts, and the
    ones the query starts by bisecting the sorted names. Close: difflib's ratio only for
    the names that can reach the cutoff, found from their letters (bit sets per length,
    below); the rest could never pass difflib's own quick_ratio test, so the answer is
    difflib.get_close_matches' over every name.
    """

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        index: dict[str, set[str]] = {}
        for candidate in candidates:
            for name in (candidate.key, *candidate.names):
                index.setdefault(_name_skeleton(name), set()).add(candidate.key)
        self._index = index
        self._prefix: _PrefixIndex | None = None
        self._letters: dict[int, _Letters] | None = None

    def find(self, query: str, *, cutoff: float = 0.8) -> FuzzyMatch:
        """Keys whose names match `query`, best kind of match first; empty when none."""
        wanted = skeleton(query)
        if not wanted:
            return FuzzyMatch((), "none")
        index = self._index
        exact = index.get(wanted)
        if exact:
            return FuzzyMatch(tuple(sorted(exact)), "exact")
        if self._prefix is None:
            self._prefix = _PrefixIndex(index)
        prefixed: set[str] = set()
        for name in self._prefix.names(wanted):
            prefixed |= index[name]
        if prefixed:
            return FuzzyMatch(tuple(sorted(prefixed)), "prefix")
        close = difflib.get_close_matches(wanted, self._close_enough(wanted, cutoff), 3, cutoff)
        keys = sorted({key for name in close for key in index[name]})
        return FuzzyMatch(tuple(keys), "close" if keys else "none")

    def _close_enough(self, wanted: str, cutoff: float) -> list[str]:
        """The names whose letters leave difflib's quick_ratio at `cutoff` or more: that
        ratio is 2 * shared / (len(a) + len(b)), shared counting each letter as often as
        both have it."""
        if len(self._index) < FILTER_FROM:
            return list(self._index)
        if self._letters is None:
            by_length: dict[int, list[str]] = {}
            for name in self._index:
                by_length.setdefault(len(name), []).append(name)
            self._letters = {size: _Letters(names) for size, names in by_length.items()}
        counts: dict[str, int] = {}
        for letter in wanted:
            counts[letter] = counts.get(letter, 0) + 1
        found: list[str] = []
        for size, letters in self._letters.items():
            # The fewest shared letters that can reach the cutoff, one less for rounding.
            needed = int(cutoff * (len(wanted) + size) / 2) - 1
            found.extend(letters.sharing(counts, needed))
        return found


class _PrefixIndex:
    """The names and their words, for `_inflected` without reading every name."""

    def __init__(self, index: dict[str, set[str]]) -> None:
        self.names_by_word: dict[str, list[str]] = {}
        for name in index:
            for word in set(name.split()):
                if len(word) >= MIN_PREFIX:
                    self.names_by_word.setdefault(word, []).append(name)
        self.words = sorted(self.names_by_word)
        self.sorted_names = sorted(index)
        self.word_counts = {name: len(name.split()) for name in index}

    def names(self, wanted: str) -> set[str]:
        """The names `_by_prefix` would find for `wanted`: with a one-word query, those
        with a word the query inflects; else those of as many words that it inflects."""
        count = len(wanted.split())
        if count == 1:
            found: set[str] = set()
            for word in self._inflected_by(wanted, self.words, self.names_by_word):
                found.update(self.names_by_word[word])
            return found
        return {
            name
            for name in self._inflected_by(wanted, self.sorted_names, self.word_counts)
            if self.word_counts[name] == count
        }

    @staticmethod
    def _inflected_by(query: str, ordered: list[str], known: Collection[str]) -> set[str]:
        """Of the sorted `ordered` (also `known`, for look-ups), those of at least
        MIN_PREFIX letters for which `_inflected(query, it)` holds."""
        # Those the query starts with, at most MAX_ENDING letters shorter than it.
        found = {
            query[:size]
            for size in range(max(MIN_PREFIX, len(query) - MAX_ENDING), len(query) + 1)
            if query[:size] in known
        }
        # Those that start with the query, once it is long enough to stand for them.
        if len(query) >= MIN_PREFIX + 1:
            at = bisect.bisect_left(ordered, query)
            while at < len(ordered) and ordered[at].startswith(query):
                found.add(ordered[at])
                at += 1
        return found


class _Letters:
    """Names of one length, with for each letter and count a bit set of the names that
    hold that letter at least that many times."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.holding: dict[tuple[str, int], int] = {}
        for bit, name in enumerate(names):
            seen: dict[str, int] = {}
            for letter in name:
                seen[letter] = times = seen.get(letter, 0) + 1
                key = (letter, times)
                self.holding[key] = self.holding.get(key, 0) | (1 << bit)

    def sharing(self, counts: dict[str, int], needed: int) -> list[str]:
        """The names sharing at least `needed` letters with a query of these counts."""
        if needed <= 0:
            return list(self.names)
        sets = [
            self.holding.get((letter, times), 0)
            for letter, count in counts.items()
            for times in range(1, count + 1)
        ]
        if len(sets) < needed:
            return []
        # at_least[j]: the names in at least j of the sets seen so far.
        at_least = [(1 << len(self.names)) - 1] + [0] * needed
        for seen, bits in enumerate(sets, 1):
            if not bits:
                continue
            for j in range(min(seen, needed), 0, -1):
                at_least[j] |= at_least[j - 1] & bits
        chosen, found = at_least[needed], []
        while chosen:
            low = chosen & -chosen
            found.append(self.names[low.bit_length() - 1])
            chosen ^= low
        return found


def _inflected(query: str, name: str) -> bool:
    """`query` is `name` with a short ending ("уиткоффа"), or a typed-out start of it."""
    if query.startswith(name):
        return len(query) - len(name) <= MAX_ENDING
    return len(query) >= MIN_PREFIX + 1 and name.startswith(query)
