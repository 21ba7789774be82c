"""find_subject's cost in statements: a person in three, a callsign in four, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.watch.subject import find_subject
from storage.models import Aircraft, Person, PersonAircraft, Position
from storage.positions import add_positions

SAVED = datetime(2025, 3, 14, 1, 30, tzinfo=UTC)


async def _statements(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], query: str
) -> tuple[int, Any]:
    count = [0]

    def counted(*_args: Any) -> None:
        count[0] += 1

    event.listen(engine.sync_engine, "before_cursor_execute", counted)
    try:
        async with sessions() as session:
            found = await find_subject(session, query, "en")
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", counted)
    return count[0], found


async def test_a_person_costs_three_statements_and_a_callsign_four(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions.begin() as session:
        envoy = Person(slug="envoy", names={"en": "Demo Envoy"}, source="test data")
        session.add_all([envoy, Aircraft(hex="ffa001", registration="DEMO1", source="test")])
        await session.flush()
        assert envoy.id is not None
        session.add(PersonAircraft(person_id=envoy.id, aircraft_hex="ffa001", since=SAVED))
        await add_positions(
            session,
            [Position(hex="ffa001", ts=SAVED, lat=1.0, lon=2.0, callsign="DMO1  ", provider="t")],
        )
    count, found = await _statements(engine, sessions, "envoy")
    assert found.subject is not None and found.subject.hexes == ("ffa001",)
    assert count == 3  # aircraft by ident, people, the person's aircraft
    count, found = await _statements(engine, sessions, "dmo1")
    assert found.subject is not None and found.subject.hexes == ("ffa001",)
    assert [p.slug for _link, p in found.subject.people] == ["envoy"]
    assert count == 4  # aircraft by ident, people, callsign, the aircraft with its people
    count, found = await _statements(engine, sessions, "demo1")
    assert found.subject is not None and found.subject.label == "DEMO1 (ffa001)"
    assert count == 2


async def test_an_unknown_word_reads_the_registrations_again_only_once_they_changed(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Suggestions keep their index of registrations while the fleet's registrations stay
    the same (one statement checks), and see an added or edited registration at once."""
    async with sessions.begin() as session:
        session.add_all([Aircraft(hex="ffa001", registration="DEMO1", source="test")])
    count, found = await _statements(engine, sessions, "demo2")
    assert found.suggestions == ("DEMO1",)
    count, found = await _statements(engine, sessions, "demo2")
    assert found.suggestions == ("DEMO1",)
    # aircraft by ident, people, callsign, the registrations' version; not the 2,000 rows
    assert count == 4
    async with sessions.begin() as session:
        session.add(Aircraft(hex="ffa002", registration="DEMO3", source="test"))
        edited = await session.get(Aircraft, "ffa001")
        assert edited is not None
        edited.registration = "DEMO7"
    count, found = await _statements(engine, sessions, "demo2")
    assert found.suggestions == ("DEMO7", "DEMO3")  # by hex
    assert count == 5
    async with sessions.begin() as session:
        edited = await session.get(Aircraft, "ffa001")
        assert edited is not None
        edited.operator = "Not a registration"
        edited.registration = "DEMO8"
    count, found = await _statements(engine, sessions, "demo2")
    assert found.suggestions == ("DEMO8", "DEMO3")
