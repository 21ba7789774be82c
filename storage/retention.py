"""Retention of position reports: downsample old tracks, prune the oldest.

Flight and statement events are never touched: they are the record; positions are
only the track behind them. Every statement is set-based and works on SQLite and
PostgreSQL alike, and each one deletes at most `batch` rows in its own short
transaction, so the poller and the delivery worker never wait long for a lock. After
each transaction the run rests as long as the transaction took (`rest_ratio`): on
SQLite a writer waiting for the lock (the poller) gets it in that gap instead of
losing it again to the next batch, and /status keeps most of the machine while the
first pass over a big store goes on. Walking by time reads `ix_positions_ts`.

Downsampling keeps, per aircraft and per bucket (one minute by default), the first
report of the bucket plus any report with an emergency squawk. Buckets are aligned
to the Unix epoch and the work goes window by window, each window aligned to the
bucket, with a mark stored after each one: a later run starts where the last one
stopped, and running twice (or in two processes at once) removes the same rows.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Integer, cast, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.elements import ColumnElement

from storage.models import MaintenanceMark, Position
from storage.types import utcnow
from storage.upsert import conflict_insert

POSITIONS = Position.__table__  # type: ignore[attr-defined]
MARKS = MaintenanceMark.__table__  # type: ignore[attr-defined]
DOWNSAMPLE_MARK = "positions-downsample"
# Hijack, radio failure, general emergency: such reports are kept at full rate.
EMERGENCY_SQUAWKS = ("7500", "7600", "7700")


@dataclass(frozen=True)
class RetentionPolicy:
    """How long positions are kept, and from when they are thinned out."""

    keep: timedelta
    downsample_after: timedelta
    bucket_s: int = 60
    batch: int = 5_000
    window: timedelta = timedelta(hours=1)
    # Rest after each transaction, as a share of the time it took (0: no rest).
    rest_ratio: float = 1.0

    def __post_init__(self) -> None:
        if self.bucket_s < 1 or self.batch < 1:
            raise ValueError("bucket and batch must be positive")
        if self.rest_ratio < 0:
            raise ValueError("the rest cannot be negative")
        if self.downsample_after >= self.keep:
            raise ValueError("downsampling must start before positions are pruned")


@dataclass(frozen=True)
class RetentionResult:
    """Rows removed by one run."""

    pruned: int
    downsampled: int
    done_until: datetime | None


def _bucket(dialect: str, bucket_s: int) -> ColumnElement[Any]:
    ts = POSITIONS.c.ts
    if dialect == "sqlite":
        # Naive UTC text on SQLite; strftime('%s') reads it as UTC seconds.
        return cast(func.strftime("%s", ts), Integer) // bucket_s
    return func.floor(func.extract("epoch", ts) / bucket_s)


def align(moment: datetime, bucket_s: int) -> datetime:
    """The start of the bucket holding `moment` (buckets aligned to the Unix epoch)."""
    seconds = int(moment.timestamp()) // bucket_s * bucket_s
    return datetime.fromtimestamp(seconds, UTC)


async def _deleted(connection: AsyncConnection, statement: Any) -> int:
    result = await connection.execute(statement)
    return int(result.rowcount or 0)


async def _batch(
    engine: AsyncEngine, work: Callable[[AsyncConnection], Awaitable[int]], rest_ratio: float
) -> int:
    """One transaction of `work`, then a rest in proportion to its length."""
    started = time.perf_counter()
    async with engine.begin() as connection:
        removed = await work(connection)
    if rest_ratio:
        await asyncio.sleep((time.perf_counter() - started) * rest_ratio)
    return removed


async def prune_positions(
    engine: AsyncEngine, *, before: datetime, batch: int, rest_ratio: float = 0.0
) -> int:
    """Delete every position older than `before`, `batch` rows per transaction."""
    victims = (
        select(POSITIONS.c.id).where(POSITIONS.c.ts < before).order_by(POSITIONS.c.ts).limit(batch)
    )
    statement = delete(POSITIONS).where(POSITIONS.c.id.in_(victims))

    async def work(connection: AsyncConnection) -> int:
        return await _deleted(connection, statement)

    total = 0
    while True:
        removed = await _batch(engine, work, rest_ratio)
        total += removed
        if removed < batch:
            return total


async def _mark(connection: AsyncConnection) -> datetime | None:
    found = await connection.execute(
        select(MARKS.c.done_until).where(MARKS.c.name == DOWNSAMPLE_MARK)
    )
    value = found.scalar_one_or_none()
    return value if isinstance(value, datetime) else None


async def _set_mark(connection: AsyncConnection, done_until: datetime) -> None:
    insert = conflict_insert(connection.dialect.name, MARKS)
    now = utcnow()
    await connection.execute(
        insert.values(
            name=DOWNSAMPLE_MARK, done_until=done_until, updated_at=now
        ).on_conflict_do_update(
            index_elements=["name"], set_={"done_until": done_until, "updated_at": now}
        )
    )


async def _next_start(connection: AsyncConnection, after: datetime | None) -> datetime | None:
    query = select(func.min(POSITIONS.c.ts))
    if after is not None:
        query = query.where(POSITIONS.c.ts >= after)
    value = (await connection.execute(query)).scalar_one_or_none()
    if value is None:
        return None
    # min() keeps the column's type, so the value comes back aware UTC.
    return value if isinstance(value, datetime) else None


def _downsample_statement(
    dialect: str, policy: RetentionPolicy, start: datetime, end: datetime
) -> Any:
    ts = POSITIONS.c.ts
    rank = func.row_number().over(
        partition_by=(POSITIONS.c.hex, _bucket(dialect, policy.bucket_s)),
        order_by=(ts, POSITIONS.c.id),
    )
    ranked = (
        select(POSITIONS.c.id, POSITIONS.c.squawk, rank.label("rank"))
        .where(ts >= start, ts < end)
        .subquery()
    )
    victims = (
        select(ranked.c.id)
        .where(ranked.c.rank > 1)
        .where(or_(ranked.c.squawk.is_(None), ranked.c.squawk.not_in(EMERGENCY_SQUAWKS)))
        .limit(policy.batch)
    )
    return delete(POSITIONS).where(POSITIONS.c.id.in_(victims))


def _thin(statement: Any, end: datetime, batch: int) -> Callable[[AsyncConnection], Awaitable[int]]:
    """One batch of a window; the last one (fewer than `batch`) stores the mark with it."""

    async def work(connection: AsyncConnection) -> int:
        removed = await _deleted(connection, statement)
        if removed < batch:
            await _set_mark(connection, end)
        return removed

    return work


async def downsample_positions(
    engine: AsyncEngine, *, until: datetime, policy: RetentionPolicy
) -> tuple[int, datetime | None]:
    """Thin positions older than `until` to one per aircraft per bucket.

    Returns the rows removed and the mark reached (None when there is nothing yet).
    """
    until = align(until, policy.bucket_s)
    bucket = policy.bucket_s
    step = max(bucket, int(policy.window.total_seconds()) // bucket * bucket)
    dialect = engine.dialect.name
    total = 0
    async with engine.connect() as connection:
        mark = await _mark(connection)
    done = mark
    while True:
        async with engine.connect() as connection:
            first = await _next_start(connection, done)
        if first is None or first >= until:
            break
        start = align(first, policy.bucket_s)
        end = min(start + timedelta(seconds=step), until)
        work = _thin(_downsample_statement(dialect, policy, start, end), end, policy.batch)
        while True:
            removed = await _batch(engine, work, policy.rest_ratio)
            total += removed
            if removed < policy.batch:
                break
        done = end
    if done is None or done < until:
        async with engine.begin() as connection:
            await _set_mark(connection, until)
        done = until
    return total, done


async def apply_retention(
    engine: AsyncEngine, policy: RetentionPolicy, *, now: datetime
) -> RetentionResult:
    """Prune positions older than `policy.keep`, then downsample the rest past its age."""
    pruned = await prune_positions(
        engine, before=now - policy.keep, batch=policy.batch, rest_ratio=policy.rest_ratio
    )
    downsampled, done = await downsample_positions(
        engine, until=now - policy.downsample_after, policy=policy
    )
    return RetentionResult(pruned=pruned, downsampled=downsampled, done_until=done)
