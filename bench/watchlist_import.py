"""Watchlist import time: 15,000 plane-alert-db rows into an empty store, then again.

Run: `.venv/bin/python -m bench.watchlist_import` (options: --rows, --runs, --db).

The rows are synthetic and fictional (hex codes from `f00000` up, `BENCH-n`
registrations, "Benchmark Operator n" operators), in the real column layout, with one
broken line in every 500 so the problem path is timed too. Each run uses a fresh
store; prints the median wall time of the first import (all added), a second import
of the same file (all unchanged) and a dry run.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bot.watch.importer import ImportReport, import_watchlist
from bot.watch.planealert import HEADER
from storage.engine import create_engine, session_factory
from storage.migrate import upgrade
from storage.types import utcnow
from tests.conftest import create_pg_database, drop_pg_database


def synthetic_csv(rows: int) -> bytes:
    """`rows` fictional aircraft; every 500th line has a spreadsheet-mangled hex."""
    lines = [",".join(HEADER)]
    for n in range(rows):
        hex_code = f"{0xF00000 + n:06x}" if n % 500 != 499 else "3.00E+05"
        lines.append(
            f"{hex_code},BENCH-{n},Benchmark Operator {n % 300},Airbus ACJ319,A319,Gov,"
            f'"Tag {n % 7}",Envoy,,Category {n % 12},https://example.org/bench/{n}'
        )
    return ("\n".join(lines) + "\n").encode()


async def one_run(path: Path, url: str) -> tuple[float, float, float, ImportReport]:
    """Times of first import, re-import and dry run on a fresh store at `url`."""
    engine = create_engine(url)
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        times = []
        report: ImportReport | None = None
        for dry_run in (False, False, True):
            started = time.perf_counter()
            report = await import_watchlist(path, sessions, now=utcnow(), dry_run=dry_run)
            times.append(time.perf_counter() - started)
        assert report is not None
        return times[0], times[1], times[2], report
    finally:
        await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=15_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.csv"
        path.write_bytes(synthetic_csv(args.rows))
        results = []
        for run in range(args.runs):
            if args.db == "sqlite":
                url = f"sqlite+aiosqlite:///{Path(folder) / f'run{run}.db'}"
                results.append(await one_run(path, url))
            else:
                url = await create_pg_database()
                try:
                    results.append(await one_run(path, url))
                finally:
                    await drop_pg_database(url)
    report = results[-1][3]
    print(
        f"{args.rows:,} rows, {args.db}: {report.unchanged:,} unchanged on re-import, "
        f"{len(report.problems)} skipped lines"
    )
    columns = {
        "first import": [r[0] for r in results],
        "re-import": [r[1] for r in results],
        "dry run": [r[2] for r in results],
    }
    for label, runs in columns.items():
        shown = ", ".join(f"{t:.2f}" for t in runs)
        print(f"{label:>13}: runs {shown} s; median {statistics.median(runs):.2f} s")


if __name__ == "__main__":
    asyncio.run(main())
