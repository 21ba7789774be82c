"""The watched people shipped in bot/data/watchlist.yaml, and seeding them into the store."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
import yaml
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.watch.seed import (
    LANGUAGES,
    WatchlistError,
    default_path,
    load_people,
    parse_people,
    seed_people,
    seed_watchlist,
)
from storage.engine import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import Aircraft, Person


def test_the_shipped_file_names_everyone_in_three_languages_with_a_dated_source() -> None:
    people = load_people()
    assert {"witkoff", "putin", "trump", "aliyev", "lavrov", "rubio", "ushakov"} <= {
        p.slug for p in people
    }
    for person in people:
        assert set(person.names) == set(LANGUAGES)
        assert set(person.roles) == set(LANGUAGES) and all(person.roles.values())
        assert person.source.startswith("https://")
        assert re.match(r"^\d{4}-\d{2}", person.as_of)
    witkoff = next(p for p in people if p.slug == "witkoff")
    assert witkoff.names == {"en": "Steve Witkoff", "ru": "Стив Уиткофф", "az": "Stiv Uitkoff"}
    assert witkoff.roles == {
        "en": "United States special envoy",
        "ru": "специальный посланник США",
        "az": "ABŞ-ın xüsusi nümayəndəsi",
    }


def test_the_shipped_file_carries_no_aircraft_identity() -> None:
    data = yaml.safe_load(default_path().read_text(encoding="utf-8"))
    assert set(data) == {"people"}
    for person in data["people"]:
        assert not {"hex", "registration", "aircraft"} & set(person)
        aliases = [a for words in person["aliases"].values() for a in words]
        for text in [*person["names"].values(), *aliases]:
            assert not re.fullmatch(r"[0-9a-fA-F]{6}", text)


def _valid() -> dict[str, Any]:
    return {
        "slug": "someone",
        "names": {"en": "Some One", "ru": "Некто", "az": "Kimsə"},
        "aliases": {"en": ["One"]},
        "role": {"en": "Minister", "ru": "Министр", "az": "Nazir"},
        "source": "https://example.org/page",
        "as_of": "2025-03",
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"aircraft": [{"hex": "0101be"}]}, "exactly one key"),
        ({"people": [{**_valid(), "names": {"en": "Some One"}}]}, "names: one per language"),
        ({"people": [{**_valid(), "source": "http://example.org"}]}, "https:// URL"),
        ({"people": [{**_valid(), "as_of": "recently"}]}, "as_of"),
        ({"people": [{**_valid(), "role": "Minister"}]}, "role: one per language"),
        ({"people": [{**_valid(), "role": {"en": "Minister"}}]}, "role: one per language"),
        (
            {"people": [{**_valid(), "role": {"en": "Minister", "ru": "Министр", "az": " "}}]},
            "role: non-empty text",
        ),
        ({"people": [{**_valid(), "hex": "0101be"}]}, "expected the keys"),
        ({"people": [_valid(), _valid()]}, "slug used twice: someone"),
        ({"people": [{**_valid(), "slug": "Bad Slug"}]}, "bad slug"),
        ({"people": [{**_valid(), "aliases": {"en": "One"}}]}, "aliases: lists of names"),
        ({"people": []}, "non-empty list"),
    ],
)
def test_schema_errors_name_the_problem(change: dict[str, Any], message: str) -> None:
    data: dict[str, Any] = {"people": [_valid()]}
    data.update(change)
    with pytest.raises(WatchlistError, match=re.escape(message)):
        parse_people(data)


async def _people(sessions: async_sessionmaker[AsyncSession]) -> dict[str, Person]:
    async with sessions() as session:
        return {p.slug: p for p in (await session.exec(select(Person))).all()}


async def test_seeding_is_idempotent(sessions: async_sessionmaker[AsyncSession]) -> None:
    first = await seed_watchlist(sessions)
    assert len(first.added) == len(load_people()) and first.filled == ()
    stored = await _people(sessions)
    witkoff = stored["witkoff"]
    assert witkoff.names["ru"] == "Стив Уиткофф" and "Уиткофф" in witkoff.aliases["ru"]
    assert witkoff.source is not None and witkoff.source.endswith("(as of 2025-03-14)")
    again = await seed_watchlist(sessions)
    assert (again.added, again.filled) == ((), ())
    assert len(await _people(sessions)) == len(first.added)
    async with sessions() as session:
        assert (await session.exec(select(Aircraft))).all() == []


async def test_seeding_never_overwrites_an_analyst_edit(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed_watchlist(sessions)
    async with sessions.begin() as session:
        person = (await session.exec(select(Person).where(Person.slug == "witkoff"))).one()
        person.names = {"en": "Steven C. Witkoff"}  # ru and az dropped by mistake
        person.aliases = {"en": [], "ru": ["Уиткофф"]}  # English aliases removed on purpose
        # English and Russian edited; Azerbaijani emptied by mistake.
        person.roles = {"en": "Special Envoy for Peace Missions", "ru": "спецпосланник", "az": ""}
        person.source = "https://analyst.example/note"
        session.add(person)
    report = await seed_watchlist(sessions)
    assert report == type(report)(added=(), filled=("witkoff",))
    witkoff = (await _people(sessions))["witkoff"]
    assert witkoff.names == {"en": "Steven C. Witkoff", "ru": "Стив Уиткофф", "az": "Stiv Uitkoff"}
    assert witkoff.aliases == {"en": [], "ru": ["Уиткофф"], "az": ["Uitkoff", "Vitkoff"]}
    assert witkoff.roles == {
        "en": "Special Envoy for Peace Missions",
        "ru": "спецпосланник",
        "az": "ABŞ-ın xüsusi nümayəndəsi",
    }
    assert witkoff.source == "https://analyst.example/note"
    assert (await seed_watchlist(sessions)).filled == ()


async def test_a_role_migrated_from_english_only_gets_russian_and_azerbaijani(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Migration 0007 leaves a stored role as {"en": ...}: the next start fills ru and az."""
    await seed_watchlist(sessions)
    async with sessions.begin() as session:
        person = (await session.exec(select(Person).where(Person.slug == "lavrov"))).one()
        person.roles = {"en": "Foreign Minister of Russia"}
        session.add(person)
    assert (await seed_watchlist(sessions)).filled == ("lavrov",)
    assert (await _people(sessions))["lavrov"].roles == {
        "en": "Foreign Minister of Russia",
        "ru": "министр иностранных дел России",
        "az": "Rusiyanın xarici işlər naziri",
    }


async def test_a_person_added_to_the_file_later_is_added(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    people = load_people()
    async with sessions.begin() as session:
        await seed_people(session, people[:3])
    async with sessions.begin() as session:
        report = await seed_people(session, people)
    assert report.added == tuple(p.slug for p in people[3:])


async def test_processes_starting_together_on_postgresql_both_seed_without_error(
    migrated_pg_url: str,
) -> None:
    url = migrated_pg_url  # a copy of a migrated store: upgrade below finds nothing to do
    engine = create_engine(url)
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        reports = await asyncio.gather(*(seed_watchlist(sessions) for _ in range(3)))
        added = sorted(slug for report in reports for slug in report.added)
        assert added == sorted(p.slug for p in load_people())  # each person added once
        assert len(await _people(sessions)) == len(added)
    finally:
        await engine.dispose()
