"""Queries behind /status and /flights, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.flights.history import State
from bot.flights.overview import aircraft_overview, aircraft_overviews, recent_flights, recent_track
from bot.flights.store import record_flight_event
from storage.flight_queries import flight_events, hexes_by_callsign, last_event, last_fix, track
from storage.models import Aircraft, Position
from storage.positions import add_positions
from storage.types import utcnow
from storage.watchlist import aircraft_by_ident

T0 = datetime(2025, 3, 13, 22, 54, tzinfo=UTC)  # 01:54 in Moscow
HEX, OTHER = "ffa001", "abc123"


async def _event(
    sessions: async_sessionmaker[AsyncSession],
    key: str,
    kind: str,
    minutes: float,
    airport: str | None,
    *,
    hex_code: str = HEX,
    **values: Any,
) -> None:
    async with sessions.begin() as session:
        await record_flight_event(
            session,
            values={
                "dedup_key": key,
                "kind": kind,
                "hex": hex_code,
                "ts": T0 + timedelta(minutes=minutes),
                "airport_icao": airport,
                **values,
            },
            payload={"kind": kind, "hex": hex_code},
            person_slugs=[],
            now=utcnow(),
        )


async def _positions(
    sessions: async_sessionmaker[AsyncSession], minutes: list[float], **fields: Any
) -> None:
    hex_code = fields.pop("hex", HEX)
    async with sessions.begin() as session:
        await add_positions(
            session,
            [
                Position(
                    hex=hex_code,
                    ts=T0 + timedelta(minutes=m),
                    lat=55.6 - m / 100,
                    lon=37.3 + m / 50,
                    alt_ft=int(m * 100),
                    provider="test",
                    **fields,
                )
                for m in minutes
            ],
        )


async def test_positions_newest_fix_and_track_window(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _positions(sessions, [0, 10, 20, 30], callsign="DMO1  ")
    await _positions(sessions, [40], hex=OTHER)
    async with sessions() as session:
        newest = await last_fix(session, HEX)
        window = await track(session, HEX, T0 + timedelta(minutes=5), T0 + timedelta(minutes=25))
        assert await last_fix(session, "000001") is None
    assert newest is not None and newest.ts == T0 + timedelta(minutes=30)
    assert newest.callsign == "DMO1  " and newest.alt_ft == 3000
    assert [f.ts for f in window] == [T0 + timedelta(minutes=10), T0 + timedelta(minutes=20)]


async def test_callsigns_match_without_case_or_padding_newest_aircraft_first(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _positions(sessions, [0, 5], callsign="DMO1    ")
    await _positions(sessions, [9], callsign="dmo1", hex=OTHER)
    await _positions(sessions, [20], callsign="AFL100")
    async with sessions() as session:
        assert await hexes_by_callsign(session, " dmo 1") == [OTHER, HEX]
        assert await hexes_by_callsign(session, "AFL100") == [HEX]
        assert await hexes_by_callsign(session, "XYZ") == []
        assert await hexes_by_callsign(session, "  ") == []


async def test_flight_events_are_the_newest_of_the_flight_kinds_oldest_first(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _event(sessions, "k1", "takeoff", 0, "UUWW")
    await _event(sessions, "k2", "emergency", 30, None)
    await _event(sessions, "k3", "landing", 216, "UBBB", data={"departure": "UUWW"})
    await _event(sessions, "k4", "takeoff", 300, "UBBB")
    await _event(sessions, "k5", "takeoff", 10, "LTFM", hex_code=OTHER)
    async with sessions() as session:
        newest_two = await flight_events(session, [HEX], limit=2)
        both = await flight_events(session, [HEX, OTHER], limit=10)
        assert await flight_events(session, [], limit=10) == []
        newest = await last_event(session, HEX)
    assert [e.dedup_key for e in newest_two] == ["k3", "k4"]
    assert newest_two[0].data == {"departure": "UUWW"}
    assert [e.dedup_key for e in both] == ["k1", "k5", "k3", "k4"]  # no emergency
    assert newest is not None and newest.dedup_key == "k4"


async def test_overview_of_a_landed_aircraft_and_its_track(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _positions(sessions, [-30], on_ground=True)  # parked the day before: not this flight
    await _positions(sessions, [0, 60, 120, 200, 215])
    await _positions(sessions, [240], on_ground=True)  # taxiing in after the landing
    await _event(sessions, "t1", "takeoff", 0, "UUWW")
    await _event(sessions, "l1", "landing", 216, "UBBB")
    async with sessions() as session:
        overview = await aircraft_overview(session, HEX, T0 + timedelta(days=1))
        fixes = await recent_track(session, overview)
        found = await recent_flights(session, [HEX], 5)
    assert overview.where.state == State.ON_GROUND
    assert (overview.where.airport, overview.where.since) == ("UBBB", T0 + timedelta(minutes=216))
    assert overview.last_flight is not None and overview.last_flight.duration_s == 216 * 60
    # From 10 minutes before the takeoff to 10 minutes after the landing.
    assert [f.ts - T0 for f in fixes] == [timedelta(minutes=m) for m in (0, 60, 120, 200, 215)]
    assert [(f.departure, f.arrival) for f in found] == [("UUWW", "UBBB")]


async def test_overview_of_an_aircraft_in_the_air_and_of_one_never_seen(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _event(sessions, "t1", "takeoff", 0, "UUWW")
    await _positions(sessions, [1, 2, 3])
    async with sessions() as session:
        flying = await aircraft_overview(session, HEX, T0 + timedelta(minutes=5))
        lost = await aircraft_overview(session, HEX, T0 + timedelta(hours=2))
        unseen = await aircraft_overview(session, OTHER, T0)
        no_track = await recent_track(session, unseen)
    assert (flying.where.state, flying.where.airport) == (State.AIRBORNE, "UUWW")
    assert lost.where.state == State.UNKNOWN
    assert lost.where.last_seen == T0 + timedelta(minutes=3)
    assert (unseen.where.state, unseen.last_flight, unseen.last_fix) == (State.UNKNOWN, None, None)
    assert no_track == []


async def test_recent_flights_limit_and_order(sessions: async_sessionmaker[AsyncSession]) -> None:
    for n in range(6):
        await _event(sessions, f"t{n}", "takeoff", n * 600, "UUWW")
        await _event(sessions, f"l{n}", "landing", n * 600 + 200, "UBBB")
    async with sessions() as session:
        found = await recent_flights(session, [HEX], 3)
    assert [f.departed for f in found] == [T0 + timedelta(minutes=n * 600) for n in (5, 4, 3)]
    assert all(f.arrival == "UBBB" for f in found)


async def test_callsign_lookup_reads_the_callsign_index(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """`/status <callsign>` is answered from ix_positions_callsign_key, never a table scan."""
    await _positions(sessions, [0, 5], callsign="DMO1    ")
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        async with sessions() as session:
            assert await hexes_by_callsign(session, "dmo1") == [HEX]
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    plan = await _plan(engine, *seen[-1])
    assert "ix_positions_callsign_key" in plan, plan
    assert "SCAN positions\n" not in plan + "\n" and "Seq Scan" not in plan, plan


async def _plan(engine: AsyncEngine, statement: str, parameters: Any) -> str:
    async with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = await connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        else:
            # A few rows make any table cheap to scan: ask whether the index can serve.
            await connection.exec_driver_sql("SET enable_seqscan = off")
            rows = await connection.exec_driver_sql("EXPLAIN " + statement, parameters)
        return "\n".join(str(row[-1]) for row in rows.all())


async def test_registration_lookup_reads_the_registration_index(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """`/status <word>` asks for a registration first: an index seek, not every aircraft."""
    async with sessions.begin() as session:
        for n in range(20):
            session.add(Aircraft(hex=f"aaa{n:03x}", registration=f"ZZ-B{n:03}"))
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        async with sessions() as session:
            found = await aircraft_by_ident(session, " zz-b007 ")
            by_hex = await aircraft_by_ident(session, "AAA001")
            assert await aircraft_by_ident(session, "zz-b999") is None
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    assert found is not None and found.hex == "aaa007"
    assert by_hex is not None and by_hex.hex == "aaa001"
    statement, parameters = seen[0]
    plan = await _plan(engine, statement, parameters)
    assert "ix_aircraft_registration_key" in plan, plan
    assert "SCAN aircraft\n" not in plan + "\n" and "Seq Scan" not in plan, plan


async def test_overviews_of_several_aircraft_in_two_statements(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """/status of a person with several aircraft reads the store twice, whatever their number."""
    await _event(sessions, "t1", "takeoff", 0, "UUWW")
    await _event(sessions, "l1", "landing", 216, "UBBB")
    await _event(sessions, "s1", "signal_lost", 300, None, hex_code=OTHER)
    await _positions(sessions, [215])
    await _positions(sessions, [250], hex=OTHER)
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        async with sessions() as session:
            found = await aircraft_overviews(
                session, [OTHER, "ffffff", HEX], T0 + timedelta(days=1)
            )
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    assert len([s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]) == 2
    assert [o.hex for o in found] == [OTHER, "ffffff", HEX]
    other, unseen, landed = found
    # The newest event of any kind counts for the state, never as a flight.
    assert (other.where.state, other.last_flight) == (State.UNKNOWN, None)
    assert other.where.last_seen == T0 + timedelta(minutes=300)
    assert (unseen.where.state, unseen.last_fix) == (State.UNKNOWN, None)
    assert (landed.where.state, landed.where.airport) == (State.ON_GROUND, "UBBB")
    assert landed.last_flight is not None and landed.last_flight.duration_s == 216 * 60
    assert landed.last_fix is not None and landed.last_fix.ts == T0 + timedelta(minutes=215)


async def test_overviews_are_compiled_once_whatever_the_number_of_aircraft(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Both statements come from SQLAlchemy's compiled cache after the first call, for any
    number of aircraft (a VALUES list of hexes had no cache key: compiled every time)."""
    await _positions(sessions, [215])
    await _event(sessions, "t1", "takeoff", 0, "UUWW")
    hits: list[str] = []

    def record(
        _conn: Any, _cursor: Any, _statement: Any, _parameters: Any, context: Any, *_rest: Any
    ) -> None:
        hits.append(context.cache_hit.name)

    async with sessions() as session:
        await aircraft_overviews(session, [HEX], T0)
    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        async with sessions() as session:
            found = await aircraft_overviews(
                session, [OTHER, HEX, "ffffff"], T0 + timedelta(minutes=220)
            )
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    assert hits == ["CACHE_HIT", "CACHE_HIT"], hits
    assert [o.last_fix is not None for o in found] == [False, True, False]
    assert found[1].where.state == State.AIRBORNE


async def test_callsign_flown_by_several_aircraft_newest_first_up_to_the_limit(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The index walk visits each aircraft of the callsign once, ordered by its newest sighting."""
    hexes = ["aaa001", "aaa002", "aaa003", "aaa004"]
    for n, hex_code in enumerate(hexes):
        # Older reports under another callsign must not count for this one.
        await _positions(sessions, [100 + n], callsign="OTHER1", hex=hex_code)
        await _positions(sessions, [n * 10, 40 - n * 10], callsign=" afl100 ", hex=hex_code)
    async with sessions() as session:
        # Newest sightings: aaa001 at 40, aaa002 at 30, aaa003 at 20, aaa004 at 30 (tie).
        found = await hexes_by_callsign(session, "AFL 100", limit=10)
        first_two = await hexes_by_callsign(session, "afl100", limit=2)
    assert found[0] == "aaa001" and set(found[1:3]) == {"aaa002", "aaa004"}
    assert found[3] == "aaa003" and len(found) == 4
    assert first_two[0] == "aaa001" and first_two[1] in {"aaa002", "aaa004"}
