"""Names an operator goes by in Russian and Azerbaijani, for matching what users type.

Operators come from plane-alert-db in English ("Gov of Azerbaijan", "Russia Special
Flight Detachment"). A Russian or Azerbaijani user types the country in their own
language ("Азербайджан", "Azərbaycan", "правительство Азербайджана"), so an operator
whose name contains an English country name (CLDR's, via babel) also goes by that
country's Russian and Azerbaijani names, and a government operator ("Gov of X",
"Government of X") by "правительство X" and "X hökuməti" too. Matching itself
(`bot.watch.fuzzy`) takes care of case, diacritics and inflected endings.
"""

from __future__ import annotations

import re
from functools import cache

from babel import Locale

from bot.watch.fuzzy import Candidate

_GOVERNMENT = re.compile(r"^(?:gov|government)\.?\s+of\s+(?:the\s+)?(.+)$", re.IGNORECASE)
# CLDR's short forms that appear in operator names ("UAE Presidential Flight").
_EXTRA = {"UAE": "AE", "USA": "US", "UK": "GB"}


@cache
def _countries() -> dict[str, tuple[str, str]]:
    """English country name (case-folded) → (Russian name, Azerbaijani name)."""
    english, russian, azeri = (Locale(code).territories for code in ("en", "ru", "az"))
    names: dict[str, tuple[str, str]] = {}
    for code, name in english.items():
        if code.isalpha() and code in russian and code in azeri:
            names[name.casefold()] = (russian[code], azeri[code])
    for short, code in _EXTRA.items():
        names[short.casefold()] = (russian[code], azeri[code])
    return names


@cache
def operator_aliases(name: str) -> tuple[str, ...]:
    """The Russian and Azerbaijani names an operator also goes by (none when no country
    is named in it)."""
    folded = " ".join(name.split()).casefold()
    aliases: list[str] = []
    government = _GOVERNMENT.match(folded)
    for country, (russian, azeri) in _countries().items():
        if not re.search(rf"\b{re.escape(country)}\b", folded):
            continue
        aliases += [russian, azeri]
        if government is not None and government.group(1) == country:
            aliases += [f"правительство {russian}", f"{azeri} hökuməti"]
    return tuple(aliases)


def operator_candidates(fleets: list[tuple[str, str, int]]) -> list[Candidate]:
    """Fuzzy-match candidates of the `storage.fleets.fleet_names` rows, aliases included."""
    return [Candidate(key, (name, *operator_aliases(name))) for key, name, _count in fleets]
