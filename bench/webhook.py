"""bench/webhook: command updates POSTed to the bot's webhook at a fixed rate.

A load generator (a separate process, aiohttp) posts `/help` updates, each from its
own private chat, to the webhooks of N `summitwatch run --webhook` processes on one
PostgreSQL (round-robin, as a load balancer would), at `--rate` per second for
`--seconds`, open loop: a post is sent on schedule whether or not earlier ones were
answered, but with at most `--connections` posts open at once (40, as Telegram keeps
for a webhook by default). Replies go to the fake Bot API in this process, limits off.

Reported per run:
- handler latency p50/p99: the bots' own `summitwatch_handler_seconds` histograms
  (all processes added up), interpolated within buckets as Prometheus does;
- end to end p50/p99: from the post to the reply accepted by the fake (wall clock),
  which adds the webhook, the queue before a handler and the reply's round trip;
- errors: posts not answered 200, and updates never answered by a reply;
- sustained rate: replies accepted per second during the load window, and the
  rate the generator actually achieved.

    python -m bench.webhook --processes 1 3 --rate 1000 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from storage.engine import create_engine
from storage.migrate import upgrade
from tests.conftest import create_pg_database, drop_pg_database
from tests.fakes.telegram_api import FakeBotAPI
from tests.webhook_bots import WebhookBot, start_webhook_bot

TOKEN = "818181:BENCH-webhook-token"  # noqa: S105  (accepted only by the local fake)
SECRET = "bench-webhook-secret"  # noqa: S105
FIRST_CHAT = 1_000_000
# --profile: each bot runs under cProfile, its stats written here (read with pstats).
PROFILE_DIR = Path(tempfile.gettempdir()) / "bench-webhook-profiles"
PROFILE = False
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105  (a header name)


def _update(update_id: int, chat_id: int, command: str) -> bytes:
    return json.dumps(
        {
            "update_id": update_id,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private", "first_name": "Load"},
                "from": {"id": chat_id, "is_bot": False, "first_name": "Load"},
                "text": command,
                "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
            },
        }
    ).encode()


# -- the load generator (its own process) ------------------------------------------------


async def generate(
    targets: list[str], rate: float, seconds: float, command: str, max_in_flight: int
) -> dict[str, object]:
    """Post `rate` updates per second for `seconds`; what was sent and what came back."""
    total = int(rate * seconds)
    sent_at: list[float] = [0.0] * total
    statuses: dict[str, int] = {}
    post_latency: list[float] = []
    in_flight: set[asyncio.Task[None]] = set()
    skipped_waits = 0
    connector = aiohttp.TCPConnector(limit=max_in_flight)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=30)
    ) as session:

        async def post(i: int) -> None:
            body = _update(i + 1, FIRST_CHAT + i, command)
            headers = {"Content-Type": "application/json", SECRET_HEADER: SECRET}
            started = time.perf_counter()
            sent_at[i] = time.time()
            try:
                async with session.post(targets[i % len(targets)], data=body, headers=headers) as r:
                    await r.read()
                    key = str(r.status)
            except (aiohttp.ClientError, TimeoutError) as exc:
                key = type(exc).__name__
            statuses[key] = statuses.get(key, 0) + 1
            post_latency.append(time.perf_counter() - started)

        t0 = time.perf_counter()
        for i in range(total):
            if time.perf_counter() - t0 >= seconds:
                # Backpressure held the schedule back: the window is over all the same.
                del sent_at[i:]
                break
            due = t0 + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if len(in_flight) >= max_in_flight:
                skipped_waits += 1
                await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
            task = asyncio.create_task(post(i))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
        offered_s = time.perf_counter() - t0
        if in_flight:
            await asyncio.wait(in_flight)
    post_latency.sort()
    return {
        "posted": len(sent_at),
        "offered_s": offered_s,
        "statuses": statuses,
        "waits_for_a_free_connection": skipped_waits,
        "post_p50_ms": 1000 * _quantile(post_latency, 0.5),
        "post_p99_ms": 1000 * _quantile(post_latency, 0.99),
        "sent_at": sent_at,
    }


def _quantile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(q * len(values)))]


# -- the bots and the fake (this process) ------------------------------------------------


async def _start_bot(
    fake: FakeBotAPI, database_url: str, folder: Path, index: int, concurrent: int
) -> WebhookBot:
    settings = {
        "SUMMITWATCH_CONCURRENT_UPDATES": str(concurrent),
        # Replies are paced like alerts; lift the pace as for a paid broadcast.
        "SUMMITWATCH_DELIVERY_RATE": "100000",
        "SUMMITWATCH_FLIGHT_POLL_SECONDS": "3600",
    }
    profile = ["-m", "cProfile", "-o", str(PROFILE_DIR / f"bot{index}.prof")] if PROFILE else []
    return await start_webhook_bot(
        fake, database_url, SECRET, folder / f"bot{index}.log", settings, profile
    )


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _stop(bots: list[WebhookBot]) -> None:
    """SIGINT; a bot still working through a backlog after 15 s is killed (a benchmark)."""
    for bot in bots:
        if bot.process.returncode is None:
            bot.process.send_signal(signal.SIGINT)
    for bot in bots:
        try:
            await asyncio.wait_for(bot.process.wait(), timeout=15)
        except TimeoutError:
            bot.process.kill()
            await bot.process.wait()


async def _wait_up(bots: list[WebhookBot]) -> None:
    deadline = time.monotonic() + 90
    async with aiohttp.ClientSession() as session:
        for bot in bots:
            while True:
                try:
                    async with session.get(f"{bot.health_url}/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("a bot did not start")
                await asyncio.sleep(0.2)


async def _handler_buckets(bots: list[WebhookBot]) -> dict[float, float]:
    """Cumulative counts per upper bound of summitwatch_handler_seconds, all processes."""
    buckets: dict[float, float] = {}
    async with aiohttp.ClientSession() as session:
        for bot in bots:
            async with session.get(f"{bot.health_url}/metrics") as response:
                text = await response.text()
            for family in text_string_to_metric_families(text):
                for sample in family.samples:
                    if sample.name == "summitwatch_handler_seconds_bucket":
                        bound = float(sample.labels["le"])
                        buckets[bound] = buckets.get(bound, 0.0) + sample.value
    return buckets


def _histogram_quantile(q: float, buckets: dict[float, float]) -> float:
    """Prometheus' histogram_quantile: linear within the bucket holding the rank."""
    bounds = sorted(buckets)
    total = buckets[bounds[-1]] if bounds else 0.0
    if total == 0:
        return float("nan")
    rank = q * total
    lower, below = 0.0, 0.0
    for bound in bounds:
        count = buckets[bound]
        if count >= rank:
            if math.isinf(bound):
                return lower
            return lower + (bound - lower) * (rank - below) / max(count - below, 1e-9)
        lower, below = bound, count
    return lower


async def _generator(
    targets: list[str], rate: float, seconds: float, command: str, connections: int
) -> dict[str, object]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.webhook",
        "--generate",
        ",".join(targets),
        "--rate",
        str(rate),
        "--seconds",
        str(seconds),
        "--command",
        command,
        "--connections",
        str(connections),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    result: dict[str, object] = json.loads(out)
    return result


async def run_once(
    processes: int,
    rate: float,
    seconds: float,
    command: str,
    concurrent: int,
    drain_s: float,
    connections: int,
) -> dict[str, object]:
    """One run: fresh database, N bots, the load, the figures."""
    database_url = await create_pg_database()
    engine = create_engine(database_url)
    await upgrade(engine)
    await engine.dispose()
    try:
        async with FakeBotAPI(token=TOKEN) as fake:
            fake.limits_enabled = False
            fake.keep_uploads = False
            fake.clock = time.time  # `Sent.at` in wall-clock seconds, like the generator
            # Kept after the run: the bots' logs are worth a look when figures are odd.
            folder = tempfile.mkdtemp(prefix=f"bench-webhook-{processes}p-")
            print(f"<!-- logs in {folder} -->", file=sys.stderr, flush=True)
            if True:
                bots = [
                    await _start_bot(fake, database_url, Path(folder), i, concurrent)
                    for i in range(processes)
                ]
                try:
                    await _wait_up(bots)
                    fake.clear_records()
                    cpu_before = sum(_cpu_s(b.process.pid) for b in bots)
                    load = await _generator(
                        [b.webhook_target for b in bots], rate, seconds, command, connections
                    )
                    posted = int(load["posted"])  # type: ignore[call-overload]
                    # Only replies are recorded as sent during the load: a count suffices.
                    with contextlib.suppress(TimeoutError):
                        await fake.wait_until(lambda: len(fake.sent) >= posted, timeout=drain_s)
                    buckets = await _handler_buckets(bots)
                    load["bot_cpu_s"] = sum(_cpu_s(b.process.pid) for b in bots) - cpu_before
                finally:
                    await _stop(bots)
            return _figures(processes, rate, seconds, load, fake, buckets)
    finally:
        await drop_pg_database(database_url)


def _figures(
    processes: int,
    rate: float,
    seconds: float,
    load: dict[str, object],
    fake: FakeBotAPI,
    buckets: dict[float, float],
) -> dict[str, object]:
    sent_at: list[float] = load["sent_at"]  # type: ignore[assignment]
    first_reply: dict[int, float] = {}
    for s in fake.sent:
        if s.method == "sendMessage" and s.chat_id not in first_reply:
            first_reply[s.chat_id] = s.at
    latencies = sorted(
        first_reply[FIRST_CHAT + i] - t
        for i, t in enumerate(sent_at)
        if FIRST_CHAT + i in first_reply
    )
    start = min(sent_at) if sent_at else 0.0
    in_window = sum(1 for t in first_reply.values() if start <= t <= start + seconds)
    statuses: dict[str, int] = load["statuses"]  # type: ignore[assignment]
    bad_posts = sum(n for status, n in statuses.items() if status != "200")
    return {
        "processes": processes,
        "offered_rate": rate,
        "achieved_post_rate": len(sent_at) / float(load["offered_s"]),  # type: ignore[arg-type]
        "posted": len(sent_at),
        "bad_posts": bad_posts,
        "statuses": statuses,
        "unanswered": len(sent_at) - len(latencies),
        "sustained_reply_rate": in_window / seconds,
        "handler_p50_ms": 1000 * _histogram_quantile(0.5, buckets),
        "handler_p99_ms": 1000 * _histogram_quantile(0.99, buckets),
        "e2e_p50_ms": 1000 * _quantile(latencies, 0.5),
        "e2e_p99_ms": 1000 * _quantile(latencies, 0.99),
        "bot_cpu_ms_per_reply": 1000 * float(load["bot_cpu_s"]) / max(1, len(first_reply)),  # type: ignore[arg-type]
        "post_p50_ms": load["post_p50_ms"],
        "post_p99_ms": load["post_p99_ms"],
    }


def _row(result: dict[str, object]) -> str:
    def f(key: str) -> str:
        value = result[key]
        return f"{value:.1f}" if isinstance(value, float) else str(value)

    return (
        f"| {f('processes')} | {f('offered_rate')} | {f('achieved_post_rate')} | "
        f"{f('sustained_reply_rate')} | {f('handler_p50_ms')} / {f('handler_p99_ms')} | "
        f"{f('e2e_p50_ms')} / {f('e2e_p99_ms')} | {f('bad_posts')} / {f('unanswered')} | "
        f"{f('bot_cpu_ms_per_reply')} |"
    )


async def main_async(args: argparse.Namespace) -> int:
    print(
        "| processes | offered/s | posted/s | replies/s (sustained) | handler p50 / p99 ms "
        "| end-to-end p50 / p99 ms | errors: posts / unanswered | bot CPU ms per reply |"
    )
    print("|---|---|---|---|---|---|---|---|")
    runs: dict[int, list[dict[str, object]]] = {}
    for processes in args.processes:
        for _ in range(args.runs):
            result = await run_once(
                processes,
                args.rate,
                args.seconds,
                args.command,
                args.concurrent,
                args.drain,
                args.max_in_flight,
            )
            runs.setdefault(processes, []).append(result)
            print(_row(result), flush=True)
            print(f"<!-- {json.dumps(result)} -->", file=sys.stderr, flush=True)
    if args.runs > 1:
        for processes, results in runs.items():
            rate = statistics.median(float(r["sustained_reply_rate"]) for r in results)  # type: ignore[arg-type]
            print(f"median sustained replies/s with {processes} process(es): {rate:.1f}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--command", default="/help")
    parser.add_argument(
        "--drain", type=float, default=30.0, help="seconds to wait for late replies after the load"
    )
    parser.add_argument("--concurrent", type=int, default=32, help="SUMMITWATCH_CONCURRENT_UPDATES")
    parser.add_argument("--generate", metavar="TARGETS", help=argparse.SUPPRESS)
    parser.add_argument(
        "--connections",
        dest="max_in_flight",
        type=int,
        default=40,
        help="posts open at once, all targets together (Telegram's max_connections: 40)",
    )
    parser.add_argument("--profile", action="store_true", help=f"cProfile the bots ({PROFILE_DIR})")
    args = parser.parse_args(argv)
    if args.profile:
        global PROFILE
        PROFILE = True
        PROFILE_DIR.mkdir(exist_ok=True)
    if args.generate:
        result = asyncio.run(
            generate(
                args.generate.split(","), args.rate, args.seconds, args.command, args.max_in_flight
            )
        )
        json.dump(result, sys.stdout)
        return 0
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    raise SystemExit(main())
