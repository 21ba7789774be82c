"""bench/idle_rss: the memory of an idle bot, and of the process that draws its maps.

Figures per tree, as resident set size (VmRSS) of fresh processes:

* `import bot.runtime.app`: a Python that only imports the composition root;
* ready: `summitwatch run` against the fake Bot API (in this process) once it polls,
  and a second later, before any map was drawn;
* warmed: the same process once the background map warm-up is done (its RSS and its
  children's steady for two seconds after matplotlib appears in the memory map of
  the bot or of a child), as after a first map; the map worker's RSS apart;
* idle: the same process `--idle-s` seconds after it was ready (the first flight
  poll, which reads the airports, and the first retention pass have run by then);
* the first map of a process that imported `bot.runtime.app`: drawn cold, and once warm
  (`maps.start_worker()` and its warm-up where the tree has a map worker, else
  `maps.warm_up()` in-process), with the memory that process then holds.

The store is migrated by `summitwatch db upgrade` before the bot starts, and the measured
start seeds the shipped people, fleet and venues; `--restart` starts the bot once before
and measures the second start, which finds them seeded, as any later restart does.
`--fresh-store` measures a bot started on a new store instead, which migrates and seeds
it itself (in a child process: `bot/runtime/store_apart.py`).

`--statements` measures the bot as deployed: statement polling on, every shipped RSS
source served by a fake feed server with items naming watched people and places (so
the matcher is built, its Russian forms by pymorphy3 in a child process, and runs), and
the health endpoint listening; without it both are off, as in every figure before that
option.

Before measuring, the tree and the venv's libraries are compiled to bytecode at levels 0
and 2 (`summitwatch run` restarts itself under -OO), as an installed bot has them.

Whether numpy and matplotlib are loaded is read from /proc/PID/maps. Children are
found by their parent pid in /proc (the spawned map worker; multiprocessing's
resource tracker). With `--before REV` the same runs go first against a work tree of
REV (same venv, same fake), and `--after REV` measures REV instead of this tree.

    python -m bench.idle_rss --before 1d0bd34 --after 4b06bd0 --runs 2
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import statistics
import sys
import sysconfig
import tempfile
import time
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench.bot_process import add_side_options, bot_process, rss_kb, trees
from tests.fakes.feeds import FakeFeeds
from tests.fakes.telegram_api import FakeBotAPI
from tests.webhook_bots import free_port

TOKEN = "700702:BENCH-idle-rss-token"  # noqa: S105  (accepted only by the local fake)
SETTLE_S = 2.0
WARM_TIMEOUT_S = 60.0
IDLE_S = 75.0


@dataclass
class Sample:
    """One process's figures, in MB, and the first map's time in ms."""

    imported: float
    ready: float
    ready_loads: str
    warmed: float
    warm_s: float
    worker: float
    warmed_loads: str
    idle: float
    idle_worker: float
    first_map_cold: float
    first_map_warm: float
    drawn: float
    drawn_worker: float


def _loaded(pid: int) -> str:
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError:  # exited meanwhile
        return "neither"
    return ", ".join(lib for lib in ("numpy", "matplotlib") if f"/{lib}/" in maps) or "neither"


def _children(pid: int) -> list[int]:
    """Live child processes of `pid`, from /proc (any thread may have started them)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _drawer_kb(pid: int) -> int:
    """RSS of the children of `pid` that hold matplotlib (the map worker), in kB."""
    return sum(rss_kb(child) for child in _children(pid) if "matplotlib" in _loaded(child))


def _total_kb(pid: int) -> int:
    return rss_kb(pid) + sum(rss_kb(child) for child in _children(pid))


async def _python(tree: Path, code: str) -> list[float]:
    """Run `code` in a fresh interpreter on `tree`; the numbers of its last line."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        code,
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    return [float(word) for word in out.decode().splitlines()[-1].split()]


async def _import_rss(tree: Path) -> float:
    code = (
        "import bot.runtime.app, pathlib; "
        "print(next(l for l in pathlib.Path('/proc/self/status').read_text().splitlines()"
        " if l.startswith('VmRSS:')).split()[1])"
    )
    [rss] = await _python(tree, code)
    return rss / 1024


# `python -c`: no main module for the spawned worker to import again.
_FIRST_MAP = """
import time, pathlib, bot.runtime.app
from bot.flights import maps

def rss(pid='self'):
    status = pathlib.Path(f'/proc/{pid}/status').read_text().splitlines()
    return int(next(l for l in status if l.startswith('VmRSS:')).split()[1])

worker = maps.start_worker() if hasattr(maps, 'start_worker') else None
if WARM:
    # The pid is asked behind the warm-up: it comes back once the worker is warm.
    worker.pid() if worker is not None else maps.warm_up()
track = [(55.59, 37.26, 0), (50.0, 44.0, 39000), (40.47, 50.05, 0)]
started = time.perf_counter()
maps.render_track_png(track, airports=[('VKO', 55.59, 37.26), ('GYD', 40.47, 50.05)])
ms = (time.perf_counter() - started) * 1000
print(ms, rss(), rss(worker.pid()) if worker is not None else 0)
"""


async def _first_map(tree: Path, *, warm: bool) -> tuple[float, float, float]:
    """The first map of a process that imported the bot (with its map worker where the
    tree has one, started at once): ms to draw it, MB then held by it and by the worker.
    """
    ms, rss, worker = await _python(tree, _FIRST_MAP.replace("WARM", str(warm)))
    return ms, rss / 1024, worker / 1024


async def _warmed(pid: int) -> tuple[float, float]:
    """The bot's RSS once matplotlib is in (in the bot or a child) and the RSS of both
    held still for SETTLE_S; seconds it took.
    """
    started = time.monotonic()
    last, still_since = _total_kb(pid), time.monotonic()
    while time.monotonic() - started < WARM_TIMEOUT_S:
        await asyncio.sleep(0.1)
        now = _total_kb(pid)
        if now != last:
            last, still_since = now, time.monotonic()
        elif _warm(pid) and time.monotonic() - still_since >= SETTLE_S:
            return rss_kb(pid) / 1024, still_since - started
    return rss_kb(pid) / 1024, float("nan")


def _warm(pid: int) -> bool:
    return any("matplotlib" in _loaded(p) for p in (pid, *_children(pid)))


async def _migrate(tree: Path, fake: FakeBotAPI, folder: Path) -> None:
    """`summitwatch db upgrade` on the store `bot_process` will use."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "db",
        "upgrade",
        cwd=tree,
        env={
            "PYTHONPATH": str(tree),
            "PATH": "/usr/bin:/bin",
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_BASE_URL": fake.base_url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'bot.db'}",
        },
        stdout=asyncio.subprocess.DEVNULL,
    )
    if await process.wait():
        raise RuntimeError(f"db upgrade failed on {tree}")


def _compile_bytecode(tree: Path) -> None:
    """Bytecode of the tree and of the venv's libraries at the levels the bot runs at
    (0, and 2 for `summitwatch run`, bot.runtime.optimized), as an installed bot has it:
    pip compiles at install, the Dockerfile at -OO too. Without it a start compiles from
    source (at every start under PYTHONDONTWRITEBYTECODE), which leaves the compiler's
    garbage in the heap of the process measured.
    """
    libraries = Path(sysconfig.get_paths()["purelib"])
    for folder in (libraries, *(tree / p for p in ("bot", "handlers", "storage"))):
        for level in (0, 2):
            compileall.compile_dir(folder, quiet=1, optimize=level, workers=0)


# What the fake sources publish with --statements: news items naming watched people and
# places in each language, so that the matcher runs too.
_ITEMS = {
    "en": ("Steve Witkoff arrives in Baku", "Talks in Abu Dhabi"),
    "ru": ("Встреча со Стивом Уиткоффом в Баку", "Переговоры в Абу-Даби"),
    "az": ("Stiv Uitkoff Bakıya gəlib", "Əbu-Dabidə danışıqlar"),
}


def _publish_shipped_feeds(feeds: FakeFeeds) -> None:
    """Every shipped RSS source on the fake feed server, two items each (the listing
    pages, read with selectors of their own site, answer 404 and are retried as usual)."""
    from bot.statements.sources import load_sources, rebase_url

    for spec in load_sources():
        url = urlsplit(spec.url)
        if spec.kind != "rss" or url.query:
            continue
        # Where SUMMITWATCH_SOURCES_BASE_URL makes the bot ask for it on the fake.
        path = rebase_url(spec.url, "")
        feeds.add_feed(path, "rss", language=spec.language, site=url.netloc)
        for title in _ITEMS.get(spec.language, _ITEMS["en"]):
            feeds.add_item(path, title, title)


async def _deployed_options(stack: AsyncExitStack) -> dict[str, str]:
    """The environment of a bot as deployed (--statements): statement polling on, from
    the fake feed server, and the health endpoint listening."""
    feeds = await stack.enter_async_context(FakeFeeds())
    _publish_shipped_feeds(feeds)
    return {
        "SUMMITWATCH_STATEMENTS_ENABLED": "true",
        "SUMMITWATCH_SOURCES_BASE_URL": feeds.root_url,
        "SUMMITWATCH_FEEDS_ALLOW": "127.0.0.1",
        "SUMMITWATCH_HEALTH_PORT": str(free_port()),
    }


async def sample(
    tree: Path, idle_s: float, *, fresh_store: bool, restart: bool, statements: bool
) -> Sample:
    imported = await _import_rss(tree)
    async with AsyncExitStack() as stack, FakeBotAPI(token=TOKEN) as fake:
        env = await _deployed_options(stack) if statements else {}
        with tempfile.TemporaryDirectory(prefix="bench-rss-") as folder:
            if not fresh_store:
                await _migrate(tree, fake, Path(folder))
            if restart:
                # A first run seeds the shipped people, fleet and venues; the next one
                # finds them seeded, as a restarted bot does. A fake of its own, so the
                # measured run is ready at its own first getUpdates.
                async with (
                    FakeBotAPI(token=TOKEN) as first,
                    bot_process(first, Path(folder), tree=tree, env=env),
                ):
                    pass
            async with bot_process(fake, Path(folder), tree=tree, env=env) as process:
                started = time.monotonic()
                await asyncio.sleep(1.0)
                ready, loads = rss_kb(process.pid) / 1024, _loaded(process.pid)
                warmed, warm_s = await _warmed(process.pid)
                worker, warmed_loads = _drawer_kb(process.pid) / 1024, _loaded(process.pid)
                await asyncio.sleep(max(0.0, idle_s - (time.monotonic() - started)))
                idle, idle_worker = rss_kb(process.pid) / 1024, _drawer_kb(process.pid) / 1024
    cold, _, _ = await _first_map(tree, warm=False)
    warm, drawn, drawn_worker = await _first_map(tree, warm=True)
    return Sample(
        imported,
        ready,
        loads,
        warmed,
        warm_s,
        worker,
        warmed_loads,
        idle,
        idle_worker,
        cold,
        warm,
        drawn,
        drawn_worker,
    )


async def run(
    before: str | None,
    after: str | None,
    runs: int,
    idle_s: float,
    *,
    fresh_store: bool,
    restart: bool,
    statements: bool,
) -> None:
    with trees(before, after) as sides:
        for _, tree in sides:
            _compile_bytecode(tree)
        results: dict[str, list[Sample]] = {label: [] for label, _ in sides}
        for _ in range(runs):
            for label, tree in sides:
                results[label].append(
                    await sample(
                        tree,
                        idle_s,
                        fresh_store=fresh_store,
                        restart=restart,
                        statements=statements,
                    )
                )
    for label, samples in results.items():
        print(f"## {label} ({len(samples)} runs, medians)")
        print(f"import bot.runtime.app: {statistics.median(s.imported for s in samples):.1f} MB")
        print(
            f"summitwatch run, ready: {statistics.median(s.ready for s in samples):.1f} MB"
            f" (loaded: {samples[-1].ready_loads})"
        )
        print(
            f"summitwatch run, warmed: {_median(samples, 'warmed'):.0f} MB"
            f" (steady {_median(samples, 'warm_s'):.1f} s after ready;"
            f" loaded: {samples[-1].warmed_loads});"
            f" map worker {_median(samples, 'worker'):.0f} MB"
        )
        print(
            f"summitwatch run, idle {idle_s:.0f} s after ready: {_median(samples, 'idle'):.1f} MB"
            f" (runs: {', '.join(f'{s.idle:.1f}' for s in samples)});"
            f" map worker {_median(samples, 'idle_worker'):.0f} MB"
        )
        print(
            "first map after import bot.runtime.app: "
            f"cold {_median(samples, 'first_map_cold'):.0f} ms, "
            f"once warm {_median(samples, 'first_map_warm'):.0f} ms; "
            f"that process then holds {_median(samples, 'drawn'):.0f} MB,"
            f" its map worker {_median(samples, 'drawn_worker'):.0f} MB"
        )


def _median(samples: list[Sample], field: str) -> float:
    return statistics.median(float(getattr(s, field)) for s in samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_side_options(parser)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--idle-s", type=float, default=IDLE_S, help="seconds after ready for the idle figure"
    )
    parser.add_argument(
        "--fresh-store", action="store_true", help="let the bot migrate a new store itself"
    )
    parser.add_argument(
        "--restart",
        action="store_true",
        help="measure the second start on the store (the first seeded the shipped data)",
    )
    parser.add_argument(
        "--statements",
        action="store_true",
        help="as deployed: statement polling on (the shipped RSS sources from a fake feed"
        " server) and the health endpoint listening",
    )
    args = parser.parse_args()
    parser_args = (args.before, args.after, args.runs, args.idle_s)
    options = {"fresh_store": args.fresh_store, "restart": args.restart}
    asyncio.run(run(*parser_args, **options, statements=args.statements))


if __name__ == "__main__":
    main()
