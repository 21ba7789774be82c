"""/status latency with a million positions: person, callsign, unknown word, end to end.

Run: `.venv/bin/python bench/status.py` (SQLite) or `... --pg`; `--retention` also runs
the first retention pass inside the bot while the requests go on. Before and after in
one run: `--before REV` runs this same file first against a work tree at REV, then in
this tree (the code under test comes from each tree, the bench from this one).

The store: `--aircraft` fictional aircraft (hex codes from ff1000, registrations
ZZ-B001…, callsigns "BEN001  " padded as ADS-B sends them) fly great-circle flights
(`bot.flights.synthetic`, a report every 15 s, taxi out and in) between jet airports
for `--days` days until the store holds `--positions` positions, with their takeoff
and landing events; 20 fictional people ("Envoy Alfa"…) are linked to 1-3 aircraft
each. It is built once per schema revision and size and cached in the temp folder
(SQLite: a file copied for each run; PostgreSQL: a template database).

Each request goes through the real bot (long polling) and the fake Bot API: the time
is from the update being queued to the first reply accepted by the fake. Each request
comes from a new private chat (the per-chat pacing is not what is measured here), and
the next one is sent once every reply of the previous one (text, map) arrived. The
query layer alone (`find_subject`, then the flight queries `/status` runs) is timed too.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    # Run as a file: the code under test is on PYTHONPATH (this tree or `--before`'s).
    sys.path.insert(0, os.environ.get("SUMMITWATCH_BENCH_TREE", str(HERE)))

from sqlalchemy import event, insert, text  # noqa: E402
from sqlalchemy.engine.url import make_url  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from bot.flights.airports import Airport, load_airports  # noqa: E402
from bot.flights.geo import haversine_km  # noqa: E402
from bot.flights.synthetic import flight  # noqa: E402
from storage.engine import create_engine, session_factory  # noqa: E402
from storage.migrate import head_revision, upgrade  # noqa: E402
from storage.models import Aircraft, Person, PersonAircraft  # noqa: E402
from tests.conftest import PG_URL, _admin  # noqa: E402
from tests.e2e import bot_settings, running_bot, services_of  # noqa: E402
from tests.fakes.adsb import FakeADSB  # noqa: E402
from tests.fakes.telegram_api import FakeBotAPI  # noqa: E402

TOKEN = "818282:BENCH-status-token"  # noqa: S105  (accepted only by the local fake)
STEP_S = 15.0
PEOPLE = [
    "Alfa",
    "Bravo",
    "Charlie",
    "Delta",
    "Echo",
    "Foxtrot",
    "Golf",
    "Hotel",
    "India",
    "Juliett",
    "Kilo",
    "Lima",
    "Mike",
    "November",
    "Oscar",
    "Papa",
    "Quebec",
    "Romeo",
    "Sierra",
    "Tango",
]
# Quiet runs: retention has nothing to do (the bot starts a pass a minute after start).
NO_RETENTION = {
    "SUMMITWATCH_POSITION_RETENTION_DAYS": "36500",
    "SUMMITWATCH_POSITION_DOWNSAMPLE_AFTER_HOURS": str(36500 * 24 - 1),
}
# From the metadata: the bench also runs against older trees (`--before`).
POSITIONS_TABLE = SQLModel.metadata.tables["positions"]
EVENTS_TABLE = SQLModel.metadata.tables["flight_events"]


def _hex(n: int) -> str:
    return f"{0xFF1000 + n:06x}"


def _callsign(n: int) -> str:
    return f"BEN{n:03d}"


def _flights_of(
    n: int, airports: Sequence[Airport], end: datetime, days: float, quota: int, rng: random.Random
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Positions and events of one aircraft: flights spread over `days`, `quota` reports."""
    hex_code, callsign = _hex(n), _callsign(n)
    positions: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    here = rng.choice(airports)
    legs: list[tuple[Airport, Airport, float]] = []
    total = 0
    while total < quota:
        there = rng.choice(airports)
        km = haversine_km(here.lat, here.lon, there.lat, there.lon)
        if not 400 <= km <= 4000:
            continue
        seconds = km / 830 * 3600 + 1200  # ~450 kt and the climb and descent
        legs.append((here, there, seconds))
        total += int(seconds / STEP_S) + 80
        here = there
    gap = timedelta(days=days) / (len(legs) + 1)
    for i, (dep, arr, seconds) in enumerate(legs):
        takeoff = end - timedelta(days=days) + gap * (i + 1) - timedelta(seconds=seconds)
        takeoff = takeoff.replace(microsecond=0)
        landing = takeoff + timedelta(seconds=int(seconds))
        for report in flight(hex_code, dep, arr, takeoff, landing, step_s=STEP_S, provider="bench"):
            positions.append(
                {
                    "hex": hex_code,
                    "ts": report.ts,
                    "lat": report.lat,
                    "lon": report.lon,
                    "alt_ft": report.alt_ft,
                    "on_ground": report.on_ground,
                    "ground_speed_kt": report.gs_kt,
                    "track_deg": report.track_deg,
                    "vertical_rate_fpm": report.vrate_fpm,
                    "squawk": report.squawk,
                    "callsign": f"{callsign:<8}",
                    "provider": "bench",
                }
            )
        for kind, moment, airport in (("takeoff", takeoff, dep), ("landing", landing, arr)):
            data: dict[str, Any] = {}
            if kind == "landing":
                data = {
                    "how": "ground",
                    "departure": dep.icao,
                    "departure_ts": takeoff.isoformat(),
                    "duration_s": int(seconds),
                }
            events.append(
                {
                    "dedup_key": f"{hex_code}:{kind}:{int(moment.timestamp())}",
                    "kind": kind,
                    "hex": hex_code,
                    "ts": moment,
                    "airport_icao": airport.icao,
                    "lat": airport.lat,
                    "lon": airport.lon,
                    "confidence": "confirmed",
                    "provider": "bench",
                    "data": data,
                    "detected_at": moment,
                }
            )
    return positions[:quota], events


async def build(url: str, args: argparse.Namespace) -> int:
    """Migrate and fill an empty store; how many positions."""
    rng = random.Random(13)
    airports = [a for a in load_airports() if a.tz]
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    engine = create_engine(url)
    total = 0
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        async with sessions.begin() as session:
            for n in range(args.aircraft):
                session.add(
                    Aircraft(hex=_hex(n), registration=f"ZZ-B{n:03d}", source="bench (fictional)")
                )
            people = [
                Person(
                    slug=f"envoy-{word.lower()}",
                    names={"en": f"Envoy {word}", "ru": f"Посланник {word}", "az": word},
                    aliases={"en": [word]},
                    source="bench (fictional)",
                )
                for word in PEOPLE
            ]
            session.add_all(people)
            await session.flush()
            for i, person in enumerate(people):
                assert person.id is not None
                for k in range(1 + i % 3):
                    session.add(
                        PersonAircraft(
                            person_id=person.id,
                            aircraft_hex=_hex((i * 3 + k) % args.aircraft),
                            note="bench",
                            since=end - timedelta(days=args.days),
                        )
                    )
        quota = args.positions // args.aircraft
        for n in range(args.aircraft):
            positions, events = _flights_of(n, airports, end, args.days, quota, rng)
            async with engine.begin() as connection:
                for offset in range(0, len(positions), 10_000):
                    await connection.execute(
                        insert(POSITIONS_TABLE), positions[offset : offset + 10_000]
                    )
                await connection.execute(insert(EVENTS_TABLE), events)
            total += len(positions)
        if engine.dialect.name == "postgresql":
            async with engine.connect() as connection:
                await connection.execute(text("COMMIT"))
                await connection.execute(text("ANALYZE"))
    finally:
        await engine.dispose()
    return total


def _key(args: argparse.Namespace) -> str:
    return f"r{head_revision()}_a{args.aircraft}_p{args.positions}_d{args.days:g}"


async def _pg_exists(name: str) -> bool:
    import asyncpg

    url = make_url(PG_URL).set(drivername="postgresql")
    connection = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        return bool(await connection.fetchval("SELECT 1 FROM pg_database WHERE datname=$1", name))
    finally:
        await connection.close()


async def scratch_store(args: argparse.Namespace) -> tuple[str, Callable[[], Awaitable[None]]]:
    """A fresh copy of the cached store (built first when missing); its URL and a cleanup."""
    key = _key(args)
    if args.pg:
        template = f"summitwatch_bench_status_{key}".lower()
        if not await _pg_exists(template):
            await _admin(f'CREATE DATABASE "{template}"')
            url = make_url(PG_URL).set(database=template).render_as_string(hide_password=False)
            started = time.perf_counter()
            count = await build(url, args)
            print(
                f"  built {template}: {count:,} positions in {time.perf_counter() - started:.0f} s"
            )
        scratch = f"summitwatch_bench_status_run_{os.getpid()}"
        await _admin(f'DROP DATABASE IF EXISTS "{scratch}"')
        await _admin(f'CREATE DATABASE "{scratch}" TEMPLATE "{template}"')

        async def drop() -> None:
            await _admin(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')

        return make_url(PG_URL).set(database=scratch).render_as_string(hide_password=False), drop
    cache = Path(tempfile.gettempdir()) / "summitwatch-bench-status" / f"{key}.db"
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        started = time.perf_counter()
        count = await build(f"sqlite+aiosqlite:///{partial}", args)
        engine = create_engine(f"sqlite+aiosqlite:///{partial}")
        async with engine.connect() as connection:
            await connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        await engine.dispose()
        partial.rename(cache)
        print(f"  built {cache.name}: {count:,} positions in {time.perf_counter() - started:.0f} s")
    folder = Path(tempfile.mkdtemp(prefix="bench-status-"))
    shutil.copyfile(cache, folder / "store.db")

    async def remove() -> None:
        shutil.rmtree(folder, ignore_errors=True)

    return f"sqlite+aiosqlite:///{folder / 'store.db'}", remove


def _unknown_words(count: int) -> list[str]:
    rng = random.Random(7)
    return ["".join(rng.choices("qxzjkvwy", k=rng.randint(2, 8))) for _ in range(count)]


def _percentiles(values: Sequence[float]) -> str:
    ordered = sorted(values)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    return (
        f"median {statistics.median(ordered) * 1000:6.1f}  p95 {at(0.95):6.1f}  "
        f"p99 {at(0.99):6.1f}  max {ordered[-1] * 1000:6.1f} ms"
    )


async def end_to_end(
    fake: FakeBotAPI, words: Sequence[str], chats: itertools.count[int], settle: float
) -> list[float]:
    """Seconds from each `/status <word>` to its first reply, one request at a time."""
    times = []
    for word in words:
        chat = next(chats)
        started = time.perf_counter()
        fake.user_message(chat, f"/status {word}")
        await fake.wait_for_messages(chat, 1, timeout=30)
        times.append(time.perf_counter() - started)
        # The map is drawn right after the text (then may wait for the chat's pacing):
        # let the drawing finish so it does not run beside the next request.
        with contextlib.suppress(TimeoutError):
            await fake.wait_for_messages(chat, 2, timeout=settle)
    return times


async def query_layer(sessions: Any, words: Sequence[str]) -> list[float]:
    """Seconds of `find_subject` plus the flight reads of /status, per word."""
    from bot.flights.overview import aircraft_overview
    from bot.watch.subject import find_subject

    times = []
    now = datetime.now(UTC)
    for word in words:
        started = time.perf_counter()
        async with sessions() as session:
            found = await find_subject(session, word, "en")
            if found.subject is not None:
                for entry in found.subject.aircraft:
                    await aircraft_overview(session, entry.hex, now)
        times.append(time.perf_counter() - started)
    return times


async def run(args: argparse.Namespace) -> None:
    url, cleanup = await scratch_store(args)
    label = "postgresql" if args.pg else "sqlite"
    rng = random.Random(11)
    people = [rng.choice(PEOPLE).lower() for _ in range(args.requests)]
    callsigns = [_callsign(rng.randrange(args.aircraft)) for _ in range(args.requests)]
    cases = {"person": people, "callsign": callsigns, "unknown word": _unknown_words(args.requests)}
    chats = itertools.count(10_001)
    try:
        async with FakeBotAPI(token=TOKEN) as fake, FakeADSB() as adsb:
            fake.limits_enabled = False
            # An empty sky, polled every 30 s as in production.
            overrides = {"SUMMITWATCH_FLIGHT_PROVIDERS": f"adsb.lol={adsb.base_url('adsb.lol')}"}
            # The bot's own pass starts a minute after start-up: make it a no-op, the
            # bench starts the pass itself when it is measured.
            overrides.update(NO_RETENTION)
            # As in production (the tests' settings turn these off): maps drawn in the
            # map worker process, the shipped fleet seeded beside the bench's aircraft,
            # start-up's survivors frozen out of full garbage collections.
            overrides.update(
                SUMMITWATCH_MAP_WORKER="true",
                SUMMITWATCH_FLEET_SEED="true",
                SUMMITWATCH_GC_FREEZE="true",
            )
            async with running_bot(bot_settings(fake, url, **overrides)) as application:
                services = services_of(application)
                # Warm-up: first use of the fuzzy index, the caches, and the map worker,
                # which starts in the background (its first map may take seconds).
                await end_to_end(fake, ["alfa", _callsign(0)], chats, 60.0)
                await end_to_end(fake, ["qqq"], chats, args.settle)
                if args.retention:
                    await during_retention(fake, services, cases, chats, args, label)
                    return
                print(f"{label}, end to end through the fake Bot API ({args.requests} each):")
                for name, words in cases.items():
                    cpu = time.process_time()
                    times = await end_to_end(fake, words, chats, args.settle)
                    shown = f"/status <{name}>"
                    print(
                        f"  {shown:<23}{_percentiles(times)}  {_cpu(cpu, words)}  (load {_load()})",
                        flush=True,
                    )
                print(f"{label}, query layer alone (find_subject + flight reads):")
                for name, words in cases.items():
                    cpu = time.process_time()
                    times = await query_layer(services.sessions, words)
                    print(
                        f"  {name:<23}{_percentiles(times)}  {_cpu(cpu, words)}  (load {_load()})",
                        flush=True,
                    )
    finally:
        await cleanup()


async def during_retention(
    fake: FakeBotAPI,
    services: Any,
    cases: dict[str, list[str]],
    chats: itertools.count[int],
    args: argparse.Namespace,
    label: str,
) -> None:
    """/status requests, in turn, while the first retention pass runs in the bot's loop.

    Also measured: how long each retention transaction holds its writes (from its
    first DELETE to its COMMIT: on SQLite the database's write lock, on PostgreSQL the
    deleted rows' locks), and how long a writer beside it (one position every 0.25 s,
    as the poller writes) waits to commit.
    """
    from bot.kernel.config import load_settings
    from bot.runtime.retention import run_retention
    from storage.positions import add_positions

    held: list[float] = []
    engine = services.engine.sync_engine

    def write_starts(conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("DELETE") and "w" not in conn.info:
            conn.info["w"] = time.perf_counter()

    def commits(conn: Any) -> None:
        started = conn.info.pop("w", None)
        if started is not None:
            held.append(time.perf_counter() - started)

    event.listen(engine, "before_cursor_execute", write_starts)
    event.listen(engine, "commit", commits)
    # The production policy (90 days kept, thinned to one a minute after 24 h).
    production = load_settings(
        TELEGRAM_BOT_TOKEN=TOKEN, DATABASE_URL=services.settings.database_url
    )
    retention = asyncio.create_task(_timed(run_retention(production, services.engine)))
    waits: list[float] = []

    async def writer() -> None:
        while not retention.done():
            row = {"hex": "ff0fff", "ts": datetime.now(UTC), "lat": 1.0, "lon": 2.0}
            started = time.perf_counter()
            async with services.sessions.begin() as session:
                await add_positions(session, [{**row, "on_ground": False, "provider": "probe"}])
            waits.append(time.perf_counter() - started)
            await asyncio.sleep(0.25)

    probe = asyncio.create_task(writer())
    times: dict[str, list[float]] = {name: [] for name in cases}
    turns = itertools.cycle(
        [
            (name, w)
            for ws in zip(*cases.values(), strict=True)
            for name, w in zip(cases, ws, strict=True)
        ]
    )
    while not retention.done():
        name, word = next(turns)
        times[name] += await end_to_end(fake, [word], chats, args.settle)
    result, seconds = await retention
    await probe
    event.remove(engine, "before_cursor_execute", write_starts)
    event.remove(engine, "commit", commits)
    print(
        f"{label}, first retention pass: {seconds:.1f} s, pruned {result.pruned:,}, "
        f"thinned away {result.downsampled:,}; {len(held)} write transactions"
    )
    print(f"  writes held per transaction   {_percentiles(held)}, total {sum(held):.1f} s")
    print(f"  a writer beside it waits      {_percentiles(waits)} ({len(waits)} writes)")
    for name, measured in times.items():
        if measured:
            shown = f"/status <{name}>"
            print(f"  {shown:<30}{_percentiles(measured)} ({len(measured)} requests)")
    print(f"  (load {_load()})", flush=True)


async def _timed(work: Awaitable[Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = await work
    return result, time.perf_counter() - started


def _cpu(started: float, words: Sequence[str]) -> str:
    """This process's CPU time (every thread: the bot, its SQLite threads, the fake) per
    request since `started`: the work a request costs, which the machine's load hardly
    changes, unlike its wall time. The map worker's drawing is another process's."""
    return f"cpu {(time.process_time() - started) / len(words) * 1000:5.1f} ms/req"


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _before(rev: str) -> None:
    """Run this file against a work tree at `rev`, then return (this tree runs next)."""
    folder = tempfile.mkdtemp(prefix="bench-status-before-")
    subprocess.run(  # noqa: S603
        ["git", "worktree", "add", "--quiet", "--detach", folder, rev],  # noqa: S607
        cwd=HERE,
        check=True,
    )
    try:
        argv = [a for a in sys.argv[1:]]
        at = argv.index("--before")
        del argv[at : at + 2]
        print(
            f"## {rev} (load {' '.join(Path('/proc/loadavg').read_text().split()[:3])})", flush=True
        )
        subprocess.run(  # noqa: S603
            [sys.executable, str(Path(__file__).resolve()), *argv],
            env={**os.environ, "SUMMITWATCH_BENCH_TREE": folder, "PYTHONPATH": folder},
            cwd=folder,
            check=True,
        )
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", folder], cwd=HERE, check=True)  # noqa: S603, S607
    print(
        f"## this tree (load {' '.join(Path('/proc/loadavg').read_text().split()[:3])})", flush=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--aircraft", type=int, default=200)
    parser.add_argument("--positions", type=int, default=1_000_000)
    parser.add_argument("--days", type=float, default=30.0)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--settle", type=float, default=0.3, help="longest wait for the map after a reply (s)"
    )
    parser.add_argument("--retention", action="store_true", help="run retention meanwhile")
    parser.add_argument("--before", metavar="REV", help="first run at this commit")
    args = parser.parse_args()
    if args.before:
        _before(args.before)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
