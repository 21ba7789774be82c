"""`/venue set <venue> <factor> <value> <source>`: check an analyst's correction, store it.

`parse_correction` is pure: it finds the venue (fuzzy, en/ru/az; the name may have
several words), the factor key, the value and the source, or says exactly what is
wrong. `record_correction` appends the row with who and when; nothing is written for
input that was refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.venues.knowledge import FACTOR_VALUES, Knowledge, Venue
from bot.venues.stored import (
    MAX_SOURCE_CHARS,
    MAX_VALUE_CHARS,
    StoredValue,
    allowed_values,
    check_value,
    corrected_value,
    factor_keys,
    factor_value,
)
from storage.models import VenueFactor
from storage.venues import add_factor_value, venue_by_slug

MAX_NAME_CHARS = 64


class Problem(StrEnum):
    """Why a correction was refused."""

    USAGE = "usage"
    UNKNOWN_VENUE = "unknown_venue"
    AMBIGUOUS = "ambiguous"
    UNKNOWN_FACTOR = "unknown_factor"
    BAD_VALUE = "bad_value"
    NO_VALUE = "no_value"
    NO_SOURCE = "no_source"
    TOO_LONG = "too_long"


@dataclass(frozen=True)
class Refusal:
    """A refused correction and the details the answer needs."""

    problem: Problem
    text: str = ""
    venue: Venue | None = None
    options: tuple[str, ...] = ()
    candidates: tuple[Venue, ...] = field(default=())
    length: int = 0
    limit: int = 0


@dataclass(frozen=True)
class Correction:
    """A checked correction, ready to store."""

    venue: Venue
    key: str
    name: str
    value: str
    source: str


def _is_factor_token(token: str) -> bool:
    name = token.lower().split(":", 1)[0].split("#", 1)[0]
    return name in FACTOR_VALUES


def _too_long(text: str, limit: int) -> Refusal | None:
    if len(text) > limit:
        return Refusal(Problem.TOO_LONG, text[:40], length=len(text), limit=limit)
    return None


def parse_correction(tokens: Sequence[str], knowledge: Knowledge) -> Correction | Refusal:
    """Check `<venue words> <factor> <value> <source words>` against the knowledge base."""
    if len(tokens) < 2:
        return Refusal(Problem.USAGE)
    at = next((i for i in range(1, len(tokens)) if _is_factor_token(tokens[i])), None)
    split = at if at is not None else 1
    query = " ".join(tokens[:split])
    if (long := _too_long(query, MAX_NAME_CHARS)) is not None:
        return long
    found = knowledge.match(query)
    if found.venue is None:
        if found.candidates:
            return Refusal(Problem.AMBIGUOUS, query, candidates=found.candidates)
        return Refusal(Problem.UNKNOWN_VENUE, query)
    venue = found.venue
    key = tokens[split].lower()
    keys = [k for k, _f in factor_keys(venue)]
    if (long := _too_long(key, MAX_NAME_CHARS)) is not None:
        return long
    if key not in keys:
        return Refusal(Problem.UNKNOWN_FACTOR, key, venue=venue, options=tuple(keys))
    factor = dict(factor_keys(venue))[key]
    rest = tokens[split + 1 :]
    allowed = tuple(sorted(allowed_values(factor)))
    if not rest:
        return Refusal(Problem.NO_VALUE, venue=venue, options=allowed)
    value = rest[0].lower()
    if (long := _too_long(value, MAX_VALUE_CHARS)) is not None:
        return long
    if not check_value(factor, value):
        return Refusal(Problem.BAD_VALUE, value, venue=venue, options=allowed)
    source = " ".join(rest[1:]).strip()
    if not source:
        return Refusal(Problem.NO_SOURCE, venue=venue)
    if (long := _too_long(source, MAX_SOURCE_CHARS)) is not None:
        return long
    return Correction(venue, key, factor.name, value, source)


async def record_correction(
    session: AsyncSession,
    correction: Correction,
    current: StoredValue | None,
    *,
    by: int,
    now: datetime,
) -> VenueFactor:
    """Append the correction to the factor's history (who: `by`, when: `now`)."""
    row = await venue_by_slug(session, correction.venue.slug)
    if row is None or row.id is None:
        raise LookupError(f"venue {correction.venue.slug!r} is not in the store")
    factor = dict(factor_keys(correction.venue))[correction.key]
    base = dict(current.value) if current is not None else factor_value(factor)
    return await add_factor_value(
        session,
        row.id,
        correction.key,
        corrected_value(base, correction.value, correction.source),
        source=correction.source,
        as_of=now.date(),
        set_by=by,
        set_at=now,
    )
