"""Retention cost: prune and downsample a few days of dense tracks, batch by batch.

Run: `.venv/bin/python -m bench.retention` (options: --aircraft, --days, --db, --batch).

Synthetic, fictional tracks (hex codes from `f00000` up): one report every 5 s per
aircraft for `--days` days before a fixed "now". The policy keeps 3 days and thins
after 1 day to one report a minute. Prints the rows removed, the wall time of the
whole run and the longest single DELETE statement, which is the longest time a
write lock is held (each statement is its own transaction).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import create_engine
from storage.migrate import upgrade
from storage.retention import POSITIONS, RetentionPolicy, apply_retention
from tests.conftest import create_pg_database, drop_pg_database

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
STEP_S = 5


async def fill(engine: AsyncEngine, aircraft: int, days: float) -> int:
    """Insert the synthetic tracks; how many rows."""
    reports = int(days * 86_400 / STEP_S)
    start = NOW - timedelta(days=days)
    total = 0
    for n in range(aircraft):
        hex_code = f"{0xF00000 + n:06x}"
        rows = [
            {
                "hex": hex_code,
                "ts": start + timedelta(seconds=i * STEP_S),
                "lat": 40.0,
                "lon": 49.8,
                "on_ground": False,
                "provider": "bench",
            }
            for i in range(reports)
        ]
        for offset in range(0, len(rows), 20_000):
            async with engine.begin() as connection:
                await connection.execute(insert(POSITIONS), rows[offset : offset + 20_000])
        total += len(rows)
    return total


async def one_run(url: str, args: argparse.Namespace) -> tuple[int, float, float, int, int]:
    """Rows inserted, run seconds, longest DELETE seconds, rows pruned and thinned."""
    engine = create_engine(url)
    longest = [0.0]

    def before(conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        conn.info["started"] = time.perf_counter()

    def after(conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("DELETE"):
            longest[0] = max(longest[0], time.perf_counter() - conn.info["started"])

    try:
        await upgrade(engine)
        inserted = await fill(engine, args.aircraft, args.days)
        event.listen(engine.sync_engine, "before_cursor_execute", before)
        event.listen(engine.sync_engine, "after_cursor_execute", after)
        policy = RetentionPolicy(
            keep=timedelta(days=3), downsample_after=timedelta(days=1), batch=args.batch
        )
        started = time.perf_counter()
        result = await apply_retention(engine, policy, now=NOW)
        elapsed = time.perf_counter() - started
        return inserted, elapsed, longest[0], result.pruned, result.downsampled
    finally:
        await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--aircraft", type=int, default=5)
    parser.add_argument("--days", type=float, default=3.5)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(args.runs):
            if args.db == "sqlite":
                runs.append(
                    await one_run(f"sqlite+aiosqlite:///{Path(folder) / f'{run}.db'}", args)
                )
                continue
            url = await create_pg_database()
            try:
                runs.append(await one_run(url, args))
            finally:
                await drop_pg_database(url)
    inserted, _, _, pruned, thinned = runs[-1]
    print(f"{args.db}: {inserted:,} positions; pruned {pruned:,}, thinned away {thinned:,}")
    times = [r[1] for r in runs]
    longest = [r[2] for r in runs]
    print(
        f"  run: {', '.join(f'{t:.2f}' for t in times)} s; median {statistics.median(times):.2f} s"
    )
    print(
        f"  longest DELETE (batch {args.batch:,}): "
        f"{', '.join(f'{t * 1000:.0f}' for t in longest)} ms; "
        f"median {statistics.median(longest) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    asyncio.run(main())
