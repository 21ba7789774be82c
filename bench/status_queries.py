"""CPU and wall time of /status's per-aircraft reads, statement by statement.

Run: `.venv/bin/python bench/status_queries.py URL [TREE]` against a store built by
`bench/status.py` (for PostgreSQL its template database
`summitwatch_bench_status_r<rev>_a200_p1000000_d30`, while no bench run copies it).
TREE is a work tree whose code is measured (default: this one), so two trees compare
on the same store. Each read runs for 200 aircraft in one session after 20 warm-ups;
reported per call: this process's CPU time and the wall time. Last, the overviews of all
200 at once (a fleet's /fleet or Mini App page), per call of 200.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(
    0, sys.argv[2] if len(sys.argv) > 2 else str(Path(__file__).resolve().parent.parent)
)

import storage.flight_queries as queries
from bot.flights.overview import aircraft_overview, aircraft_overviews
from storage.engine import create_engine, session_factory

AIRCRAFT = [f"{0xFF1000 + n:06x}" for n in range(200)]
FLEET_CALLS = 10
Read = Callable[[Any, str], Awaitable[Any]]


async def main(url: str) -> None:
    engine = create_engine(url)
    sessions = session_factory(engine)
    now = datetime.now(UTC)

    async def timed(label: str, read: Read) -> None:
        async with sessions() as session:
            for hex_code in AIRCRAFT[:20]:
                await read(session, hex_code)
            cpu, wall = time.process_time(), time.perf_counter()
            for hex_code in AIRCRAFT:
                await read(session, hex_code)
            cpu_ms = (time.process_time() - cpu) / len(AIRCRAFT) * 1000
            wall_ms = (time.perf_counter() - wall) / len(AIRCRAFT) * 1000
            print(f"{label:28} cpu {cpu_ms:5.2f} ms  wall {wall_ms:5.2f} ms")

    reads: dict[str, Read] = {
        "aircraft_overview": lambda s, h: aircraft_overview(s, h, now),
        "last_fixes([hex])": lambda s, h: queries.last_fixes(s, [h]),
        "events_by_aircraft([hex])": lambda s, h: queries.events_by_aircraft(
            s, [h], per_aircraft=12
        ),
        "last_fix(hex)": lambda s, h: queries.last_fix(s, h),
        "flight_events([hex])": lambda s, h: queries.flight_events(s, [h], limit=12),
        "last_event(hex)": lambda s, h: queries.last_event(s, h),
    }
    try:
        for label, read in reads.items():
            await timed(label, read)
        async with sessions() as session:
            await aircraft_overviews(session, AIRCRAFT, now)
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(FLEET_CALLS):
                await aircraft_overviews(session, AIRCRAFT, now)
            cpu_ms = (time.process_time() - cpu) / FLEET_CALLS * 1000
            wall_ms = (time.perf_counter() - wall) / FLEET_CALLS * 1000
            print(f"{'aircraft_overviews(200)':28} cpu {cpu_ms:5.2f} ms  wall {wall_ms:5.2f} ms")
    finally:
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
