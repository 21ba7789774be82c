"""Bytes written to the store by one landing alert routed to 1,000 chats, and the time of
the transaction that stores and routes it (the flight poll's), on SQLite and PostgreSQL.

The landing carries a 600-point track for its map (`bot/flights/polling.py` keeps at
most 600), as detection stores it; `--chats` chats are subscribed to its aircraft. Each
run starts from a fresh store migrated to the tree's head and times one transaction:
`record_flight_event` (insert the event, route it to the outbox), as the poller does.

Bytes written: SQLite, the size of the write-ahead log the transaction appended (the log
is truncated first; one transaction writes every page it changes there once);
PostgreSQL, the growth of every table, index and TOAST relation of the database
(`pg_total_relation_size`), and the WAL it generated (`pg_current_wal_lsn`, server-wide,
so another client's writes meanwhile would count too).

    .venv/bin/python bench/outbox_bytes.py --runs 5
    .venv/bin/python bench/outbox_bytes.py --before d5dc3e0~3 --runs 5   # before, then after

`--before REV` runs this same file first against a work tree at REV (the code under
test from each tree, the bench from this one).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    # Run as a file: the code under test is on PYTHONPATH (this tree or `--before`'s).
    sys.path.insert(0, os.environ.get("SUMMITWATCH_BENCH_TREE", str(HERE)))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine  # noqa: E402

from storage.engine import create_engine, session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from tests.alerting import landing_payload, store_landing, subscribe_chats  # noqa: E402
from tests.conftest import create_pg_database, drop_pg_database  # noqa: E402

POINTS = 600
SIZES = """
    SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'r'
"""


def track(points: int = POINTS) -> list[list[float | int]]:
    """A Vnukovo-Baku flight as ADS-B reports it: 5-decimal positions, altitude in feet."""
    start, end = (55.5915, 37.2615), (40.4675, 50.0467)
    out: list[list[float | int]] = []
    for i in range(points):
        f = i / (points - 1)
        lat = start[0] + (end[0] - start[0]) * f + 0.02 * math.sin(i / 7)
        lon = start[1] + (end[1] - start[1]) * f + 0.02 * math.cos(i / 9)
        alt = int(min(38_000, 40_000 * math.sin(math.pi * f) ** 0.5) // 25 * 25)
        out.append([round(lat, 5), round(lon, 5), alt])
    return out


Probe = Callable[[AsyncEngine], Awaitable[int]]


async def _one(url: str, chats: int, start: Probe, stop: Probe) -> tuple[int, float]:
    """One fresh store: (bytes written, seconds) for the landing's transaction."""
    engine = create_engine(url)
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        await subscribe_chats(sessions, [(100_000 + i, "en") for i in range(chats)])
        before = await start(engine)
        started = time.perf_counter()
        event_id = await store_landing(sessions, track=track())
        seconds = time.perf_counter() - started
        assert event_id is not None
        return await stop(engine) - before, seconds
    finally:
        await engine.dispose()


async def _sqlite(chats: int) -> tuple[int, float]:
    with tempfile.TemporaryDirectory(prefix="bench-outbox-bytes-") as folder:
        path = Path(folder) / "bot.db"

        async def truncate(engine: AsyncEngine) -> int:
            async with engine.connect() as connection:
                # Empty the log: what the next transaction writes is then all it holds.
                await connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            return 0

        async def logged(_engine: AsyncEngine) -> int:
            return await asyncio.to_thread(os.path.getsize, f"{path}-wal")

        return await _one(f"sqlite+aiosqlite:///{path}", chats, truncate, logged)


async def _postgres(chats: int) -> tuple[int, float, int]:
    url = await create_pg_database()
    wal: list[int] = []

    async def sizes(engine: AsyncEngine) -> int:
        async with engine.connect() as connection:
            size = int((await connection.execute(text(SIZES))).scalar_one())
            position = await connection.execute(
                text("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')")
            )
            wal.append(int(position.scalar_one()))
        return size

    try:
        grown, seconds = await _one(url, chats, sizes, sizes)
    finally:
        await drop_pg_database(url)
    return grown, seconds, wal[-1] - wal[0]


def _mb(value: float) -> str:
    return f"{value / 1_000_000:.2f} MB"


async def run(chats: int, runs: int, backends: list[str]) -> None:
    payload = landing_payload(track=track())
    print(f"landing payload: {len(json.dumps(payload)):,} bytes as JSON, {POINTS} track points")
    if "sqlite" in backends:
        results = [await _sqlite(chats) for _ in range(runs)]
        sizes, times = zip(*results, strict=True)
        print(
            f"SQLite, {chats} chats, {runs} runs: WAL written {_mb(statistics.median(sizes))}, "
            f"transaction {statistics.median(times) * 1000:.0f} ms (medians; "
            f"min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f} ms)"
        )
    if "postgres" in backends:
        pg = [await _postgres(chats) for _ in range(runs)]
        sizes, times, wal = zip(*pg, strict=True)
        print(
            f"PostgreSQL, {chats} chats, {runs} runs: relations grew "
            f"{_mb(statistics.median(sizes))}, WAL {_mb(statistics.median(wal))}, "
            f"transaction {statistics.median(times) * 1000:.0f} ms (medians; "
            f"min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f} ms)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chats", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--before", metavar="REV", help="first run at this commit")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if args.before:
        _before(args.before)
    asyncio.run(run(args.chats, args.runs, backends))


def _before(rev: str) -> None:
    """Run this file against a work tree at `rev`, then return (this tree runs next)."""
    import subprocess

    from bench.bot_process import worktree

    with worktree(rev) as folder:
        argv = list(sys.argv[1:])
        at = argv.index("--before")
        del argv[at : at + 2]
        print(f"## {rev} (load {_load()})", flush=True)
        subprocess.run(  # noqa: S603
            [sys.executable, str(Path(__file__).resolve()), *argv],
            env={**os.environ, "SUMMITWATCH_BENCH_TREE": str(folder), "PYTHONPATH": str(folder)},
            cwd=folder,
            check=True,
        )
    print(f"## this tree (load {_load()})", flush=True)


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


if __name__ == "__main__":
    main()
