"""bench/import_steps: resident memory after each import step, as `summitwatch run` loads.

Imports the named modules one after another in this interpreter (start it fresh) and
prints VmRSS after each, what it added and how many modules came with it. With
`--webhook` the bot's optional imports are those of webhook mode, else of polling
(`bot.runtime.optional_imports`); `--all-optional` leaves nothing out, as a plain
`import bot.runtime.app` does.

    python -m bench.import_steps asyncio pydantic_settings telegram bot.runtime.app
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from bot.runtime.optional_imports import skipping, unused_by_run


def rss_mb() -> float:
    """This process's resident set size (Linux /proc), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="+")
    parser.add_argument("--webhook", action="store_true")
    parser.add_argument("--all-optional", action="store_true")
    args = parser.parse_args()
    last = rss_mb()
    print(f"{'(started)':36s} {last:6.1f} MB  {len(sys.modules):5d} modules")
    left_out = () if args.all_optional else unused_by_run(webhook=args.webhook)
    with skipping(left_out):
        for name in args.modules:
            before = len(sys.modules)
            importlib.import_module(name)
            now = rss_mb()
            added = len(sys.modules) - before
            print(f"{name:36s} {now:6.1f} MB  +{now - last:5.1f} MB  {added:4d} modules")
            last = now


if __name__ == "__main__":
    main()
