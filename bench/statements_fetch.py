"""Polling costs: event-loop stalls while a large feed is parsed, and a poll's round trip.

Run: `.venv/bin/python -m bench.statements_fetch` (options: --runs).

1. Loop stall: a ~1.1 MB RSS body (the size of mod.gov.az's feed, built by
   `bench.statements_parsing.rss`) is parsed either on the event loop or in
   `asyncio.to_thread`, as `FeedFetcher` does, while a task ticks every 10 ms; the
   figure is the longest gap between ticks beyond those 10 ms. It is what every
   other job (alerts delivery, Telegram updates) waits while a feed is parsed.
2. Round trip: `FeedFetcher.poll` of a 30-item feed from the fake feed server on
   127.0.0.1, through the guarded session: a full answer (200, parsed) and a
   conditional one (304, nothing parsed).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime

from bench.statements_parsing import rss
from bot.net.guarded_http import new_guarded_session
from bot.net.ssrf import AddressPolicy
from bot.statements.fetch import FeedFetcher, FetchStatus
from bot.statements.parsing import parse_feed
from bot.statements.sources import FeedTarget
from tests.fakes.feeds import FakeFeeds

_TICK_S = 0.010


async def _worst_stall(work: Callable[[], object], *, in_thread: bool) -> float:
    """The longest extra delay of a 10 ms ticker while `work` runs."""
    stop = asyncio.Event()
    worst = 0.0

    async def ticker() -> None:
        nonlocal worst
        while not stop.is_set():
            started = time.perf_counter()
            await asyncio.sleep(_TICK_S)
            worst = max(worst, time.perf_counter() - started - _TICK_S)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(_TICK_S * 3)
    if in_thread:
        await asyncio.to_thread(work)
    else:
        work()
    await asyncio.sleep(_TICK_S * 3)
    stop.set()
    await task
    return worst


async def loop_stalls(runs: int) -> None:
    body = rss(1000, random.Random(20260711))

    def work() -> object:
        return parse_feed(body, source="bench", language="az")

    for label, in_thread in (("on the event loop", False), ("in asyncio.to_thread", True)):
        stalls = [await _worst_stall(work, in_thread=in_thread) for _ in range(runs)]
        print(
            f"parse of {len(body) / 1e6:.2f} MB {label}: worst loop stall median "
            f"{statistics.median(stalls) * 1000:.0f} ms "
            f"(min {min(stalls) * 1000:.0f}, max {max(stalls) * 1000:.0f})"
        )


async def round_trips(runs: int) -> None:
    async with FakeFeeds() as fake:
        url = fake.add_feed("/feed", "rss", language="az", site="bench.example")
        for number in range(30):
            fake.add_item(
                "/feed",
                f"Xəbər {number}",
                "Mətn. " * 40,
                published=datetime(2026, 7, 11, 9, number, tzinfo=UTC),
            )
        target = FeedTarget("bench", "rss", url, "az")
        # The fake listens on 127.0.0.1: let only that address through.
        policy = AddressPolicy.build(allow=["127.0.0.1"])
        async with new_guarded_session(policy) as session:
            timings: dict[FetchStatus, list[float]] = {
                FetchStatus.OK: [],
                FetchStatus.NOT_MODIFIED: [],
            }
            for _ in range(runs):
                fetcher = FeedFetcher(session)  # a fresh one: no validators, a full answer
                for expected in (FetchStatus.OK, FetchStatus.NOT_MODIFIED):
                    started = time.perf_counter()
                    result = await fetcher.poll(target, force=True)
                    elapsed = time.perf_counter() - started
                    assert result is not None and result.status is expected, result
                    timings[expected].append(elapsed)
        for status, values in timings.items():
            print(
                f"poll of a 30-item feed, {status.value}: median "
                f"{statistics.median(values) * 1000:.1f} ms over {len(values)} polls"
            )


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    asyncio.run(loop_stalls(args.runs))
    asyncio.run(round_trips(args.runs * 5))


if __name__ == "__main__":
    main()
