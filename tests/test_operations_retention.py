"""Retention on SQLite and PostgreSQL: prune old positions, thin older tracks, keep events."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import FlightEventRow, MaintenanceMark, Position
from storage.retention import RetentionPolicy, align, apply_retention
from tests.conftest import count_rows

NOW = datetime(2026, 11, 28, 12, 0, 7, tzinfo=UTC)
POLICY = RetentionPolicy(
    keep=timedelta(days=30),
    downsample_after=timedelta(days=1),
    bucket_s=60,
    batch=7,  # tiny, so every loop runs many batches
    window=timedelta(minutes=10),
)
# Test data: fictional ICAO addresses from no real allocation block's aircraft.
HEXES = ("ffa001", "ffa002")


def _track(start: datetime, minutes: int, step_s: int, hex_code: str) -> list[Position]:
    return [
        Position(
            hex=hex_code,
            ts=start + timedelta(seconds=i * step_s),
            lat=40.0 + i / 1000,
            lon=49.8,
            alt_ft=30_000,
            provider="test",
        )
        for i in range(minutes * 60 // step_s)
    ]


async def _positions(sessions: async_sessionmaker[AsyncSession]) -> list[Position]:
    async with sessions() as session:
        query = select(Position).order_by(col(Position.hex), col(Position.ts), col(Position.id))
        return list((await session.exec(query)).all())


async def _store(sessions: async_sessionmaker[AsyncSession], rows: list[Position]) -> None:
    async with sessions.begin() as session:
        session.add_all(rows)


async def test_prunes_thins_and_keeps_recent_positions_and_events(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    ancient = NOW - timedelta(days=40)
    old = align(NOW - timedelta(days=2), 60) + timedelta(seconds=3)
    recent = NOW - timedelta(hours=2)
    rows: list[Position] = []
    for hex_code in HEXES:
        rows += _track(ancient, 5, 10, hex_code)  # 30 each: all pruned
        rows += _track(old, 30, 10, hex_code)  # 180 each: one per minute stays
        rows += _track(recent, 10, 10, hex_code)  # 60 each: untouched
    emergency = Position(
        hex="ffa001", ts=old + timedelta(seconds=25), lat=1, lon=2, squawk="7700", provider="t"
    )
    rows.append(emergency)
    await _store(sessions, rows)
    async with sessions.begin() as session:
        session.add(
            FlightEventRow(dedup_key="k1", kind="takeoff", hex="ffa001", ts=ancient, provider="t")
        )

    result = await apply_retention(engine, POLICY, now=NOW)

    assert result.pruned == 60
    assert result.downsampled == 2 * (180 - 30)
    assert result.done_until == align(NOW - timedelta(days=1), 60)
    kept = await _positions(sessions)
    assert len(kept) == 2 * (30 + 60) + 1
    assert min(p.ts for p in kept) >= NOW - timedelta(days=30)
    for hex_code in HEXES:
        thinned = [
            p
            for p in kept
            if p.hex == hex_code and p.ts < NOW - timedelta(days=1) and p.squawk is None
        ]
        minutes = [align(p.ts, 60) for p in thinned]
        # The first report of each minute survives, one per minute.
        assert len(minutes) == len(set(minutes)) == 30
        assert [p.ts - m for p, m in zip(thinned, minutes, strict=True)] == [
            timedelta(seconds=3)
        ] * 30
    assert any(p.squawk == "7700" for p in kept)
    assert await count_rows(engine, "flight_events") == 1

    again = await apply_retention(engine, POLICY, now=NOW)
    assert (again.pruned, again.downsampled) == (0, 0)
    assert len(await _positions(sessions)) == len(kept)


async def test_next_run_starts_at_the_mark_and_thins_only_new_old_data(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    day_two = align(NOW - timedelta(hours=30), 60)
    await _store(sessions, _track(day_two, 4, 15, "ffa001"))
    first = await apply_retention(engine, POLICY, now=NOW)
    assert first.downsampled == 4 * 3
    # Six hours later the track of the next hours has aged past the threshold.
    later = NOW + timedelta(hours=6)
    await _store(sessions, _track(align(NOW - timedelta(hours=20), 60), 3, 15, "ffa002"))
    second = await apply_retention(engine, POLICY, now=later)
    assert second.downsampled == 3 * 3
    assert second.done_until == align(later - timedelta(days=1), 60)
    async with sessions() as session:
        mark = (await session.exec(select(MaintenanceMark))).one()
    assert mark.done_until == second.done_until
    assert len(await _positions(sessions)) == 4 + 3


async def test_empty_store_sets_the_mark_and_removes_nothing(engine: AsyncEngine) -> None:
    result = await apply_retention(engine, POLICY, now=NOW)
    assert (result.pruned, result.downsampled) == (0, 0)
    assert result.done_until == align(NOW - timedelta(days=1), 60)


def test_policy_refuses_downsampling_after_pruning() -> None:
    with pytest.raises(ValueError, match="before positions are pruned"):
        RetentionPolicy(keep=timedelta(days=1), downsample_after=timedelta(days=2))


async def test_the_running_bot_schedules_retention_from_its_settings(sqlite_url: str) -> None:
    from tests.e2e import bot_settings, running_bot, services_of
    from tests.fakes.telegram_api import FakeBotAPI

    async with FakeBotAPI(token="123456:TEST-token-for-e2e") as fake:
        settings = bot_settings(
            fake,
            sqlite_url,
            SUMMITWATCH_POSITION_RETENTION_DAYS="2",
            SUMMITWATCH_RETENTION_INTERVAL_S="600",
        )
        async with running_bot(settings) as application:
            assert application.job_queue is not None
            [job] = application.job_queue.get_jobs_by_name("retention")
            assert job.job.trigger.interval == timedelta(seconds=600)
            services = services_of(application)
            stale = _track(datetime.now(UTC) - timedelta(days=3), 1, 30, "ffa001")
            fresh = _track(datetime.now(UTC) - timedelta(hours=1), 1, 30, "ffa001")
            await _store(services.sessions, stale + fresh)
            await job.run(application)
            kept = await _positions(services.sessions)
    assert [p.ts for p in kept] == [p.ts for p in fresh]


async def test_two_processes_running_it_at_once_remove_the_same_rows(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    from storage.engine import create_engine

    old = align(NOW - timedelta(days=2), 60)
    await _store(sessions, _track(old, 20, 5, "ffa001") + _track(old, 20, 5, "ffa002"))
    other = create_engine(database_url)  # a second process's own pool
    try:
        first, second = await asyncio.gather(
            apply_retention(engine, POLICY, now=NOW), apply_retention(other, POLICY, now=NOW)
        )
    finally:
        await other.dispose()
    kept = await _positions(sessions)
    assert len(kept) == 2 * 20
    assert first.downsampled + second.downsampled == 2 * 20 * 11
    assert {(p.hex, align(p.ts, 60)) for p in kept} == {
        (h, old + timedelta(minutes=m)) for h in HEXES for m in range(20)
    }
