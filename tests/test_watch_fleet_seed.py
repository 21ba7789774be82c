"""The shipped fleet (bot/data/fleet.csv from plane-alert-db) and seeding it at start-up."""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.runtime.leader import startup_lock
from bot.watch.fleet import DATASET
from bot.watch.fleet_seed import FleetFileError, default_path, load_shipped, seed_fleet
from bot.watch.planealert import parse
from bot.watch.seed import seed_watchlist
from storage.engine import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import Aircraft, DatasetImport, LinkConfidence, PersonAircraft
from storage.types import utcnow
from storage.watchlist import (
    add_aircraft,
    links_of_person,
    person_by_slug,
    remove_aircraft,
    remove_link,
    set_link,
)
from tests.conftest import create_pg_database, drop_pg_database

DATA = default_path().parent
PUTIN_IL96 = "15770c"  # RA-96012, Russia Special Flight Detachment
ALIYEV_ACJ319 = "600801"  # 4K-8888, Gov of Azerbaijan


def test_the_shipped_file_is_the_sidecars_selection_of_plane_alert_db() -> None:
    meta = json.loads((DATA / "fleet.json").read_text(encoding="utf-8"))
    data = (DATA / "fleet.csv").read_bytes()
    assert hashlib.sha256(data).hexdigest() == meta["sha256"]
    assert meta["repository"] == "https://github.com/sdr-enthusiasts/plane-alert-db"
    assert meta["commit"] == "bf1e2baa70fbf425bfcd2ab991fcaf95d7005429"
    assert meta["as_of"] == "2026-08-21"
    assert "ODbL" in meta["licence"] and (DATA / meta["licence_file"]).is_file()
    assert "Open Database License" in (DATA / meta["licence_file"]).read_text(encoding="utf-8")
    entries = list(parse(data.splitlines(keepends=True)))
    assert len(entries) == meta["rows"] > 1700
    assert all(getattr(e, "cmpg", None) == "Gov" or e.category == "Dictator Alert" for e in entries)  # type: ignore[union-attr]
    for shipped in ("fleet.csv", "fleet.json", meta["licence_file"]):
        text = (DATA / shipped).read_text(encoding="utf-8")
        assert "/work" not in text and "shared/" not in text


def test_a_damaged_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "fleet.csv").write_bytes((DATA / "fleet.csv").read_bytes()[:-40])
    (tmp_path / "fleet.json").write_bytes((DATA / "fleet.json").read_bytes())
    with pytest.raises(FleetFileError, match="sha256"):
        load_shipped(tmp_path / "fleet.csv")


async def _seed(sessions: async_sessionmaker[AsyncSession]) -> None:
    await seed_watchlist(sessions)
    report = await seed_fleet(sessions)
    assert report.outcome is not None


async def _links(
    sessions: async_sessionmaker[AsyncSession], slug: str
) -> dict[str, PersonAircraft]:
    async with sessions() as session:
        person = await person_by_slug(session, slug)
        assert person is not None and person.id is not None
        return {link.aircraft_hex: link for link, _a in await links_of_person(session, person.id)}


async def _forget_state(sessions: async_sessionmaker[AsyncSession]) -> None:
    """As if a newer package shipped another copy: the next start applies it."""
    async with sessions.begin() as session:
        await session.exec(delete(DatasetImport))


async def test_seed_links_the_named_people_as_believed_with_the_source(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _seed(sessions)
    putin = await _links(sessions, "putin")
    assert len(putin) == 27
    link = putin[PUTIN_IL96]
    assert link.confidence == LinkConfidence.BELIEVED
    assert (link.source, link.as_of, link.set_by) == (DATASET, "2026-08-21", None)
    assert link.source_url == "https://data.dictatoralert.org/dictatorships"
    assert link.stale_since is None
    assert len(await _links(sessions, "aliyev")) == 12
    # Tags such as "Trump l'oeil" or "Trump Campaign" name nobody.
    for slug in ("trump", "witkoff", "lavrov", "peskov"):
        assert await _links(sessions, slug) == {}
    async with sessions() as session:
        aircraft = await session.get(Aircraft, PUTIN_IL96)
        count = len((await session.exec(select(Aircraft.hex))).all())  # type: ignore[call-overload]
    assert aircraft is not None
    assert (aircraft.registration, aircraft.operator) == (
        "RA-96012",
        "Russia Special Flight Detachment",
    )
    assert aircraft.source is not None and "plane-alert-db" in aircraft.source
    assert "bf1e2baa70fb" in aircraft.source and "2026-08-21" in aircraft.source
    assert count == 1772


async def test_an_unchanged_copy_is_skipped_and_untrack_and_analysts_survive(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed_watchlist(sessions)
    async with sessions.begin() as session:
        putin = await person_by_slug(session, "putin")
        aliyev = await person_by_slug(session, "aliyev")
        assert putin is not None and putin.id is not None
        assert aliyev is not None and aliyev.id is not None
        # An analyst's own /track of a shipped hex, before the first start with the fleet.
        await add_aircraft(session, "157711", by=42, source="analyst via /track")
        await set_link(
            session,
            putin.id,
            "157711",
            confidence=LinkConfidence.CONFIRMED,
            note="seen boarding",
            by=42,
            now=utcnow(),
        )
    assert (await seed_fleet(sessions)).outcome is not None
    assert (await seed_fleet(sessions)).outcome is None  # unchanged: nothing read or written
    analysts = (await _links(sessions, "putin"))["157711"]
    assert (analysts.confidence, analysts.note, analysts.set_by, analysts.source) == (
        LinkConfidence.CONFIRMED,
        "seen boarding",
        42,
        None,
    )
    async with sessions.begin() as session:
        assert await remove_aircraft(session, PUTIN_IL96, by=42)
        assert await remove_link(session, aliyev.id, ALIYEV_ACJ319, by=42)
    await _forget_state(sessions)
    report = await seed_fleet(sessions)
    assert report.outcome is not None and report.outcome.untracked == [PUTIN_IL96]
    async with sessions() as session:
        assert await session.get(Aircraft, PUTIN_IL96) is None
        assert await session.get(Aircraft, ALIYEV_ACJ319) is not None
    assert ALIYEV_ACJ319 not in await _links(sessions, "aliyev")
    assert (await _links(sessions, "putin"))["157711"].confidence == LinkConfidence.CONFIRMED
    # /track brings an untracked aircraft back, and the next copy links it again.
    async with sessions.begin() as session:
        await add_aircraft(session, PUTIN_IL96, by=42, source="analyst via /track")
    await _forget_state(sessions)
    await seed_fleet(sessions)
    assert PUTIN_IL96 in await _links(sessions, "putin")


@pytest.mark.parametrize("backend", ["postgres"])
async def test_replicas_starting_together_seed_once(backend: str) -> None:
    url = await create_pg_database()
    engines: list[AsyncEngine] = [create_engine(url) for _ in range(3)]
    try:

        async def start(engine: AsyncEngine) -> None:
            async with startup_lock(engine):
                await upgrade(engine)
                await seed_watchlist(session_factory(engine))
                await seed_fleet(session_factory(engine))

        await asyncio.gather(*(start(e) for e in engines))
        sessions = session_factory(engines[0])
        assert len(await _links(sessions, "putin")) == 27
        async with sessions() as session:
            count = len((await session.exec(select(Aircraft.hex))).all())  # type: ignore[call-overload]
        assert count == 1772
    finally:
        for engine in engines:
            await engine.dispose()
        await drop_pg_database(url)
