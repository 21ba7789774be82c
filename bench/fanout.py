"""bench/fanout: one alert to thousands of subscribed chats through the fake Bot API.

The fake runs in this process; the bot runs as a real `summitwatch run` process on a
store prepared with the subscribers and one routed alert, so the two do not share an
event loop (this machine has two cores). The rate is measured where Telegram would
see it: from the first to the last accepted message.

    python -m bench.fanout --mode paced --chats 5000            # Telegram's limits on
    python -m bench.fanout --mode broadcast --chats 5000 --runs 3
    python -m bench.fanout --mode broadcast --db postgres --runs 3
    python -m bench.fanout --mode unpaced --runs 3               # the bot's own ceiling
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from storage.engine import create_engine, session_factory
from storage.migrate import upgrade
from tests.alerting import store_landing, subscribe_chats
from tests.conftest import create_pg_database, drop_pg_database
from tests.fakes.telegram_api import FakeBotAPI

TOKEN = "700700:BENCH-fanout-token"  # noqa: S105  (accepted only by the local fake)
TELEGRAM_CEILING = 30.0
# Each mode: (fake enforces Telegram's limits, bot's SUMMITWATCH_DELIVERY_RATE, paid broadcast)
MODES = {
    "paced": (True, "30", "false"),
    "broadcast": (False, "1000", "true"),
    "unpaced": (False, "100000", "false"),
}


@dataclass
class Result:
    """One fan-out, as the fake saw it."""

    chats: int
    delivered: int
    duplicated: int
    refused_429: int
    seconds: float
    wall_seconds: float
    bot_cpu_s: float  # from the first send to the last
    fake_cpu_s: float

    @property
    def rate(self) -> float:
        return (self.delivered - 1) / self.seconds if self.seconds > 0 else float("nan")


async def prepare(database_url: str, chats: int) -> None:
    """Subscribers (four private chats to one group) and one routed alert."""
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        ids = [
            (-1_001_000_000_000 - i if i % 5 == 4 else 1_000_000 + i, "en") for i in range(chats)
        ]
        for start in range(0, chats, 1000):
            await subscribe_chats(sessions, ids[start : start + 1000])
        await store_landing(sessions)
    finally:
        await engine.dispose()


async def fan_out(
    database_url: str, chats: int, mode: str, concurrency: int, profile: str | None = None
) -> Result:
    limits, rate, paid = MODES[mode]
    await prepare(database_url, chats)
    async with FakeBotAPI(token=TOKEN) as fake:
        fake.limits_enabled = limits
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("SUMMITWATCH_")},
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": fake.base_url,
            "DATABASE_URL": database_url,
            "SUMMITWATCH_DELIVERY_RATE": rate,
            "SUMMITWATCH_PAID_BROADCAST": paid,
            "SUMMITWATCH_DELIVERY_CONCURRENCY": str(concurrency),
            # No health endpoint: another bot on its default port would stop this one.
            "SUMMITWATCH_HEALTH_PORT": "0",
        }
        started = time.monotonic()
        profiler = ["-m", "cProfile", "-o", profile] if profile else []
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *profiler,
            "-m",
            "bot",
            "run",
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )

        def sends() -> list[float]:
            return [s.at for s in fake.sent if s.method == "sendMessage"]

        try:
            # CPU is counted from the first send to the last: start-up is not delivery.
            await fake.wait_until(lambda: len(sends()) >= 1, timeout=120)
            bot_cpu_started = cpu_seconds(process.pid)
            fake_cpu_started = time.process_time()
            await fake.wait_until(lambda: len(sends()) >= chats, timeout=chats / 10 + 120)
            bot_cpu = cpu_seconds(process.pid) - bot_cpu_started
            fake_cpu = time.process_time() - fake_cpu_started
            await asyncio.sleep(1.0)  # a stray duplicate would arrive now
        finally:
            process.send_signal(signal.SIGINT)
            await asyncio.wait_for(process.wait(), timeout=60)
        wall = time.monotonic() - started
        times = sends()
        copies = Counter(s.chat_id for s in fake.sent if s.method == "sendMessage")
        return Result(
            chats=chats,
            delivered=len(copies),
            duplicated=sum(n - 1 for n in copies.values()),
            refused_429=fake.count("sendMessage", 429),
            seconds=max(times) - min(times),
            wall_seconds=wall,
            bot_cpu_s=bot_cpu,
            fake_cpu_s=fake_cpu,
        )


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process (Linux /proc), start-up included."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def one_run(
    db: str, chats: int, mode: str, concurrency: int, profile: str | None = None
) -> Result:
    if db == "postgres":
        url = await create_pg_database()
        try:
            return await fan_out(url, chats, mode, concurrency, profile)
        finally:
            await drop_pg_database(url)
    with tempfile.TemporaryDirectory(prefix="bench-fanout-") as folder:
        return await fan_out(
            f"sqlite+aiosqlite:///{Path(folder) / 'fanout.db'}", chats, mode, concurrency, profile
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=sorted(MODES), default="broadcast")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--chats", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--profile", metavar="FILE", help="cProfile the bot process into FILE")
    args = parser.parse_args()
    results = [
        asyncio.run(one_run(args.db, args.chats, args.mode, args.concurrency, args.profile))
        for _ in range(args.runs)
    ]
    for number, r in enumerate(results, 1):
        print(
            f"run {number}: {r.delivered}/{r.chats} delivered in {r.seconds:.1f}s "
            f"(wall {r.wall_seconds:.1f}s), {r.rate:.1f} msg/s, "
            f"429s {r.refused_429}, lost {r.chats - r.delivered}, duplicated {r.duplicated}; "
            f"CPU per message: bot {r.bot_cpu_s / r.chats * 1000:.2f} ms, "
            f"fake and bench {r.fake_cpu_s / r.chats * 1000:.2f} ms"
        )
    rate = statistics.median(r.rate for r in results)
    print(
        f"median of {len(results)}: {rate:.1f} msg/s"
        + (f" = {rate / TELEGRAM_CEILING:.1%} of Telegram's 30/s" if args.mode == "paced" else "")
        + f"; 429s {sum(r.refused_429 for r in results)}, "
        f"lost {sum(r.chats - r.delivered for r in results)}, "
        f"duplicated {sum(r.duplicated for r in results)}"
    )


if __name__ == "__main__":
    main()
