"""What /status and /flights are asked about: a person, an aircraft or a callsign.

Tried in this order: an ICAO hex, a known registration, a person by any of their names
in en/ru/az (fuzzy, so "Уиткоффа" and "Uitkoff" find Steve Witkoff), then a callsign seen
in stored positions. When nothing matches, close spellings among people and
registrations are offered as suggestions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.watch.fuzzy import Candidate, NameIndex
from bot.watch.lookup import HEX_RE, Choice, match_people, person_candidate
from bot.watch.person_text import person_label
from bot.watch.watchlist_text import aircraft_label
from storage.flight_queries import hexes_by_callsign
from storage.models import Aircraft, Person, PersonAircraft
from storage.watchlist import (
    aircraft_by_ident,
    aircraft_with_people,
    all_people,
    links_of_person,
    registrations,
    registrations_version,
)

# Suggestions may be looser than matches: they are only offered, never acted on.
SUGGESTION_CUTOFF = 0.6
# ICAO callsigns: up to 8 letters and digits (spaces typed inside are ignored).
CALLSIGN_RE = re.compile(r"^(?:[A-Za-z0-9] ?){2,8}$")
MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class LinkedAircraft:
    """An aircraft of the subject, with the person link that ties it there (if any)."""

    hex: str
    aircraft: Aircraft | None
    link: PersonAircraft | None

    @property
    def label(self) -> str:
        """'DEMO1 (a1b2c3)' or the bare hex."""
        return aircraft_label(self.aircraft) if self.aircraft else self.hex


@dataclass(frozen=True)
class Subject:
    """A person (with the aircraft linked to them) or one aircraft (with its people)."""

    label: str
    person: Person | None
    aircraft: tuple[LinkedAircraft, ...]
    people: tuple[tuple[PersonAircraft, Person], ...] = ()

    @property
    def hexes(self) -> tuple[str, ...]:
        """The aircraft to report on."""
        return tuple(a.hex for a in self.aircraft)


@dataclass(frozen=True)
class SubjectLookup:
    """One subject, or the choices an ambiguous query had, or suggestions for none."""

    subject: Subject | None
    choices: tuple[Choice, ...] = ()
    suggestions: tuple[str, ...] = ()


async def _aircraft_subject(session: AsyncSession, hex_code: str) -> Subject:
    aircraft, people = await aircraft_with_people(session, hex_code)
    entry = LinkedAircraft(hex_code, aircraft, None)
    return Subject(entry.label, None, (entry,), tuple(people))


async def person_subject(session: AsyncSession, person: Person, locale: str) -> Subject:
    """A person with their linked aircraft, confirmed links first."""
    links = await links_of_person(session, person.id) if person.id is not None else []
    aircraft = tuple(LinkedAircraft(a.hex, a, link) for link, a in links)
    return Subject(person_label(person, locale), person, aircraft)


async def find_subject(session: AsyncSession, query: str, locale: str) -> SubjectLookup:
    """Resolve what the user typed (see the module docstring).

    A person costs three statements (aircraft by ident, people, the person's aircraft),
    a callsign four, whatever the store holds: people are loaded once and reused.
    """
    text = query.strip()
    if HEX_RE.match(text):
        return SubjectLookup(await _aircraft_subject(session, text.lower()))
    known = await aircraft_by_ident(session, text)
    if known is not None:
        return SubjectLookup(await _aircraft_subject(session, known.hex))
    people = await all_people(session)
    choices = match_people(people, text, locale)
    if len(choices) == 1:
        person = next(p for p in people if p.slug == choices[0].key)
        return SubjectLookup(await person_subject(session, person, locale))
    if choices:
        return SubjectLookup(None, choices=choices)
    # Last: callsigns are only in the positions (their own index, callsign_key).
    if CALLSIGN_RE.match(text):
        by_callsign = await hexes_by_callsign(session, text)
        if by_callsign:
            return SubjectLookup(await _aircraft_subject(session, by_callsign[0]))
    return SubjectLookup(None, suggestions=await suggestions(session, text, locale, people))


async def suggestions(
    session: AsyncSession, query: str, locale: str, people: Sequence[Person] | None = None
) -> tuple[str, ...]:
    """Close spellings among people and registrations, labelled in the chat's language."""
    if people is None:
        people = await all_people(session)
    known = await _suggestion_index(session, tuple(person_candidate(p) for p in people))
    match = known.index.find(query, cutoff=SUGGESTION_CUTOFF)
    by_slug = {p.slug: p for p in people}
    return tuple(
        person_label(by_slug[key[2:]], locale) if key.startswith("p:") else known.fleet[key[2:]]
        for key in match.keys[:MAX_SUGGESTIONS]
    )


@dataclass(frozen=True)
class _SuggestionIndex:
    people: tuple[Candidate, ...]
    fleet_version: str  # storage.watchlist.registrations_version
    fleet: dict[str, str]  # registration by hex
    index: NameIndex


# The last index built. Reading, folding and indexing every registration (about 2,000
# with the shipped fleet) took most of an unknown word's 40 ms; people and the fleet
# change rarely, so it is built again only when they did.
_last_index: list[_SuggestionIndex] = []


async def _suggestion_index(
    session: AsyncSession, people: tuple[Candidate, ...]
) -> _SuggestionIndex:
    version = await registrations_version(session)
    if _last_index and (_last_index[0].people, _last_index[0].fleet_version) == (people, version):
        return _last_index[0]
    fleet = await registrations(session)
    candidates = [Candidate(f"p:{c.key}", c.names) for c in people] + [
        Candidate(f"a:{hex_code}", (registration,)) for hex_code, registration in fleet
    ]
    built = _SuggestionIndex(people, version, dict(fleet), NameIndex(candidates))
    _last_index[:] = [built]
    return built
