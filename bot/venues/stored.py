"""Venue factors as the store keeps them, and back: pure conversions, no I/O.

Each factor of a venue has a stable key: its name for the factors a venue has once
("icc", "air_route"), the name and date for repeating ones ("precedent:2018-04",
"event:2024-12-25"). The store appends one row per value of a key; the newest row is
the current value. `effective_venue` rebuilds a `Venue` from the file's venue and the
store's current rows, so an analyst's correction is what the score uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from bot.venues.dates import PartialDate
from bot.venues.knowledge import (
    FACTOR_VALUES,
    SINGLE_FACTORS,
    UNSOURCED_VALUES,
    Factor,
    Knowledge,
    Source,
    Venue,
)

# Limits on what an analyst types into /venue set, so a row always fits its columns
# and a reply stays readable.
MAX_SOURCE_CHARS = 500
MAX_VALUE_CHARS = 32


@dataclass(frozen=True)
class StoredValue:
    """A factor's current value as read from the store.

    Attributes:
        key: The factor key ("icc", "event:2024-12-25").
        value: The stored JSON (see `factor_value`).
        source: The source text (S-numbers for seeded rows, the analyst's citation).
        set_by: The analyst's Telegram id, or None for a seeded row.
        set_at: When the row was written.
        row_id: The row's id.
    """

    key: str
    value: Mapping[str, Any]
    source: str
    set_by: int | None
    set_at: datetime
    row_id: int


def factor_keys(venue: Venue) -> list[tuple[str, Factor]]:
    """(key, factor) for each of a venue's factors, in the file's order; keys are unique."""
    out: list[tuple[str, Factor]] = []
    seen: set[str] = set()
    for factor in venue.factors:
        base = factor.name
        if factor.name not in SINGLE_FACTORS and factor.when is not None:
            base = f"{factor.name}:{factor.when}"
        key, n = base, 1
        while key in seen:
            n += 1
            key = f"{base}#{n}"
        seen.add(key)
        out.append((key, factor))
    return out


def factor_value(factor: Factor) -> dict[str, Any]:
    """The JSON the store keeps for a seeded factor (plain types only, so it compares)."""
    return {
        "name": factor.name,
        "value": factor.value,
        "detail": factor.detail,
        "source": list(factor.source_ids),
        "as_of": str(factor.as_of),
        "when": str(factor.when) if factor.when else None,
        "level": factor.level,
        "where": factor.where,
    }


def seed_source(factor: Factor) -> str:
    """The `source` column of a seeded row: its S-numbers ("S6, S2")."""
    return ", ".join(factor.source_ids) or "none found"


def corrected_value(seeded: Mapping[str, Any], value: str, source: str) -> dict[str, Any]:
    """The JSON of an analyst's correction: the fact as before, with a new value and source."""
    out = dict(seeded)
    out["value"] = value
    out["corrected_source"] = source
    return out


def allowed_values(factor: Factor) -> frozenset[str]:
    """The values an analyst may give this factor.

    A repeating factor recorded without a date ("no precedent found") can only be
    corrected to another absence: a held precedent needs its date, which is a new
    fact for the knowledge file, not a correction.
    """
    values = FACTOR_VALUES.get(factor.name, frozenset())
    if factor.name not in SINGLE_FACTORS and factor.when is None:
        return values & UNSOURCED_VALUES
    return values


def check_value(factor: Factor, value: str) -> bool:
    """Whether `value` is allowed for `factor`."""
    return value in allowed_values(factor)


def effective_venue(venue: Venue, current: Mapping[str, StoredValue]) -> Venue:
    """The venue with each factor replaced by its current stored value, if corrected.

    Only analysts' rows change anything: a seeded row repeats the file. A corrected
    factor cites the analyst's source as "A<row id>" so the decomposition still says
    where each point comes from.
    """
    factors: list[Factor] = []
    for key, factor in factor_keys(venue):
        stored = current.get(key)
        if stored is None or stored.set_by is None:
            factors.append(factor)
            continue
        factors.append(_corrected(factor, stored))
    return replace(venue, factors=tuple(factors))


def effective_knowledge(
    knowledge: Knowledge, current: Mapping[str, Mapping[str, StoredValue]]
) -> Knowledge:
    """The knowledge base with every venue's stored corrections applied (by slug)."""
    venues = tuple(effective_venue(v, current.get(v.slug, {})) for v in knowledge.venues)
    return replace(knowledge, venues=venues)


def _corrected(factor: Factor, stored: StoredValue) -> Factor:
    value = str(stored.value.get("value", factor.value))
    if not check_value(factor, value):
        return factor  # a row from an older version with values we no longer know
    cited = Source(
        id=f"A{stored.row_id}",
        url=stored.source,
        date=PartialDate(stored.set_at.date(), "day"),
        note=f"set by {stored.set_by}",
    )
    when = factor.when
    # A factor a venue has once may gain a date (an offer made now); a repeating one
    # keeps its own, since its date is part of its key (see `allowed_values`).
    if when is None and value not in UNSOURCED_VALUES and factor.name in SINGLE_FACTORS:
        when = PartialDate(stored.set_at.date(), "day")
    return replace(
        factor,
        value=value,
        source=(cited,),
        as_of=PartialDate(stored.set_at.date(), "day"),
        when=when,
    )


def as_of_date(factor: Factor) -> date:
    """The `as_of` column of a seeded row: the first day of the fact's as-of period."""
    return factor.as_of.start()
