"""bench/flights_poll: one live poll round (`FlightWatch.poll`) against the fake provider.

A round reads the watchlist, asks the provider (the fake, in the same event loop, our
rate limit opened wide), feeds the new positions to the detector, keeps positions,
and saves the detector state, in a SQLite store in a temporary folder. Every watched
aircraft is cruising and sends a new position each round (the worst case: every
aircraft airborne at once); a second series asks again at the same time, so nothing
is new (a quiet round). For each watchlist size: median ms per round, the saved state's
size, and rounds per cycle (slices) with the provider's shipped round capacity.

    python -m bench.flights_poll                     # 10, 1000 and 15000 aircraft
    python -m bench.flights_poll --sizes 100 --rounds 9
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import load_settings
from bot.flights.airports import default_index
from bot.flights.polling import FlightWatch
from bot.flights.providers import FlightFetcher, Limits, build_providers, profile_for
from bot.flights.providers.pacing import requests_per_round
from bot.http import new_session
from storage.engine import create_engine, session_factory
from storage.flight_state import load_state
from storage.migrate import upgrade
from storage.models import Aircraft
from tests.fakes.adsb import FakeADSB

T0 = datetime(2025, 3, 13, 23, 30, tzinfo=UTC)
STEP_S = 30.0
WIDE = Limits(requests=100_000, per_seconds=1.0, timeout_s=30.0, max_wait_s=10.0)


def _hexes(count: int) -> list[str]:
    return [f"ff{n:04x}" for n in range(count)]


def _load(fake: FakeADSB, hexes: list[str], rounds: int) -> None:
    """Each aircraft cruises east at 450 kt, one position per round."""
    for index, hex_code in enumerate(hexes):
        lat = -60.0 + 120.0 * index / max(1, len(hexes))
        points = [
            (T0.timestamp() + STEP_S * r, lat, -170.0 + 0.06 * r, 37000, 450.0, 90.0, 0, "2000")
            for r in range(rounds)
        ]
        fake.load_track(hex_code, points, callsign=f"DEMO{index}", registration=f"DEMO{index}")


async def _case(count: int, rounds: int, folder: Path) -> dict[str, float]:
    hexes = _hexes(count)
    engine = create_engine(f"sqlite+aiosqlite:///{folder / f'poll-{count}.db'}")
    await upgrade(engine)
    sessions = session_factory(engine)
    async with sessions.begin() as session:
        session.add_all(Aircraft(hex=h, source="benchmark") for h in hexes)
    now = T0
    async with FakeADSB() as fake, new_session() as http:
        fake.clock = lambda: now.timestamp()
        _load(fake, hexes, rounds + 1)
        settings = load_settings(
            SUMMITWATCH_FLIGHT_PROVIDERS=f"adsb.lol={fake.base_url('adsb.lol')}"
        )
        providers = build_providers(settings, http, limits={"adsb.lol": WIDE})
        watch = FlightWatch(
            sessions,
            FlightFetcher(providers, clock=lambda: now),
            clock=lambda: now,
            airports=default_index(),
        )
        busy, quiet = [], []
        for r in range(rounds + 1):
            now = T0 + timedelta(seconds=STEP_S * r)
            started = time.perf_counter()
            result = await watch.poll()
            if r:  # the first round creates every track
                busy.append((time.perf_counter() - started) * 1000)
                assert result.fresh == count, result
            started = time.perf_counter()
            await watch.poll()
            quiet.append((time.perf_counter() - started) * 1000)
        async with sessions() as session:
            row = await load_state(session, "detector")
            state_kb = len(json.dumps(row.state if row else {})) / 1024
    await engine.dispose()
    profile = profile_for("adsb.lol", "https://api.adsb.lol")
    capacity = requests_per_round(profile.limits) * profile.max_batch
    return {
        "busy_ms": statistics.median(busy),
        "quiet_ms": statistics.median(quiet),
        "state_kb": state_kb,
        "slices": -(-count // capacity),
    }


async def _main(sizes: list[int], rounds: int) -> None:
    logging.disable(logging.WARNING)
    print(
        "| watched aircraft | round, all new (median ms) | quiet round (median ms) "
        "| saved state (KB) | slices at adsb.lol's shipped rate |"
    )
    print("|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for count in sizes:
            figures = await _case(count, rounds, Path(folder))
            print(
                f"| {count} | {figures['busy_ms']:.1f} | {figures['quiet_ms']:.1f} "
                f"| {figures['state_kb']:.0f} | {figures['slices']:.0f} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1000, 15000])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(_main(args.sizes, args.rounds))


if __name__ == "__main__":
    main()
