"""bench/flight_providers: one polling round of the provider clients against the fake.

Measures what a round of `FlightFetcher.fetch` costs on our side: URL building,
batching, HTTP over loopback, JSON decoding and parsing, for watchlists of several
sizes; how many requests each provider's batching needs; and what a failover costs
when the first provider answers 503. Our own rate limiters are opened wide, so the
figures are the client's, not the providers' politeness (with the shipped one request
per second, a round takes at least `requests - 1` seconds). The fake runs in the same
event loop, so its time is included.

    python -m bench.flight_providers            # default sizes, 5 runs each
    python -m bench.flight_providers --runs 9 --sizes 10 250 1000
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import time
from collections.abc import Sequence
from datetime import UTC, datetime

import aiohttp

from bot.flights.providers import FlightFetcher, Limits, OpenSkyClient, Provider, ReadsbV2Client
from bot.flights.providers.profiles import profile_for, with_limits
from bot.net.http import new_session
from tests.fakes.adsb import FakeADSB

T0 = 1_767_000_000.0
WIDE = Limits(requests=100_000, per_seconds=1.0, timeout_s=10.0, max_wait_s=10.0)


def _hexes(count: int) -> list[str]:
    return [f"ff{n:04x}" for n in range(count)]


def _load(fake: FakeADSB, hexes: Sequence[str]) -> None:
    for index, hex_code in enumerate(hexes):
        fake.load_track(
            hex_code,
            [(T0 - 2, 40.0 + index / 10_000, 49.0, 35000, 450.0, 90.0, 0, "2000")],
            callsign=f"DEMO{index}",
            registration=f"DEMO{index}",
            type_code="GLF6",
        )


def _client(fake: FakeADSB, session: aiohttp.ClientSession, name: str) -> Provider:
    base = fake.base_url(name)
    profile = with_limits(profile_for(name, base), WIDE)
    if name == "opensky":
        return OpenSkyClient(name, base, session, profile)
    return ReadsbV2Client(name, base, session, profile)


async def _rounds(
    fake: FakeADSB, providers: Sequence[Provider], hexes: Sequence[str], runs: int, fail: bool
) -> tuple[float, int, int]:
    """(median ms per round, requests per round, reports per round)."""
    timings = []
    reports = 0
    for _ in range(runs):
        # A fresh fetcher each run: no backoff carried over from the previous one.
        fetcher = FlightFetcher(providers, lambda: datetime.fromtimestamp(T0, UTC))
        if fail:
            fake.fail_next("503")
        fake.clear_records()
        started = time.perf_counter()
        outcome = await fetcher.fetch(hexes)
        timings.append((time.perf_counter() - started) * 1000)
        reports = len(outcome.reports)
    return statistics.median(timings), len(fake.requests), reports


async def main(sizes: Sequence[int], runs: int) -> None:
    print(f"{'case':<34}{'aircraft':>9}{'requests':>10}{'reports':>9}{'median ms':>11}")
    async with FakeADSB() as fake, new_session() as session:
        fake.set_time(T0)
        _load(fake, _hexes(max(sizes)))
        cases: list[tuple[str, list[str], bool, int]] = [
            ("adsb.lol (comma lists of 250)", ["adsb.lol"], False, max(sizes)),
            ("opensky (icao24 x 100)", ["opensky"], False, max(sizes)),
            ("adsb.fi (one hex per request)", ["adsb.fi"], False, 250),
            ("adsb.lol 503 -> airplanes.live", ["adsb.lol", "airplanes.live"], True, max(sizes)),
        ]
        for label, names, fail, limit in cases:
            providers = [_client(fake, session, name) for name in names]
            for size in sizes:
                if size > limit:
                    continue
                ms, requests, reports = await _rounds(fake, providers, _hexes(size), runs, fail)
                print(f"{label:<34}{size:>9}{requests:>10}{reports:>9}{ms:>11.1f}")


def cli() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100, 1000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the failover case logs one warning per round
    asyncio.run(main(args.sizes, args.runs))


if __name__ == "__main__":
    cli()
