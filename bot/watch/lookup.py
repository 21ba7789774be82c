"""Resolve what a user typed ("witkoff", "Баку", "ffa001", "kremlin-en") to a watched key."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.watch.fuzzy import Candidate, find
from storage.fleets import fleet_names
from storage.models import Person, SubscriptionKind
from storage.sources import all_sources
from storage.venues import all_venues
from storage.watchlist import aircraft_by_ident, all_aircraft, all_people

HEX_RE = re.compile(r"^[0-9a-fA-F]{6}$")
FLEETS = (SubscriptionKind.OPERATOR, SubscriptionKind.CATEGORY)


@dataclass(frozen=True)
class Choice:
    """One thing a query may mean: its key and a label in the chat's language."""

    key: str
    label: str


@dataclass(frozen=True)
class Resolution:
    """What a query found: one choice, several (ambiguous), or none."""

    kind: SubscriptionKind
    choices: tuple[Choice, ...]

    @property
    def unique(self) -> Choice | None:
        """The one match, when there is exactly one."""
        return self.choices[0] if len(self.choices) == 1 else None


def _label(names: dict[str, str], locale: str, fallback: str) -> str:
    return names.get(locale) or names.get("en") or fallback


async def people_candidates(session: AsyncSession, locale: str) -> dict[str, Choice]:
    """Every person as a choice with its label, and the names matching uses."""
    return {
        p.slug: Choice(p.slug, _label(p.names, locale, p.slug)) for p in await all_people(session)
    }


async def resolve(
    session: AsyncSession, kind: SubscriptionKind, query: str, locale: str
) -> Resolution:
    """Find what `query` names among the watched things of `kind`."""
    if kind == SubscriptionKind.ALL:
        return Resolution(kind, (Choice("*", "*"),))
    if kind == SubscriptionKind.AIRCRAFT:
        return Resolution(kind, await _aircraft(session, query))
    if kind in FLEETS:
        fleets = await fleet_names(session, kind.value)
        candidates = [Candidate(key, (name,)) for key, name, _count in fleets]
        labels = {key: name for key, name, _count in fleets}
    elif kind == SubscriptionKind.PERSON:
        return Resolution(kind, match_people(await all_people(session), query, locale))
    elif kind == SubscriptionKind.VENUE:
        venues = await all_venues(session)
        candidates = [Candidate(v.slug, tuple(v.names.values())) for v in venues]
        labels = {v.slug: _label(v.names, locale, v.slug) for v in venues}
    else:
        sources = await all_sources(session)
        candidates = [Candidate(s.name, (s.name,)) for s in sources]
        labels = {s.name: s.name for s in sources}
    match = find(query, candidates)
    return Resolution(kind, tuple(Choice(key, labels[key]) for key in match.keys))


def person_candidate(person: Person) -> Candidate:
    """A person as fuzzy matching sees them: every name and alias in every language."""
    aliases = (a for v in person.aliases.values() for a in v)
    return Candidate(person.slug, (*person.names.values(), *aliases))


def match_people(people: Sequence[Person], query: str, locale: str) -> tuple[Choice, ...]:
    """The people `query` names, among people already loaded."""
    labels = {p.slug: _label(p.names, locale, p.slug) for p in people}
    match = find(query, [person_candidate(p) for p in people])
    return tuple(Choice(key, labels[key]) for key in match.keys)


async def _aircraft(session: AsyncSession, query: str) -> tuple[Choice, ...]:
    found = await aircraft_by_ident(session, query)
    if found is not None:
        return (Choice(found.hex, _aircraft_label(found.hex, found.registration)),)
    # A hex we do not know yet is still a valid thing to follow.
    if HEX_RE.match(query.strip()):
        hex_code = query.strip().lower()
        return (Choice(hex_code, hex_code),)
    fleet = await all_aircraft(session)
    match = find(query, [Candidate(a.hex, tuple(filter(None, [a.registration]))) for a in fleet])
    labels = {a.hex: _aircraft_label(a.hex, a.registration) for a in fleet}
    return tuple(Choice(key, labels[key]) for key in match.keys)


def _aircraft_label(hex_code: str, registration: str | None) -> str:
    return f"{registration} ({hex_code})" if registration else hex_code


async def browse(session: AsyncSession, kind: SubscriptionKind, locale: str) -> tuple[Choice, ...]:
    """Everything of `kind` one could follow, for the /subscribe buttons."""
    if kind == SubscriptionKind.PERSON:
        return tuple(
            Choice(p.slug, _label(p.names, locale, p.slug)) for p in await all_people(session)
        )
    if kind == SubscriptionKind.AIRCRAFT:
        return tuple(
            Choice(a.hex, _aircraft_label(a.hex, a.registration))
            for a in await all_aircraft(session)
        )
    if kind == SubscriptionKind.VENUE:
        venues = await all_venues(session)
        return tuple(Choice(v.slug, _label(v.names, locale, v.slug)) for v in venues)
    if kind in FLEETS:
        # Largest fleets first: the buttons can show only a few of them.
        return tuple(
            Choice(key, name) for key, name, _count in await fleet_names(session, kind.value)
        )
    if kind == SubscriptionKind.SOURCE:
        sources = await all_sources(session)
        return tuple(Choice(s.name, s.name) for s in sources)
    return (Choice("*", "*"),)


async def describe(session: AsyncSession, kind: str, key: str, locale: str) -> str:
    """A label for an existing subscription's key, in the chat's language."""
    try:
        resolved = await resolve(session, SubscriptionKind(kind), key, locale)
    except ValueError:
        return key
    for choice in resolved.choices:
        if choice.key == key:
            return choice.label
    return key
