"""Retention of position reports: downsample old tracks, prune the oldest.

Flight and statement events are never touched: they are the record; positions are
only the track behind them. Every statement works on SQLite and PostgreSQL alike.

What it locks, and for how long: on SQLite a write transaction holds the database's
one write lock from its first write statement to its COMMIT, and every other writer
(the poller, the delivery worker, a first contact's chat row) waits for it; on
PostgreSQL a DELETE locks only the rows it deletes. So the run finds its victims with
reads, which lock nothing (WAL), `batch` at a time, and deletes them by primary key in
separate short write transactions whose size follows a time budget (`_Pacer`): each
one aims at half of `write_budget` (20 ms), sized from the rows a second the ones
before it deleted. Deciding which rows go under the lock instead (a DELETE whose
subquery ranks a whole window) held it 0.15 s at the median and up to 1.6 s on a
loaded machine during the first pass over a million positions. After each read and
each transaction the run rests as long as it took (`rest_ratio`), and at least 25 ms
after a write (`writer_gap`): on SQLite a writer waiting for the lock gets it in that
gap (its busy handler retries after 1, 2, 5, 10, 15, 20, 25 ms...) instead of losing
it again to the next transaction, and /status keeps most of the machine while the
first pass over a big store goes on. Walking by time reads `ix_positions_ts`.

Downsampling keeps, per aircraft and per bucket (one minute by default), the first
report of the bucket plus any report with an emergency squawk. Buckets are aligned
to the Unix epoch and the work goes window by window, each window aligned to the
bucket, with a mark stored after each one: a later run starts where the last one
stopped, and running twice (or in two processes at once) removes the same rows. A
victim found by a read stays one until deleted: rows are only ever added to a window
or removed from its ranks above the first, so the first report of a bucket never
changes (the `batch` limit re-reads a window until no victim is left).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Integer, bindparam, cast, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.elements import ColumnElement

from storage.models import MaintenanceMark, Position
from storage.types import utcnow
from storage.upsert import conflict_insert

POSITIONS = Position.__table__  # type: ignore[attr-defined]
MARKS = MaintenanceMark.__table__  # type: ignore[attr-defined]
DOWNSAMPLE_MARK = "positions-downsample"
# The longest one retention write transaction should hold SQLite's write lock: a
# /status from a new chat (its chat row), the poller and the delivery worker wait
# that long at most for one transaction, well under /status's 50 ms target. The
# pacer aims at half of it, so a transaction slower than the ones before it (the
# machine's load, a cold page) still ends within it.
WRITE_BUDGET = timedelta(milliseconds=20)
# The first transaction's rows, before any has been timed: on the 2-core box one
# primary-key DELETE of a position with its three indexes costs 15-40 us, so 200
# rows hold the lock about 5 ms even when the machine is loaded.
FIRST_CHUNK = 200
# Never fewer rows a transaction (a stalled machine must not turn the pass into one
# transaction per row), and never more than twice the last size at once (one quick
# measure must not overshoot the budget).
MIN_CHUNK = 10
GROWTH = 2.0
# The least rest after a write transaction. A writer that found the lock taken sleeps
# in SQLite's busy handler 1, 2, 5, 10, 15, 20, 25, 25, 25 ms (then 50, 100) between
# tries: a gap of 25 ms is one it cannot sleep through, so it gets the lock right after
# the transaction it found (a rest only as long as a 3 ms transaction left it losing
# most tries: measured p99 141 ms of waiting, where holds had p99 36 ms).
WRITER_GAP = timedelta(milliseconds=25)
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
    # The longest a write transaction should hold its locks (see `WRITE_BUDGET`).
    write_budget: timedelta = WRITE_BUDGET
    # The least rest after a write transaction when resting (see `WRITER_GAP`).
    writer_gap: timedelta = WRITER_GAP

    def __post_init__(self) -> None:
        if self.bucket_s < 1 or self.batch < 1:
            raise ValueError("bucket and batch must be positive")
        if self.write_budget <= timedelta(0):
            raise ValueError("the write budget must be positive")
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
    # Write transactions, and the longest of them (seconds, first write to COMMIT).
    transactions: int = 0
    longest_write_s: float = 0.0


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


_DELETE_IDS = delete(POSITIONS).where(POSITIONS.c.id.in_(bindparam("ids", expanding=True)))
Finish = Callable[[AsyncConnection], Awaitable[None]]


async def _read_ids(engine: AsyncEngine, query: Any) -> list[int]:
    """The ids a read finds, in order: no write lock, a reader beside the writers (WAL).

    In id order, so two processes deleting the same rows (PostgreSQL) lock them in the
    same order, and each transaction's rows lie together in the primary key.
    """
    async with engine.connect() as connection:
        return sorted(int(row[0]) for row in (await connection.execute(query)).all())


@dataclass
class _Pacer:
    """Deletes ids in write transactions sized to the time budget, resting after each.

    The next transaction's rows: the rows a second the last one deleted, times half the
    budget, at most `GROWTH` times the last size, between `MIN_CHUNK` and `largest`.
    """

    budget_s: float
    largest: int
    rest_ratio: float
    gap_s: float = 0.0
    size: int = FIRST_CHUNK
    transactions: int = 0
    longest_s: float = 0.0

    def __post_init__(self) -> None:
        self.size = max(1, min(self.size, self.largest))

    async def rest(self, seconds: float, least: float = 0.0) -> None:
        """Yield to the loop: `seconds` times the ratio, at least `least` (if resting)."""
        await asyncio.sleep(max(seconds * self.rest_ratio, least) if self.rest_ratio else 0)

    async def read(self, engine: AsyncEngine, query: Any) -> list[int]:
        started = time.perf_counter()
        ids = await _read_ids(engine, query)
        await self.rest(time.perf_counter() - started)
        return ids

    async def delete(self, engine: AsyncEngine, ids: list[int], finish: Finish | None) -> int:
        """Delete these positions; `finish` runs in the last transaction (one if no ids)."""
        removed = 0
        offset = 0
        while True:
            chunk = ids[offset : offset + self.size]
            offset += len(chunk)
            last = offset >= len(ids)
            if not chunk and finish is None:
                return removed
            async with engine.begin() as connection:
                # From the first write (SQLite takes its lock there) to the COMMIT.
                started = time.perf_counter()
                if chunk:
                    result = await connection.execute(_DELETE_IDS, {"ids": chunk})
                    removed += int(result.rowcount or 0)
                if last and finish is not None:
                    await finish(connection)
            elapsed = time.perf_counter() - started
            self.transactions += 1
            self.longest_s = max(self.longest_s, elapsed)
            if chunk:
                self._learn(len(chunk), elapsed)
            await self.rest(elapsed, self.gap_s)
            if last:
                return removed

    def _learn(self, rows: int, seconds: float) -> None:
        fitting = rows / max(seconds, 1e-6) * self.budget_s / 2
        self.size = int(max(MIN_CHUNK, min(fitting, rows * GROWTH, self.largest)))


def _pacer(policy: RetentionPolicy) -> _Pacer:
    return _Pacer(
        budget_s=policy.write_budget.total_seconds(),
        largest=policy.batch,
        rest_ratio=policy.rest_ratio,
        gap_s=policy.writer_gap.total_seconds(),
    )


async def prune_positions(
    engine: AsyncEngine,
    *,
    before: datetime,
    batch: int,
    rest_ratio: float = 0.0,
    pacer: _Pacer | None = None,
) -> int:
    """Delete every position older than `before`: found `batch` at a time, oldest first."""
    victims = (
        select(POSITIONS.c.id).where(POSITIONS.c.ts < before).order_by(POSITIONS.c.ts).limit(batch)
    )
    if pacer is None:
        pacer = _Pacer(WRITE_BUDGET.total_seconds(), batch, rest_ratio)
    total = 0
    while True:
        ids = await pacer.read(engine, victims)
        total += await pacer.delete(engine, ids, None)
        if len(ids) < batch:
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


def _downsample_victims(
    dialect: str, policy: RetentionPolicy, start: datetime, end: datetime
) -> Any:
    """The ids of up to `batch` reports of the window that thinning removes."""
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
    return (
        select(ranked.c.id)
        .where(ranked.c.rank > 1)
        .where(or_(ranked.c.squawk.is_(None), ranked.c.squawk.not_in(EMERGENCY_SQUAWKS)))
        .limit(policy.batch)
    )


def _marking(end: datetime) -> Finish:
    async def finish(connection: AsyncConnection) -> None:
        await _set_mark(connection, end)

    return finish


async def downsample_positions(
    engine: AsyncEngine, *, until: datetime, policy: RetentionPolicy, pacer: _Pacer | None = None
) -> tuple[int, datetime | None]:
    """Thin positions older than `until` to one per aircraft per bucket.

    Returns the rows removed and the mark reached (None when there is nothing yet).
    A window's last transaction (its read found fewer than `batch`) stores its mark.
    """
    if pacer is None:
        pacer = _pacer(policy)
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
        victims = _downsample_victims(dialect, policy, start, end)
        while True:
            ids = await pacer.read(engine, victims)
            full = len(ids) >= policy.batch
            total += await pacer.delete(engine, ids, None if full else _marking(end))
            if not full:
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
    pacer = _pacer(policy)
    pruned = await prune_positions(
        engine, before=now - policy.keep, batch=policy.batch, pacer=pacer
    )
    downsampled, done = await downsample_positions(
        engine, until=now - policy.downsample_after, policy=policy, pacer=pacer
    )
    return RetentionResult(
        pruned=pruned,
        downsampled=downsampled,
        done_until=done,
        transactions=pacer.transactions,
        longest_write_s=pacer.longest_s,
    )
