"""bench/fleet_poll: poll rounds over a government-sized fleet against a provider that
enforces one request per second, as adsb.fi and airplanes.live publish.

The fake provider runs in a child process (so the bot's CPU time is the bot's alone),
refuses with 429 any request less than a second after the one before it (on real time),
and answers comma lists of hexes on adsb.fi's `/v2/icao/` path. The bot polls with the
provider's *shipped* limits (no override), on its real schedule: a round every
`--interval` seconds of wall clock, the data clock running with it. A share of the
fleet (`--airborne`) cruises and moves every round; the rest stood still once.

Per round: wall time, bot CPU time (`time.process_time`), requests sent and 429s got;
after each round, the age of the oldest refresh (the longest any watched aircraft went
without being asked of an answering provider) and the share refreshed within 60 s;
at the end, the bot process's peak RSS. Scaffolding (aircraft, tracks) is
`bench.flights_poll`'s.

    python -m bench.fleet_poll                       # 2000 aircraft, 4 rounds 30 s apart
    python -m bench.fleet_poll --aircraft 5000 --rounds 3 --provider adsb.lol
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import resource
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path

from bench.flights_poll import T0, _hexes, _load
from bot.flights.airports import default_index
from bot.flights.polling import FlightWatch
from bot.flights.providers import FlightFetcher, build_providers
from bot.kernel.config import load_settings
from bot.net.http import new_session
from storage.engine import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import Aircraft
from tests.fakes.adsb import FakeADSB


def _serve(pipe: Connection, count: int, rounds: int, airborne: int) -> None:
    """The child: a fake provider at one request per second until told to stop."""

    async def run() -> None:
        async with FakeADSB(readsb_rate_limit=(1, 1.0), rate_clock=time.monotonic) as fake:
            _load(fake, _hexes(count), rounds * 4 + 4, airborne)
            started = time.time()
            fake.clock = lambda: T0.timestamp() + (time.time() - started)
            pipe.send((fake.root_url, started))
            await asyncio.get_running_loop().run_in_executor(None, pipe.recv)
            pipe.send([(r.status, len(r.ids)) for r in fake.requests])

    asyncio.run(run())


async def _bench(args: argparse.Namespace) -> None:
    logging.disable(logging.WARNING)
    airborne = round(args.aircraft * args.airborne)
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.get_context("spawn").Process(
        target=_serve, args=(child, args.aircraft, args.rounds, airborne)
    )
    server.start()
    root, started = parent.recv()
    prefix = {"adsb.fi": "/api", "adsbexchange": "/api/aircraft"}.get(args.provider, "")
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(folder) / 'fleet.db'}")
        await upgrade(engine)
        sessions = session_factory(engine)
        async with sessions.begin() as session:
            session.add_all(Aircraft(hex=h, source="benchmark") for h in _hexes(args.aircraft))

        def clock() -> datetime:
            return T0 + timedelta(seconds=time.time() - started)

        async with new_session() as http:
            settings = load_settings(SUMMITWATCH_FLIGHT_PROVIDERS=f"{args.provider}={root}{prefix}")
            watch = FlightWatch(
                sessions,
                FlightFetcher(build_providers(settings, http), clock=clock),
                clock=clock,
                airports=default_index(),
            )
            walls, cpus, ages, shares = [], [], [], []
            first = time.monotonic()
            for r in range(args.rounds):
                await asyncio.sleep(max(0.0, first + r * args.interval - time.monotonic()))
                wall, cpu = time.perf_counter(), time.process_time()
                result = await watch.poll()
                walls.append(time.perf_counter() - wall)
                cpus.append((time.process_time() - cpu) * 1000)
                fresh = result.freshness
                assert fresh is not None and result.provider is not None, result
                oldest = fresh.oldest or fresh.at
                ages.append((fresh.at - oldest).total_seconds())
                shares.append(fresh.share)
        await engine.dispose()
    parent.send("stop")
    answers = parent.recv()
    server.join()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        "| provider | watched | airborne | rounds | requests / round | hexes / request "
        "| 429s | round wall (median s) | bot CPU / round (median ms) "
        "| oldest refresh after a round (max s) | refreshed within 60 s (min) | peak RSS (MB) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    sizes = [n for status, n in answers if status == 200]
    print(
        f"| {args.provider} | {args.aircraft} | {airborne} | {args.rounds} "
        f"| {len(answers) / args.rounds:.1f} | {max(sizes) if sizes else 0} "
        f"| {sum(1 for status, _ in answers if status == 429)} "
        f"| {statistics.median(walls):.1f} | {statistics.median(cpus):.0f} "
        f"| {max(ages):.0f} | {min(shares):.1%} | {peak_mb:.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aircraft", type=int, default=2000)
    parser.add_argument("--airborne", type=float, default=0.1)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--interval", type=float, default=30.0)
    parser.add_argument("--provider", default="adsb.fi")
    asyncio.run(_bench(parser.parse_args()))


if __name__ == "__main__":
    main()
