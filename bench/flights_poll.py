"""bench/flights_poll: one live poll round (`FlightWatch.poll`) against the fake provider.

A round reads the watchlist, asks the provider (the fake, in the same event loop, our
rate limit opened wide), feeds the new positions to the detector, keeps positions,
and saves the detector state, in a SQLite store in a temporary folder. A share of the
watched aircraft (`--airborne`; 1.0, the worst case, every aircraft airborne at once)
is cruising and sends a new position each round; the rest was seen parked once at the
start and is silent since. A second series asks again at the same time, so nothing is
new (a quiet round); last, a new poller on the same store polls once (a restart or a
leader change: it restores the whole state). For each case: median and slowest ms
per busy round, the longest the event loop was held up during busy rounds (by the
fake's answers too), quiet and restart round ms, the state rows and bytes written per
busy round (counted from the statements sent to the database, so it measures any
version of the state tables), the largest single save, and rounds per cycle (slices)
with the provider's shipped round capacity.

    python -m bench.flights_poll                     # 10, 1000 and 15000 aircraft
    python -m bench.flights_poll --sizes 100 --rounds 9 --airborne 1.0 0.1
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.flights.airports import default_index
from bot.flights.polling import FlightWatch
from bot.flights.providers import FlightFetcher, Limits, build_providers, profile_for
from bot.flights.providers.pacing import requests_per_round
from bot.kernel.config import load_settings
from bot.net.http import new_session
from storage.engine import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import Aircraft
from tests.fakes.adsb import FakeADSB

T0 = datetime(2025, 3, 13, 23, 30, tzinfo=UTC)
STEP_S = 30.0
WIDE = Limits(requests=100_000, per_seconds=1.0, timeout_s=30.0, max_wait_s=10.0)
_STATE_TABLES = ("flight_watch_state", "flight_tracks")
_WRITES = ("INSERT", "UPDATE", "DELETE")


@dataclass
class StateWrites:
    """State rows and bytes sent to the database, counted at the DBAPI cursor."""

    rows: int = 0
    bytes: int = 0

    def watch(self, engine: AsyncEngine) -> None:
        event.listen(engine.sync_engine, "before_cursor_execute", self._count)

    def take(self) -> tuple[int, int]:
        taken = (self.rows, self.bytes)
        self.rows = self.bytes = 0
        return taken

    def _count(
        self,
        conn: Any,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        head = statement.lstrip()[:80]
        if not head.upper().startswith(_WRITES) or not any(t in head for t in _STATE_TABLES):
            return
        batches = parameters if executemany else [parameters]
        for params in batches:
            values = params.values() if isinstance(params, dict) else params
            self.rows += 1 if head.upper().startswith(("INSERT", "UPDATE")) else len(values)
            self.bytes += sum(len(v) for v in values if isinstance(v, str | bytes))


def _hexes(count: int) -> list[str]:
    return [f"ff{n:04x}" for n in range(count)]


def _load(fake: FakeADSB, hexes: list[str], rounds: int, airborne: int) -> None:
    """The first `airborne` aircraft cruise east at 450 kt, one position per round; the
    others stand on a field in the Pacific, seen once."""
    for index, hex_code in enumerate(hexes):
        lat = -60.0 + 120.0 * index / max(1, len(hexes))
        points: list[tuple[Any, ...]] = [
            (T0.timestamp() + STEP_S * r, lat, -170.0 + 0.06 * r, 37000, 450.0, 90.0, 0, "2000")
            for r in range(rounds)
        ]
        if index >= airborne:
            points = [(T0.timestamp(), lat, -170.0, "ground", 0.0, None, None, None)]
        fake.load_track(hex_code, points, callsign=f"DEMO{index}", registration=f"DEMO{index}")


class LoopStalls:
    """The longest time the event loop did not run a 1 ms timer when it was due."""

    def __init__(self) -> None:
        self.longest_ms = 0.0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._beat())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _beat(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(0.001)
            late = (time.perf_counter() - started - 0.001) * 1000
            self.longest_ms = max(self.longest_ms, late)


async def _case(count: int, share: float, rounds: int, folder: Path) -> dict[str, float]:
    hexes = _hexes(count)
    airborne = round(count * share)
    engine = create_engine(f"sqlite+aiosqlite:///{folder / f'poll-{count}-{share}.db'}")
    await upgrade(engine)
    writes = StateWrites()
    writes.watch(engine)
    sessions = session_factory(engine)
    async with sessions.begin() as session:
        session.add_all(Aircraft(hex=h, source="benchmark") for h in hexes)
    now = T0
    async with FakeADSB() as fake, new_session() as http:
        fake.clock = lambda: now.timestamp()
        _load(fake, hexes, rounds + 1, airborne)
        settings = load_settings(
            SUMMITWATCH_FLIGHT_PROVIDERS=f"adsb.lol={fake.base_url('adsb.lol')}"
        )
        providers = build_providers(settings, http, limits={"adsb.lol": WIDE})

        def poller() -> FlightWatch:
            return FlightWatch(
                sessions,
                FlightFetcher(providers, clock=lambda: now),
                clock=lambda: now,
                airports=default_index(),
            )

        watch = poller()
        busy, quiet, written = [], [], []
        stall_ms = 0.0
        for r in range(rounds + 1):
            now = T0 + timedelta(seconds=STEP_S * r)
            writes.take()
            stalls = LoopStalls()
            if r:
                stalls.start()
            started = time.perf_counter()
            result = await watch.poll()
            await stalls.stop()
            if r:  # the first round creates every track
                busy.append((time.perf_counter() - started) * 1000)
                written.append(writes.take())
                stall_ms = max(stall_ms, stalls.longest_ms)
                assert result.fresh == airborne, result
            started = time.perf_counter()
            await watch.poll()
            quiet.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        await poller().poll()
        restart_ms = (time.perf_counter() - started) * 1000
    await engine.dispose()
    profile = profile_for("adsb.lol", "https://api.adsb.lol")
    capacity = requests_per_round(profile.limits) * profile.max_batch
    return {
        "busy_ms": statistics.median(busy),
        "slowest_ms": max(busy),
        "stall_ms": stall_ms,
        "quiet_ms": statistics.median(quiet),
        "restart_ms": restart_ms,
        "rows": statistics.mean(rows for rows, _ in written),
        "kb": statistics.mean(size for _, size in written) / 1024,
        "largest_kb": max(size for _, size in written) / 1024,
        "slices": -(-count // capacity),
    }


async def _main(sizes: list[int], shares: list[float], rounds: int) -> None:
    logging.disable(logging.WARNING)
    print(
        "| watched aircraft | airborne | busy round (median ms) | slowest busy round (ms) "
        "| longest loop stall (ms) | quiet round (median ms) | restart round (ms) "
        "| state rows written / busy round | state KB written / busy round "
        "| largest save (KB) | slices at adsb.lol's shipped rate |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for count in sizes:
            for share in shares:
                f = await _case(count, share, rounds, Path(folder))
                print(
                    f"| {count} | {share:.0%} | {f['busy_ms']:.1f} | {f['slowest_ms']:.1f} "
                    f"| {f['stall_ms']:.0f} | {f['quiet_ms']:.1f} | {f['restart_ms']:.1f} "
                    f"| {f['rows']:.1f} | {f['kb']:.0f} | {f['largest_kb']:.0f} "
                    f"| {f['slices']:.0f} |"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1000, 15000])
    parser.add_argument("--airborne", type=float, nargs="+", default=[1.0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(_main(args.sizes, args.airborne, args.rounds))


if __name__ == "__main__":
    main()
