"""bench/idle_breakdown: where the idle bot's memory is, by who allocated it.

Starts `summitwatch run` as `bench/idle_rss.py` does (a migrated store, the fake Bot API
in this process), with tracemalloc on from the first line (a `sitecustomize` in a
temporary folder put first on the bot's PYTHONPATH, nothing of it shipped), waits
`--idle-s` seconds after the first `getUpdates` and asks the bot (SIGUSR1) for a
snapshot: its Python objects grouped by the package whose code allocated them (code
objects and module dictionaries count as the import system's), and its RSS by mapping
(anonymous memory, the heap, each shared library). Tracemalloc itself makes the RSS
larger; the groups are what to read.

`--statements` measures the bot as deployed, as `bench/idle_rss.py --statements` does.

    python -m bench.idle_breakdown --idle-s 75 [--statements]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path

from bench.bot_process import HERE, bot_process
from bench.idle_rss import IDLE_S, TOKEN, _deployed_options, _migrate
from tests.fakes.telegram_api import FakeBotAPI

DUMP_S = 5.0

_HOOK = """
import collections, json, os, signal, sys, tracemalloc
tracemalloc.start()

def _group(filename):
    if "site-packages/" in filename:
        return filename.split("site-packages/")[1].split("/")[0].removesuffix(".py")
    if filename.startswith("<frozen importlib"):
        return "(imports: code objects, module dictionaries)"
    if "/lib/python3" in filename:
        return "(standard library)"
    return "(the bot)" if filename.startswith(os.environ["BREAKDOWN_ROOT"]) else filename

def _dump(*_):
    groups = collections.Counter()
    for stat in tracemalloc.take_snapshot().statistics("filename"):
        groups[_group(stat.traceback[0].filename)] += stat.size
    mappings, current = collections.Counter(), "[anon]"
    with open("/proc/self/smaps") as smaps:
        for line in smaps:
            parts = line.split()
            if "-" in parts[0] and not parts[0].endswith(":"):
                current = parts[5] if len(parts) > 5 else "[anon]"
            elif parts[0] == "Rss:":
                mappings[current.rsplit("/", 1)[-1]] += int(parts[1]) * 1024
    with open(os.environ["BREAKDOWN_OUT"], "w") as out:
        json.dump({"python": groups.most_common(), "mappings": mappings.most_common(),
                   "modules": len(sys.modules)}, out)

signal.signal(signal.SIGUSR1, _dump)
"""


async def breakdown(idle_s: float, top: int, *, statements: bool) -> None:
    root = HERE
    async with AsyncExitStack() as stack, FakeBotAPI(token=TOKEN) as fake:
        deployed = await _deployed_options(stack) if statements else {}
        with tempfile.TemporaryDirectory(prefix="bench-breakdown-") as folder:
            hook, out = Path(folder) / "hook", Path(folder) / "breakdown.json"
            hook.mkdir()
            (hook / "sitecustomize.py").write_text(_HOOK)
            await _migrate(root, fake, Path(folder))
            env = {
                **deployed,
                "PYTHONPATH": f"{hook}:{root}",
                "BREAKDOWN_ROOT": str(root),
                "BREAKDOWN_OUT": str(out),
            }
            async with bot_process(fake, Path(folder), env=env) as process:
                started = time.monotonic()
                await asyncio.sleep(max(0.0, idle_s - (time.monotonic() - started)))
                process.send_signal(signal.SIGUSR1)
                # The hook writes in well under a second; the bot stays up meanwhile.
                await asyncio.sleep(DUMP_S)
            found = json.loads(out.read_text())
    python = found["python"]
    print(f"{found['modules']} modules; Python objects {sum(s for _, s in python) / 2**20:.1f} MB")
    for name, size in python[:top]:
        print(f"  {size / 2**20:6.2f} MB  {name}")
    print("RSS by mapping:")
    for name, size in found["mappings"][:top]:
        print(f"  {size / 2**20:6.2f} MB  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--idle-s", type=float, default=IDLE_S)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument(
        "--statements", action="store_true", help="as deployed: statement polling on"
    )
    args = parser.parse_args()
    asyncio.run(breakdown(args.idle_s, args.top, statements=args.statements))


if __name__ == "__main__":
    main()
