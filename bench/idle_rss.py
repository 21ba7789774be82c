"""bench/idle_rss: the memory of an idle bot, before and after its map machinery loads.

Three figures per tree, as resident set size (VmRSS) of a fresh process:

* `import bot.app`: a Python that only imports the composition root;
* ready: `summitwatch run` against the fake Bot API (in this process) once it polls,
  and a second later, before any map was drawn;
* warmed: the same process once the background map warm-up is done (its RSS steady
  for two seconds after matplotlib appears in its memory map), as after a first map;
* the first map of a process that imported `bot.app`: drawn cold, and after
  `maps.warm_up()` (what the bot now runs in the background once it polls).

Whether numpy and matplotlib are loaded is read from /proc/PID/maps. With `--before
REV` the same runs go first against a work tree of REV (same venv, same fake), and
`--after REV` measures REV instead of this tree.

    python -m bench.idle_rss --before 62032e5 --after a168f42 --runs 3
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.bot_process import add_side_options, bot_process, rss_kb, trees
from tests.fakes.telegram_api import FakeBotAPI

TOKEN = "700702:BENCH-idle-rss-token"  # noqa: S105  (accepted only by the local fake)
SETTLE_S = 2.0
WARM_TIMEOUT_S = 60.0


@dataclass
class Sample:
    """One process's figures, in MB, and the first map's time in ms."""

    imported: float
    ready: float
    ready_loads: str
    warmed: float
    warm_s: float
    first_map_cold: float
    first_map_warm: float
    drawn: float


def _loaded(pid: int) -> str:
    maps = Path(f"/proc/{pid}/maps").read_text()
    return ", ".join(lib for lib in ("numpy", "matplotlib") if f"/{lib}/" in maps) or "neither"


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
        "import bot.app, pathlib; "
        "print(next(l for l in pathlib.Path('/proc/self/status').read_text().splitlines()"
        " if l.startswith('VmRSS:')).split()[1])"
    )
    [rss] = await _python(tree, code)
    return rss / 1024


async def _first_map(tree: Path, *, warm: bool) -> tuple[float, float]:
    """The first map of a process that imported the bot: ms to draw it, MB held after."""
    code = (
        "import time, pathlib, bot.app\n"
        "from bot.flights import maps\n"
        + ("maps.warm_up()\n" if warm else "")
        + "track = [(55.59, 37.26, 0), (50.0, 44.0, 39000), (40.47, 50.05, 0)]\n"
        "started = time.perf_counter()\n"
        "maps.render_track_png(track, airports=[('VKO', 55.59, 37.26), ('GYD', 40.47, 50.05)])\n"
        "ms = (time.perf_counter() - started) * 1000\n"
        "rss = next(l for l in pathlib.Path('/proc/self/status').read_text().splitlines()"
        " if l.startswith('VmRSS:')).split()[1]\n"
        "print(ms, rss)"
    )
    ms, rss = await _python(tree, code)
    return ms, rss / 1024


async def _warmed(pid: int) -> tuple[float, float]:
    """RSS once matplotlib is in and the RSS held still for SETTLE_S; seconds it took."""
    started = time.monotonic()
    last, still_since = rss_kb(pid), time.monotonic()
    while time.monotonic() - started < WARM_TIMEOUT_S:
        await asyncio.sleep(0.1)
        now = rss_kb(pid)
        if now != last:
            last, still_since = now, time.monotonic()
        elif "matplotlib" in _loaded(pid) and time.monotonic() - still_since >= SETTLE_S:
            return last / 1024, still_since - started
    return last / 1024, float("nan")


async def sample(tree: Path) -> Sample:
    imported = await _import_rss(tree)
    async with FakeBotAPI(token=TOKEN) as fake:
        with tempfile.TemporaryDirectory(prefix="bench-rss-") as folder:
            async with bot_process(fake, Path(folder), tree=tree) as process:
                await asyncio.sleep(1.0)
                ready, loads = rss_kb(process.pid) / 1024, _loaded(process.pid)
                warmed, warm_s = await _warmed(process.pid)
    cold, drawn = await _first_map(tree, warm=False)
    warm, _ = await _first_map(tree, warm=True)
    return Sample(imported, ready, loads, warmed, warm_s, cold, warm, drawn)


async def run(before: str | None, after: str | None, runs: int) -> None:
    with trees(before, after) as sides:
        results: dict[str, list[Sample]] = {label: [] for label, _ in sides}
        for _ in range(runs):
            for label, tree in sides:
                results[label].append(await sample(tree))
    for label, samples in results.items():
        print(f"## {label} ({len(samples)} runs, medians)")
        print(f"import bot.app: {statistics.median(s.imported for s in samples):.0f} MB")
        print(
            f"summitwatch run, ready: {statistics.median(s.ready for s in samples):.0f} MB"
            f" (loaded: {samples[-1].ready_loads})"
        )
        print(
            f"summitwatch run, warmed: {statistics.median(s.warmed for s in samples):.0f} MB"
            f" (steady {statistics.median(s.warm_s for s in samples):.1f} s after ready)"
        )
        print(
            "first map after import bot.app: "
            f"cold {statistics.median(s.first_map_cold for s in samples):.0f} ms, "
            f"after warm_up {statistics.median(s.first_map_warm for s in samples):.0f} ms; "
            f"that process then holds {statistics.median(s.drawn for s in samples):.0f} MB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_side_options(parser)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(run(args.before, args.after, args.runs))


if __name__ == "__main__":
    main()
