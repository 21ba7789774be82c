"""What the matcher looks for, read from the store: watched people and venues.

People come from `people` (names and aliases per language); places from `venues`
(names per language, plus `extra["aliases"]` when the venue analysis stores
them). Keys are the slugs subscriptions use, so a mention of "baku" reaches the
chats following the venue "baku".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.statements.terms import TermKind, WatchTerm, person, place
from storage.venues import all_venues
from storage.watchlist import all_people


@dataclass(frozen=True)
class Watchlist:
    """The terms to match and the display names of what they name.

    Attributes:
        terms: people and places, for `Matcher`.
        names: display names per language by (kind, key).
    """

    terms: tuple[WatchTerm, ...] = ()
    names: Mapping[tuple[str, str], Mapping[str, str]] = field(default_factory=dict)


def _aliases(extra: Mapping[str, object]) -> dict[str, list[str]]:
    raw = extra.get("aliases")
    if not isinstance(raw, Mapping):
        return {}
    aliases: dict[str, list[str]] = {}
    for language, values in raw.items():
        if isinstance(values, str):
            aliases[str(language)] = [values]
        elif isinstance(values, Sequence):
            aliases[str(language)] = [str(v) for v in values if isinstance(v, str)]
    return aliases


async def load_watchlist(session: AsyncSession) -> Watchlist:
    """People and venues from the store as matcher terms, in a stable order.

    Args:
        session: an open session.

    Returns:
        The watchlist; equal to the previous one when nothing changed, so the
        caller rebuilds the matcher only after a change.
    """
    terms: list[WatchTerm] = []
    names: dict[tuple[str, str], Mapping[str, str]] = {}
    for row in await all_people(session):
        terms.append(person(row.slug, row.names, row.aliases))
        names[(TermKind.PERSON.value, row.slug)] = dict(row.names)
    venues = await all_venues(session)
    for venue in venues:
        phrases: dict[str, list[str]] = {lang: [name] for lang, name in venue.names.items()}
        for language, more in _aliases(venue.extra).items():
            phrases.setdefault(language, []).extend(more)
        terms.append(place(venue.slug, phrases))
        names[(TermKind.PLACE.value, venue.slug)] = dict(venue.names)
    return Watchlist(tuple(terms), names)
