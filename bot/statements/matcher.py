"""Find watched people, places and meeting words in a headline and its summary.

The matcher is built once from the watch terms and then only does dictionary
lookups, so its cost per item does not grow with the number of terms:

1. Every word of every phrase is expanded, when the matcher is built, into the
   forms it can take: Russian paradigms from pymorphy3 (`russian`), Azerbaijani
   endings by vowel harmony (`azerbaijani`), English plurals (`english`). Each
   form maps to the ids of the phrase words it can stand for. The Russian forms
   can be computed elsewhere and handed in (`russian_forms`): the poller has
   them computed in a child process (`forms_apart`), so pymorphy3's dictionary
   never loads in the bot's own memory.
2. A text is tokenised (`tokens`); each token (and each part of a hyphenated
   token, so "Трамп-Путин" gives both names) is folded in the text's language
   and looked up among the forms; "Name'ending" and "Name's" are looked up by
   their stem. Nothing is analysed while matching: a Russian form outside the
   generated ones is not found (decision below).
3. Phrases are found from their first word: a multi-word name ("Стив Уиткофф",
   "İlham Əliyevlə") matches when the next tokens, separated only by spaces or
   a hyphen, carry the next words in any of their forms.
4. Overlaps resolve to the longest phrase ("Baku Congress Center" over "Baku");
   each key is reported once, at its first occurrence, title before summary.

What can and cannot be told apart (decisions):
- A word written with a capital in the watch list matches only capitalised
  text words. So lowercase "путина" (the fishing season), "баку" (dative of
  "бак", tank), "bakın" ("look!") and "trump" (the verb) do not match; but a
  sentence that starts with "Путина" or "Bakın" is ambiguous to spelling alone.
  "Путина" at the start of a headline is taken as Putin: in the official
  sources watched here that is by far the likelier reading. "Bakın" never
  matches, capitalised or not: it is not a case form of "Bakı" (the genitive
  is "Bakının"), and the one reading that would make it one, "your Baku", does
  not occur in official headlines, so the bare "-n" ending is not generated.
- Forms are exact, so prefixes never match: "Baku" does not match "Bakunin",
  "Trump" does not match "trumpet", "Баку" does not match "бака"/"бак".
- Personal names keep their gender: "Захарова" matches "Захаровой" but not the
  masculine "Захаров" (a different person).
- Surnames pymorphy3 does not know ("Байрамов", "Пашинян") are inflected by
  their ending (`russian.name_forms`), never read as forms of another word, so
  "Байрамов" matches "Байрамовым" but the holiday "Байрам" stays apart.
- Headlines set entirely in lowercase lose proper-name matches; official
  sources do not do that.
- Text words are not lemmatised. Until December 2026 a Russian word the forms
  missed, sharing its first three letters with a watched word, went through
  pymorphy3 and was looked up by lemma. Over the test suite and the benchmark's
  4,022 inflected names that found one thing the forms did not: "Гаджиевом", the
  colloquial instrumental of a surname in -ев, now among the rule forms (-ов/-ев
  surnames take -ом too). It kept the dictionary (about 6 MB after it was
  memory-mapped, more before) in every polling bot for that; a form neither the
  dictionary's paradigms nor the surname rules produce is not matched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from bot.kernel.textfold import TURKIC_LANGUAGES, fold
from bot.statements import azerbaijani, english, russian
from bot.statements.items import FeedItem
from bot.statements.keywords import MEETING_WORDS
from bot.statements.terms import TermKind, WatchTerm
from bot.statements.tokens import (
    TOKEN_RE,
    Token,
    hyphen_parts,
    is_capitalised,
    is_cyrillic,
    split_apostrophe,
    tokenize,
)

Field = Literal["title", "summary"]

_EMPTY: frozenset[int] = frozenset()
_ENGLISH_SUFFIXES = frozenset({"s"})
_HYPHENS = frozenset({"-", "\u2010", "\u2011"})
_HYPHEN_RE = re.compile("[-\u2010\u2011]")
_CACHE_LIMIT = 200_000


@dataclass(frozen=True, slots=True)
class Hit:
    """One watched thing found in a text.

    Attributes:
        kind: person, place or keyword.
        key: the term's slug ("steve-witkoff", "baku", "meeting").
        matched_text: the words as published ("Уиткоффом", "Bakıdakı").
        position: offset of `matched_text` in its field.
        field: "title" or "summary".
    """

    kind: TermKind
    key: str
    matched_text: str
    position: int
    field: Field


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Everything found in one item, each key once, in order of appearance."""

    people: tuple[Hit, ...] = ()
    places: tuple[Hit, ...] = ()
    keywords: tuple[Hit, ...] = ()

    @property
    def hits(self) -> tuple[Hit, ...]:
        """All hits: people, then places, then keywords."""
        return self.people + self.places + self.keywords

    def __bool__(self) -> bool:
        """True when anything was found."""
        return bool(self.people or self.places or self.keywords)


@dataclass(frozen=True, slots=True)
class _Word:
    word_id: int
    capital: bool


@dataclass(frozen=True, slots=True)
class _Phrase:
    kind: TermKind
    key: str
    words: tuple[_Word, ...]
    language: str | None  # set when the phrase matches only in its own language


class RussianForms(Protocol):
    """Every folded form of a watched Russian word (`russian.word_forms`)."""

    def __call__(self, word: str, *, proper: bool, person: bool) -> frozenset[str]: ...


@dataclass(slots=True)
class _Index:
    """Folded form → ids of the phrase words it can stand for."""

    russian_forms: RussianForms
    exact: dict[str, set[int]] = field(default_factory=dict)
    azerbaijani: dict[str, set[int]] = field(default_factory=dict)

    @staticmethod
    def add(table: dict[str, set[int]], forms: Iterable[str], word_id: int) -> None:
        for form in forms:
            table.setdefault(form, set()).add(word_id)


def _frozen(table: dict[str, set[int]]) -> dict[str, frozenset[int]]:
    """The table with one frozenset per distinct set of ids (the forms of a word share
    theirs: one set a word, not one a form)."""
    shared: dict[frozenset[int], frozenset[int]] = {}
    out = {}
    for form, ids in table.items():
        frozen = frozenset(ids)
        out[form] = shared.setdefault(frozen, frozen)
    return out


class Matcher:
    """Finds watched people, places and meeting words in items; build once, reuse.

    Args:
        terms: people and places (and any extra keywords) to find.
        keywords: meeting words; the built-in `MEETING_WORDS` by default.
        russian_forms: the forms of a Russian word (`russian.word_forms` and its
            arguments); pymorphy3 in this process by default.
    """

    def __init__(
        self,
        terms: Iterable[WatchTerm],
        *,
        keywords: Iterable[WatchTerm] = MEETING_WORDS,
        russian_forms: RussianForms = russian.word_forms,
    ) -> None:
        self._word_ids: dict[str, int] = {}
        self._first: dict[int, list[_Phrase]] = {}
        self._scoped_languages: set[str] = set()
        index = _Index(russian_forms)
        for term in (*terms, *keywords):
            for language, phrase in term.phrases:
                self._add_phrase(index, term, language, phrase)
        self._exact = _frozen(index.exact)
        self._azerbaijani = _frozen(index.azerbaijani)
        self._cache: dict[str | None, dict[str, frozenset[int]]] = {}

    # Building

    def _add_phrase(self, index: _Index, term: WatchTerm, language: str, phrase: str) -> None:
        tokens = tokenize(phrase)
        words = [
            _Word(
                self._add_word(index, token.text, language, term),
                is_capitalised(token.text),
            )
            for token in tokens
        ]
        if not words:
            return
        if language in TURKIC_LANGUAGES and len(words) > 1:
            # The last word of a compound name carries the possessive: "Konqres Mərkəzində".
            last = fold(tokens[-1].text, language)
            index.add(index.azerbaijani, azerbaijani.possessed_forms(last), words[-1].word_id)
        scope = language if term.own_language_only else None
        if scope:
            self._scoped_languages.add(scope)
        self._register(_Phrase(term.kind, term.key, tuple(words), scope))
        # A hyphenated word ("Абу-Даби") also matches when written with a space.
        spaced: list[_Word] = []
        for token, word in zip(tokens, words, strict=True):
            parts = hyphen_parts(token)
            if len(parts) == 1:
                spaced.append(word)
                continue
            for part in parts:
                part_id = self._add_word(index, part.text, language, term)
                spaced.append(_Word(part_id, is_capitalised(part.text)))
        if len(spaced) != len(words):
            self._register(_Phrase(term.kind, term.key, tuple(spaced), scope))

    def _register(self, phrase: _Phrase) -> None:
        self._first.setdefault(phrase.words[0].word_id, []).append(phrase)

    def _add_word(self, index: _Index, surface: str, language: str, term: WatchTerm) -> int:
        folded = fold(surface, language)
        word_id = self._word_ids.get(folded)
        if word_id is None:
            word_id = self._word_ids[folded] = len(self._word_ids)
        index.add(index.exact, (folded,), word_id)
        if is_cyrillic(folded):
            flags = {"proper": is_capitalised(surface), "person": term.kind is TermKind.PERSON}
            index.add(index.exact, index.russian_forms(folded, **flags), word_id)
        else:
            index.add(index.exact, english.word_forms(folded), word_id)
            # Azerbaijani text puts its endings on foreign names too ("Witkoffun"),
            # but another language's meeting words need no Azerbaijani endings.
            if not term.own_language_only or language in TURKIC_LANGUAGES:
                index.add(index.azerbaijani, azerbaijani.noun_forms(folded), word_id)
        return word_id

    # Matching

    def match(self, title: str, summary: str = "", language: str | None = None) -> MatchResult:
        """Find watched people, places and meeting words in a title and summary.

        Args:
            title: the headline as published (plain text).
            summary: the summary or lead as plain text.
            language: the text's language ("en", "ru", "az"); it picks the case
                folding and which endings apply.

        Returns:
            The hits, each key once at its first occurrence (title first).
        """
        found = self._match_field(title, language, "title")
        if summary:
            found += self._match_field(summary, language, "summary")
        seen: set[tuple[TermKind, str]] = set()
        by_kind: dict[TermKind, list[Hit]] = {kind: [] for kind in TermKind}
        for hit in found:
            if (hit.kind, hit.key) in seen:
                continue
            seen.add((hit.kind, hit.key))
            by_kind[hit.kind].append(hit)
        return MatchResult(
            people=tuple(by_kind[TermKind.PERSON]),
            places=tuple(by_kind[TermKind.PLACE]),
            keywords=tuple(by_kind[TermKind.KEYWORD]),
        )

    def match_item(self, item: FeedItem) -> MatchResult:
        """`match` on a parsed feed item, in the item's language."""
        return self.match(item.title, item.summary, item.language)

    def _match_field(self, text: str, language: str | None, field_name: Field) -> list[Hit]:
        # Slots are words, and the parts of hyphenated words, as (surface, start, end).
        slots: list[tuple[str, int, int]] = []
        # candidates[i]: (end slot, word ids) for spans starting at slot i; None: nothing.
        candidates: list[list[tuple[int, frozenset[int]]] | None] = []
        cache = self._cache.get(language)
        if cache is None:
            cache = self._cache[language] = {}
        found_any = False
        for match in TOKEN_RE.finditer(text):
            surface = match.group()
            if not _HYPHEN_RE.search(surface):
                slots.append((surface, match.start(), match.end()))
                ids = cache.get(surface)
                if ids is None:
                    ids = self._lookup(surface, language, cache)
                if ids:
                    candidates.append([(len(slots), ids)])
                    found_any = True
                else:
                    candidates.append(None)
                continue
            first = len(slots)
            for part in hyphen_parts(Token(surface, match.start(), match.end())):
                slots.append((part.text, part.start, part.end))
                ids = self._lookup(part.text, language, cache)
                candidates.append([(len(slots), ids)] if ids else None)
                found_any = found_any or bool(ids)
            ids = self._lookup(surface, language, cache)
            if ids:
                candidates[first] = [(len(slots), ids), *(candidates[first] or ())]
                found_any = True
        if not found_any:
            return []
        matches: list[tuple[int, int, _Phrase]] = []
        for start, options in enumerate(candidates):
            if options is None:
                continue
            for end, ids in options:
                for word_id in ids:
                    for phrase in self._first.get(word_id, ()):
                        if not self._applies(phrase, language):
                            continue
                        if phrase.words[0].capital and not is_capitalised(slots[start][0]):
                            continue
                        stop = self._extend(phrase, 1, end, text, slots, candidates)
                        if stop is not None:
                            matches.append((start, stop, phrase))
        return [
            Hit(
                kind=phrase.kind,
                key=phrase.key,
                matched_text=text[slots[start][1] : slots[stop - 1][2]],
                position=slots[start][1],
                field=field_name,
            )
            for start, stop, phrase in _longest_first(matches)
        ]

    def _applies(self, phrase: _Phrase, language: str | None) -> bool:
        # Own-language phrases apply in their language; text in a language we
        # have no meeting words for gets all of them rather than none.
        return (
            phrase.language is None
            or phrase.language == language
            or language not in self._scoped_languages
        )

    def _extend(
        self,
        phrase: _Phrase,
        index: int,
        position: int,
        text: str,
        slots: list[tuple[str, int, int]],
        candidates: list[list[tuple[int, frozenset[int]]] | None],
    ) -> int | None:
        """End slot of the phrase's words from `index` on, starting at `position`."""
        if index == len(phrase.words):
            return position
        if position >= len(slots):
            return None
        gap = text[slots[position - 1][2] : slots[position][1]]
        if gap.strip() and gap not in _HYPHENS:
            return None
        word = phrase.words[index]
        if word.capital and not is_capitalised(slots[position][0]):
            return None
        for end, ids in candidates[position] or ():
            if word.word_id in ids:
                stop = self._extend(phrase, index + 1, end, text, slots, candidates)
                if stop is not None:
                    return stop
        return None

    def _lookup(
        self, surface: str, language: str | None, cache: dict[str, frozenset[int]]
    ) -> frozenset[int]:
        """Word ids a text word can stand for, remembered per language."""
        ids = cache.get(surface)
        if ids is not None:
            return ids
        turkic = language in TURKIC_LANGUAGES
        ids = self._lookup_folded(fold(surface, language), turkic)
        if turkic and "I" in surface:
            # A foreign name in capitals inside Azerbaijani text ("WITKOFF") has
            # the English I, which Azerbaijani folding would make dotless.
            ids |= self._lookup_folded(fold(surface, "en"), turkic)
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[surface] = ids
        return ids

    def _lookup_folded(self, folded: str, turkic: bool) -> frozenset[int]:
        ids = self._exact.get(folded, _EMPTY)
        if turkic:
            ids |= self._azerbaijani.get(folded, _EMPTY)
        split = split_apostrophe(folded)
        if split is not None:
            stem, suffix = split
            if suffix in _ENGLISH_SUFFIXES or suffix in azerbaijani.APOSTROPHE_SUFFIXES:
                ids |= self._exact.get(stem, _EMPTY)
        return ids


def _longest_first(
    matches: list[tuple[int, int, _Phrase]],
) -> list[tuple[int, int, _Phrase]]:
    """Leftmost-longest matches that do not overlap; equal spans are all kept."""
    kept: list[tuple[int, int, _Phrase]] = []
    taken_until = -1
    last_span: tuple[int, int] | None = None
    for start, stop, phrase in sorted(matches, key=lambda m: (m[0], m[0] - m[1])):
        if (start, stop) == last_span:
            kept.append((start, stop, phrase))
        elif start >= taken_until:
            kept.append((start, stop, phrase))
            taken_until = stop
            last_span = (start, stop)
    return kept
