"""Find a venue by the name an analyst types, in English, Russian or Azerbaijani.

Matching goes from strict to loose and stops at the first stage that finds anything:

1. exact, after case folding with each language's own rules (Azerbaijani I→ı, İ→i;
   `bot.kernel.textfold.fold`);
2. the same without diacritics, hyphens or spaces ("Baki", "Bakú", "abudhabi"): the
   `bot.kernel.textfold.skeleton` with its word spaces dropped;
3. a unique prefix of at least `MIN_PREFIX` letters ("Bak" → Baku);
4. a close spelling (difflib ratio ≥ `FUZZY_CUTOFF`): typos such as "Bakku", "Стамбул".

When a stage finds several venues, or two fuzzy candidates score within
`AMBIGUITY_MARGIN` of each other, the answer is "ambiguous" with the candidates, never a
guess.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bot.kernel.textfold import fold, skeleton

if TYPE_CHECKING:
    from bot.venues.knowledge import Venue

MIN_PREFIX = 3
FUZZY_CUTOFF = 0.75
AMBIGUITY_MARGIN = 0.05

MatchHow = Literal["exact", "folded", "prefix", "fuzzy", "ambiguous", "none"]


@dataclass(frozen=True)
class VenueMatch:
    """The answer of a lookup.

    Attributes:
        venue: The venue found, or None ("none" or "ambiguous").
        how: Which stage decided: "exact", "folded", "prefix", "fuzzy", "ambiguous", "none".
        candidates: The venues an ambiguous query could mean (best first), else empty.
    """

    venue: Venue | None
    how: MatchHow
    candidates: tuple[Venue, ...] = ()

    @property
    def found(self) -> bool:
        """True when exactly one venue was found."""
        return self.venue is not None


def _key(text: str) -> str:
    """The skeleton without word boundaries: "Abu Dhabi", "Abu-Dhabi", "AbuDhabi" meet."""
    return skeleton(text).replace(" ", "")


def match_venue(query: str, venues: Sequence[Venue]) -> VenueMatch:
    """Look a venue up by any of its names or aliases (see the module docstring)."""
    query = query.strip()
    variants = {fold(query), fold(query, "az")}
    exact = _unique(v for v in venues if variants & {fold(n, lang) for lang, n in v.all_names()})
    if exact:
        return _answer(exact, "exact")
    key = _key(query)
    if not key:
        return VenueMatch(None, "none")
    folded = _unique(v for v in venues if key in _skeletons(v))
    if folded:
        return _answer(folded, "folded")
    if len(key) < MIN_PREFIX:
        return VenueMatch(None, "none")
    prefixed = _unique(v for v in venues if any(s.startswith(key) for s in _skeletons(v)))
    if prefixed:
        return _answer(prefixed, "prefix")
    return _fuzzy(key, venues)


def _skeletons(venue: Venue) -> set[str]:
    return {_key(name) for _, name in venue.all_names()}


def _unique(found: Iterable[Venue]) -> list[Venue]:
    seen: dict[str, Venue] = {}
    for venue in found:
        seen.setdefault(venue.slug, venue)
    return list(seen.values())


def _answer(found: list[Venue], how: MatchHow) -> VenueMatch:
    if len(found) == 1:
        return VenueMatch(found[0], how)
    return VenueMatch(None, "ambiguous", tuple(sorted(found, key=lambda v: v.slug)))


def _fuzzy(key: str, venues: Sequence[Venue]) -> VenueMatch:
    scored: list[tuple[float, str, Venue]] = []
    for venue in venues:
        best = max(difflib.SequenceMatcher(None, key, s).ratio() for s in _skeletons(venue))
        if best >= FUZZY_CUTOFF:
            scored.append((best, venue.slug, venue))
    if not scored:
        return VenueMatch(None, "none")
    # Best ratio first, then slug, so equal ratios always come out in the same order.
    scored.sort(key=lambda item: (-item[0], item[1]))
    top = scored[0][0]
    close = [venue for ratio, _, venue in scored if top - ratio < AMBIGUITY_MARGIN]
    if len(close) > 1:
        return VenueMatch(None, "ambiguous", tuple(close))
    return VenueMatch(scored[0][2], "fuzzy")
