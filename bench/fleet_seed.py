"""Start-up cost of the shipped fleet: `seed_fleet` on a fresh store, then unchanged.

Run: `.venv/bin/python -m bench.fleet_seed` (options: --runs, --db).

Each run migrates an empty store and seeds the people (not timed), then times:
- first start: the shipped 1,772 plane-alert-db rows added and 39 believed links made;
- next start: the same copy again, skipped on its stored digest (what every restart costs);
- re-apply: the same copy with the stored digest cleared, as when a newer package ships
  a changed file: every row read, compared and found unchanged.
Prints each run and the medians.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete

from bot.watch.fleet_seed import seed_fleet
from bot.watch.seed import seed_watchlist
from storage.engine import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import DatasetImport
from tests.conftest import create_pg_database, drop_pg_database


async def one_run(url: str) -> tuple[float, float, float]:
    """Seconds of the first seed, an unchanged restart and a re-apply, on a fresh store."""
    engine = create_engine(url)
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        await seed_watchlist(sessions)
        times = []
        for forget in (False, False, True):
            if forget:
                async with sessions.begin() as session:
                    await session.exec(delete(DatasetImport))
            started = time.perf_counter()
            await seed_fleet(sessions)
            times.append(time.perf_counter() - started)
        return times[0], times[1], times[2]
    finally:
        await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(args.runs):
            if args.db == "sqlite":
                results.append(await one_run(f"sqlite+aiosqlite:///{Path(folder) / f'{run}.db'}"))
                continue
            url = await create_pg_database()
            try:
                results.append(await one_run(url))
            finally:
                await drop_pg_database(url)
    for index, label in enumerate(("first start", "next start", "re-apply")):
        runs = [r[index] for r in results]
        shown = ", ".join(f"{t * 1000:.0f}" for t in runs)
        print(
            f"{args.db} {label:>11}: runs {shown} ms; "
            f"median {statistics.median(runs) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    asyncio.run(main())
