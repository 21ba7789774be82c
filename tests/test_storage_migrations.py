"""Migrations: the stairway (every revision up, down, up) on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import create_engine
from storage.migrate import alembic_config, current_revision, downgrade, head_revision, upgrade
from tests.conftest import EXPECTED_TABLES, table_names


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


async def test_stairway_every_revision_up_down_up(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        revisions = _revisions()
        assert revisions, "no migrations found"
        for index, revision in enumerate(revisions):
            previous = revisions[index - 1] if index else "base"
            await upgrade(engine, revision)
            assert await current_revision(engine) == revision
            await downgrade(engine, previous)
            assert await current_revision(engine) == (None if previous == "base" else previous)
            await upgrade(engine, revision)
        assert await current_revision(engine) == head_revision()
        assert await table_names(engine) == EXPECTED_TABLES
        await downgrade(engine, "base")
        assert await table_names(engine) == set()
    finally:
        await engine.dispose()


async def test_migrated_schema_matches_the_models(engine: AsyncEngine) -> None:
    """Autogenerate finds nothing to do: the migrations and the models agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    def diff(sync_connection: object) -> list[object]:
        context = MigrationContext.configure(
            sync_connection,  # type: ignore[arg-type]
            opts={"compare_type": True},
        )
        return list(compare_metadata(context, SQLModel.metadata))

    async with engine.connect() as connection:
        differences = await connection.run_sync(diff)
    assert differences == []


async def test_sqlite_runs_in_wal_mode_with_busy_timeout(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    try:
        async with engine.connect() as connection:
            mode = (await connection.execute(text("PRAGMA journal_mode"))).scalar_one()
            timeout = (await connection.execute(text("PRAGMA busy_timeout"))).scalar_one()
            foreign_keys = (await connection.execute(text("PRAGMA foreign_keys"))).scalar_one()
        assert (mode, timeout, foreign_keys) == ("wal", 5000, 1)
    finally:
        await engine.dispose()


async def test_0006_moves_the_flight_state_blob_into_rows_and_back(database_url: str) -> None:
    """Upgrade splits the whole-state blob into one row per aircraft; downgrade folds it
    back as it was; the revision stays, so a running poller has nothing to restore."""
    from sqlalchemy import insert, select

    from bot.flights.track import AIR, Track
    from storage.models import FlightTrackState, FlightWatchState

    state = FlightWatchState.__table__  # type: ignore[attr-defined]
    tracks = FlightTrackState.__table__  # type: ignore[attr-defined]
    saved = datetime(2025, 3, 14, 1, 30, tzinfo=UTC)
    track = Track("ffa0b1")
    track.t, track.alt, track.phase, track.keys = 1.5, 3000, AIR, ["ffa0b1:takeoff:x"]
    blob: dict[str, Any] = {
        "detector": {
            "version": 1,
            # ffa0b2: not a track the poller can restore; it is kept as it is.
            "tracks": {"ffa0b1": track.to_dict(), "ffa0b2": {"t": 2.0}},
        },
        # ffa0b3: seen, but its track was forgotten (silent for long).
        "sightings": {"ffa0b1": [1.5, None, 3000, False, 90.0, None, "DEMO1"], "ffa0b3": [0.5]},
        "answered_at": 1741915800.0,
    }
    engine = create_engine(database_url)
    try:
        await upgrade(engine, "0005")
        async with engine.begin() as connection:
            await connection.execute(
                insert(state).values(name="detector", revision=7, state=blob, updated_at=saved)
            )
        await upgrade(engine, "0006")
        async with engine.connect() as connection:
            global_row = (await connection.execute(select(state))).one()
            rows = {r.hex: r for r in (await connection.execute(select(tracks))).all()}
        assert (global_row.revision, global_row.state) == (
            7,
            {"version": 1, "answered_at": 1741915800.0},
        )
        assert {h: (r.track, r.seen, r.updated_at) for h, r in rows.items()} == {
            "ffa0b1": (track.to_row(), blob["sightings"]["ffa0b1"], saved),
            "ffa0b2": ({"t": 2.0}, None, saved),
            "ffa0b3": (None, [0.5], saved),
        }
        await downgrade(engine, "0005")
        async with engine.connect() as connection:
            global_row = (await connection.execute(select(state))).one()
        assert (global_row.revision, global_row.state) == (7, blob)
    finally:
        await engine.dispose()


async def test_0007_moves_a_role_into_roles_en_and_back(database_url: str) -> None:
    """A role stored before 0007 is `roles["en"]` after it and `role` again after a
    downgrade; the person's aircraft links survive both ways (no table rebuild)."""
    from sqlalchemy import JSON, Integer, String, column, insert, select, table

    from storage.types import UTCDateTime

    saved = datetime(2025, 3, 14, 1, 30, tzinfo=UTC)
    people = table(
        "people",
        column("id", Integer()),
        column("slug", String()),
        column("names", JSON()),
        column("aliases", JSON()),
        column("role", String()),
        column("created_at", UTCDateTime()),
    )
    people_after = table("people", column("slug", String()), column("roles", JSON()))
    aircraft = table(
        "aircraft",
        column("hex", String()),
        column("tags", JSON()),
        column("extra", JSON()),
        column("added_at", UTCDateTime()),
    )
    links = table(
        "person_aircraft",
        column("person_id", Integer()),
        column("aircraft_hex", String()),
        column("confidence", String()),
        column("since", UTCDateTime()),
    )
    engine = create_engine(database_url)
    try:
        await upgrade(engine, "0006")
        async with engine.begin() as connection:
            for id_, slug, role in ((1, "envoy", " Special envoy "), (2, "aide", None)):
                await connection.execute(
                    insert(people).values(
                        id=id_,
                        slug=slug,
                        names={"en": slug},
                        aliases={},
                        role=role,
                        created_at=saved,
                    )
                )
            await connection.execute(
                insert(aircraft).values(hex="a1b2c3", tags=[], extra={}, added_at=saved)
            )
            await connection.execute(
                insert(links).values(
                    person_id=1, aircraft_hex="a1b2c3", confidence="believed", since=saved
                )
            )
        await upgrade(engine, "0007")
        async with engine.connect() as connection:
            roles = {r.slug: r.roles for r in await connection.execute(select(people_after))}
            linked = (await connection.execute(select(links.c.person_id))).scalars().all()
        assert roles == {"envoy": {"en": "Special envoy"}, "aide": {}}
        assert linked == [1]
        await downgrade(engine, "0006")
        async with engine.connect() as connection:
            back = {r.slug: r.role for r in await connection.execute(select(people))}
            linked = (await connection.execute(select(links.c.person_id))).scalars().all()
        assert back == {"envoy": "Special envoy", "aide": None}
        assert linked == [1]
    finally:
        await engine.dispose()


async def test_0008_computes_and_indexes_the_callsign_key_and_back(database_url: str) -> None:
    """Positions stored before 0008 get `callsign_key` (upper, trimmed) and so do new
    ones, with nothing written by the caller; downgrade drops it and keeps the rows."""
    from sqlalchemy import Boolean, Float, String, column, insert, inspect, select, table

    from storage.types import UTCDateTime

    positions = table(
        "positions",
        column("hex", String()),
        column("ts", UTCDateTime()),
        column("lat", Float()),
        column("lon", Float()),
        column("on_ground", Boolean()),
        column("callsign", String()),
        column("provider", String()),
    )
    saved = datetime(2025, 3, 14, 1, 30, tzinfo=UTC)
    row = {"ts": saved, "lat": 55.6, "lon": 37.3, "on_ground": False, "provider": "test"}
    engine = create_engine(database_url)
    try:
        await upgrade(engine, "0007")
        async with engine.begin() as connection:
            await connection.execute(
                insert(positions),
                [
                    {**row, "hex": "ffa001", "callsign": "DMO1    "},
                    {**row, "hex": "ffa002", "callsign": "dmo1"},
                    {**row, "hex": "ffa003", "callsign": None},
                ],
            )
        await upgrade(engine, "0008")
        async with engine.begin() as connection:
            await connection.execute(
                insert(positions), [{**row, "hex": "ffa004", "callsign": " afl100 "}]
            )
        keys = table("positions", column("hex", String()), column("callsign_key", String()))
        async with engine.connect() as connection:
            found = dict((await connection.execute(select(keys.c.hex, keys.c.callsign_key))).all())
            indexes = await connection.run_sync(
                lambda sync: {
                    i["name"]: i["column_names"] for i in inspect(sync).get_indexes("positions")
                }
            )
        assert found == {"ffa001": "DMO1", "ffa002": "DMO1", "ffa003": None, "ffa004": "AFL100"}
        assert indexes["ix_positions_callsign_key"] == ["callsign_key", "hex", "ts"]
        await downgrade(engine, "0007")
        async with engine.connect() as connection:
            columns = await connection.run_sync(
                lambda sync: {c["name"] for c in inspect(sync).get_columns("positions")}
            )
            count = len((await connection.execute(select(positions.c.hex))).all())
        assert "callsign_key" not in columns and count == 4
    finally:
        await engine.dispose()
