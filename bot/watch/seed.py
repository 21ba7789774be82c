"""Seed the watched people from `bot/data/watchlist.yaml`, never undoing an analyst's edit.

The file ships people only (names, aliases and role in en/ru/az, a cited source and the
date it is true as of); aircraft identities come from analysts through /track. Seeding
is idempotent: a missing person is added; a stored one only gets what it lacks (a
language missing from names or aliases, a language missing or empty in its role, an
empty source). Whatever is stored
stays as it is, so an edit made in the store since the last start survives a restart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.kernel.data_files import load_yaml
from storage.models import Person
from storage.watchlist import add_person_once, all_people, save_person

LANGUAGES = ("en", "ru", "az")
_SLUG = re.compile(r"^[a-z][a-z0-9-]{1,63}$")
_AS_OF = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_PERSON_KEYS = {"slug", "names", "aliases", "role", "source", "as_of"}


class WatchlistError(ValueError):
    """The watchlist file breaks its schema; the message names the file and the entry."""


@dataclass(frozen=True)
class SeedPerson:
    """One person as the file gives them."""

    slug: str
    names: dict[str, str]
    aliases: dict[str, list[str]]
    roles: dict[str, str]
    source: str
    as_of: str

    @property
    def provenance(self) -> str:
        """The source with its date, as stored in `Person.source`."""
        return f"{self.source} (as of {self.as_of})"


@dataclass(frozen=True)
class SeedReport:
    """What a seeding run changed."""

    added: tuple[str, ...]
    filled: tuple[str, ...]


def default_path() -> Path:
    """The shipped `bot/data/watchlist.yaml`."""
    return Path(str(resources.files("bot").joinpath("data", "watchlist.yaml")))


def load_people(path: Path | None = None) -> list[SeedPerson]:
    """Read and validate a watchlist file (the shipped one by default)."""
    where = path or default_path()
    return parse_people(load_yaml(where, WatchlistError), where.name)


def parse_people(data: object, origin: str = "watchlist.yaml") -> list[SeedPerson]:
    """Validate parsed YAML: a mapping with `people` and nothing else (no aircraft)."""
    if not isinstance(data, dict) or set(data) != {"people"}:
        raise WatchlistError(f"{origin}: expected exactly one key, 'people'")
    raw_people = data["people"]
    if not isinstance(raw_people, list) or not raw_people:
        raise WatchlistError(f"{origin}: people: expected a non-empty list")
    people = [_person(raw, f"{origin}: people[{i}]") for i, raw in enumerate(raw_people)]
    slugs = [p.slug for p in people]
    twice = sorted({s for s in slugs if slugs.count(s) > 1})
    if twice:
        raise WatchlistError(f"{origin}: slug used twice: {', '.join(twice)}")
    return people


def _person(raw: object, where: str) -> SeedPerson:
    if not isinstance(raw, dict) or set(raw) != _PERSON_KEYS:
        raise WatchlistError(f"{where}: expected the keys {', '.join(sorted(_PERSON_KEYS))}")
    slug = raw["slug"]
    if not isinstance(slug, str) or not _SLUG.match(slug):
        raise WatchlistError(f"{where}: bad slug {slug!r}")
    where = f"{where} ({slug})"
    names = _per_language(raw["names"], "names", where)
    aliases = raw["aliases"]
    if not isinstance(aliases, dict) or not set(aliases) <= set(LANGUAGES):
        raise WatchlistError(f"{where}: aliases: lists per language {', '.join(LANGUAGES)}")
    for words in aliases.values():
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise WatchlistError(f"{where}: aliases: lists of names")
    source, as_of = raw["source"], raw["as_of"]
    if not isinstance(source, str) or not source.startswith("https://"):
        raise WatchlistError(f"{where}: source: an https:// URL")
    as_of_text = as_of.isoformat() if isinstance(as_of, date) else str(as_of)
    if not _AS_OF.match(as_of_text):
        raise WatchlistError(f"{where}: as_of: a date such as 2025-03-14 or 2025-12")
    return SeedPerson(
        slug=slug,
        names=names,
        aliases={k: list(v) for k, v in aliases.items()},
        roles=_per_language(raw["role"], "role", where),
        source=source,
        as_of=as_of_text,
    )


def _per_language(texts: object, key: str, where: str) -> dict[str, str]:
    """One non-empty text per language, stripped (names, role)."""
    if not isinstance(texts, dict) or set(texts) != set(LANGUAGES):
        raise WatchlistError(f"{where}: {key}: one per language {', '.join(LANGUAGES)}")
    return {language: _text(value, key, where) for language, value in texts.items()}


def _text(value: Any, key: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise WatchlistError(f"{where}: {key}: non-empty text")
    return value.strip()


def _fill(person: Person, seed: SeedPerson) -> bool:
    """Give a stored person what it lacks from the seed; True when something was added."""
    names = dict(person.names)
    aliases = {k: list(v) for k, v in person.aliases.items()}
    roles = dict(person.roles)
    for language, name in seed.names.items():
        names.setdefault(language, name)
    for language, words in seed.aliases.items():
        aliases.setdefault(language, words)
    for language, role in seed.roles.items():
        # Empty counts as missing: a role migrated from one text has only "en".
        roles[language] = roles.get(language) or role
    changed = names != person.names or aliases != person.aliases or roles != person.roles
    # New dicts, not in-place edits: JSON columns only notice reassignment.
    person.names, person.aliases, person.roles = names, aliases, roles
    if not person.source:
        person.source, changed = seed.provenance, True
    return changed


async def seed_people(session: AsyncSession, people: list[SeedPerson]) -> SeedReport:
    """Add missing people and fill gaps in stored ones (see the module docstring)."""
    stored = {p.slug: p for p in await all_people(session)}
    added: list[str] = []
    filled: list[str] = []
    for seed in people:
        person = stored.get(seed.slug)
        if person is None:
            new = Person(
                slug=seed.slug,
                names=seed.names,
                aliases=seed.aliases,
                roles=seed.roles,
                source=seed.provenance,
            )
            # False: another process starting at the same moment seeded this person first.
            if await add_person_once(session, new):
                added.append(seed.slug)
        elif _fill(person, seed):
            await save_person(session, person)
            filled.append(seed.slug)
    return SeedReport(tuple(added), tuple(filled))


async def seed_watchlist(
    sessions: async_sessionmaker[AsyncSession], path: Path | None = None
) -> SeedReport:
    """Seed the shipped (or given) watchlist file in one transaction."""
    people = load_people(path)
    async with sessions.begin() as session:
        return await seed_people(session, people)
