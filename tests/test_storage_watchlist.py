"""Watchlist changes in the store (/track, /untrack), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.engine import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import Aircraft, LinkConfidence, Person, PersonAircraft
from storage.watchlist import (
    add_aircraft,
    all_links,
    links_of_person,
    remove_aircraft,
    remove_link,
    set_link,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


async def _people(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    async with sessions.begin() as session:
        envoy = Person(slug="envoy", names={"en": "Demo Envoy"})
        aide = Person(slug="aide", names={"en": "Demo Aide"})
        session.add_all([envoy, aide])
        await session.flush()
        assert envoy.id is not None and aide.id is not None
        return envoy.id, aide.id


async def test_track_link_restate_and_untrack(sessions: async_sessionmaker[AsyncSession]) -> None:
    envoy, aide = await _people(sessions)
    async with sessions.begin() as session:
        aircraft, created = await add_aircraft(session, "ffa001", by=7, source="analyst")
        again, created_again = await add_aircraft(session, "ffa001", by=8, source="other")
        assert (created, created_again) == (True, False)
        assert again.added_by == 7 and aircraft.source == "analyst"
        await add_aircraft(session, "ffa002", by=7, source="analyst")
        first = await set_link(
            session, envoy, "ffa001", confidence=LinkConfidence.BELIEVED, note="n1", by=7, now=T0
        )
        await set_link(
            session, envoy, "ffa002", confidence=LinkConfidence.CONFIRMED, note=None, by=7, now=T0
        )
        await set_link(
            session, aide, "ffa001", confidence=LinkConfidence.BELIEVED, note=None, by=9, now=T0
        )
        assert first.id is not None
    later = T0 + timedelta(days=1)
    async with sessions.begin() as session:
        restated = await set_link(
            session,
            envoy,
            "ffa001",
            confidence=LinkConfidence.CONFIRMED,
            note=None,
            by=8,
            now=later,
        )
        assert restated.id == first.id  # the same link, restated
    async with sessions() as session:
        of_envoy = await links_of_person(session, envoy)
        links = await all_links(session)
    # Newest first among equally confirmed links; note kept, provenance updated.
    assert [(link.aircraft_hex, link.confidence) for link, _ in of_envoy] == [
        ("ffa001", "confirmed"),
        ("ffa002", "confirmed"),
    ]
    link, _aircraft = of_envoy[0]
    assert (link.note, link.set_by, link.since) == ("n1", 8, later)
    assert [(link.aircraft_hex, person.slug) for link, person in links] == [
        ("ffa001", "aide"),
        ("ffa001", "envoy"),
        ("ffa002", "envoy"),
    ]
    async with sessions.begin() as session:
        assert await remove_link(session, aide, "ffa001")
        assert not await remove_link(session, aide, "ffa001")
        assert await remove_aircraft(session, "ffa001")
        assert not await remove_aircraft(session, "ffa001")
    async with sessions() as session:
        left = (await session.exec(select(PersonAircraft))).all()
        fleet = (await session.exec(select(Aircraft))).all()
    assert [(link.person_id, link.aircraft_hex) for link in left] == [(envoy, "ffa002")]
    assert [a.hex for a in fleet] == ["ffa002"]


async def test_two_admins_tracking_at_once_on_postgresql_both_succeed(migrated_pg_url: str) -> None:
    url = migrated_pg_url  # a copy of a migrated store: upgrade below finds nothing to do
    engine = create_engine(url)
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        envoy, _aide = await _people(sessions)

        async def track(by: int) -> bool:
            async with sessions.begin() as session:
                _aircraft, created = await add_aircraft(session, "ffa001", by=by, source="a")
                await set_link(
                    session,
                    envoy,
                    "ffa001",
                    confidence=LinkConfidence.BELIEVED,
                    note=None,
                    by=by,
                    now=T0,
                )
                # Hold the transaction open so that the other one meets its rows.
                await asyncio.sleep(0.05)
                return created

        created = await asyncio.gather(track(1), track(2), track(3))
        assert sorted(created) == [False, False, True]
        async with sessions() as session:
            links = (await session.exec(select(PersonAircraft))).all()
        assert len(links) == 1
    finally:
        await engine.dispose()
