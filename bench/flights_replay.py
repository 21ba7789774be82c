"""`summitwatch replay-flights` throughput on the real recordings of the evaluation set.

Run: `.venv/bin/python -m bench.flights_replay` (options: --dir, --runs).

All recordings in tests/data/recordings/ (gzip JSON Lines and a readsb trace_full, see
its README.md) are replayed together, with `--drain`, as an analyst replays a day:

* in process: `bot.flights.replay.replay` from the file names to the printed event
  lines (reading, gunzip, JSON, sorting, the detector, output), timed as a whole;
* whole command: `summitwatch replay-flights --drain FILES > /dev/null` as a child
  process, wall clock, interpreter start-up and imports included.

Reports per second = position reports in the files (counted once, untimed, with the
stdlib `json`) / time. Medians of `--runs` runs are printed with every run, by wall
clock and by CPU time (the process's user + system time: on a machine shared with other
work, wall time mostly measures the wait for a core).
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bot.flights.replay import replay

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "recordings"


def recordings(directory: Path) -> list[Path]:
    """The replayable files of the folder (the truth and the README are not)."""
    return sorted(p for p in directory.iterdir() if p.name.endswith((".json.gz", ".jsonl.gz")))


def count_reports(paths: list[Path]) -> int:
    """Position reports in the files: trace points and JSON lines with a position."""
    total = 0
    for path in paths:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            if path.name.endswith(".jsonl.gz"):
                total += sum(1 for line in handle if '"lat"' in line)
            else:
                total += len(json.load(handle)["trace"])
    return total


def in_process(paths: list[Path]) -> tuple[float, float]:
    """Wall and CPU seconds for one `replay` over all files, output included."""
    out = io.StringIO()
    start, cpu = time.perf_counter(), time.process_time()
    code = replay(paths, out, drain=True)
    elapsed, used = time.perf_counter() - start, time.process_time() - cpu
    if code != 0:
        raise SystemExit(f"replay failed with {code}")
    return elapsed, used


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def whole_command(paths: list[Path]) -> tuple[float, float]:
    """Wall and CPU seconds of the `summitwatch replay-flights --drain` process."""
    exe = Path(sys.executable).with_name("summitwatch")
    start, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(  # noqa: S603 - our own entry point, our own file names
        [str(exe), "replay-flights", "--drain", *map(str, paths)],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    return time.perf_counter() - start, _children_cpu() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    paths = recordings(args.dir)
    reports = count_reports(paths)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} files, {size / 1e6:.2f} MB gzip, {reports:,} position reports")
    for label, measure in (("in process", in_process), ("whole command", whole_command)):
        results = [measure(paths) for _ in range(args.runs)]
        for clock, index in (("wall", 0), ("CPU", 1)):
            times = [result[index] for result in results]
            rates = [reports / t for t in times]
            runs = " / ".join(f"{r:,.0f}" for r in rates)
            print(
                f"{label:<14} {clock:<4} median {statistics.median(rates):>9,.0f} reports/s "
                f"({statistics.median(times) * 1000:,.0f} ms; runs: {runs})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
