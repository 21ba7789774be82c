"""`summitwatch replay-flights` throughput on the real recordings of the evaluation set.

Run: `.venv/bin/python -m bench.flights_replay` (options: --dir (repeatable), --runs,
--no-bytecode-cache).

The recordings of the evaluation set (tests/data/recordings/ and its heldout/ folder:
gzip JSON Lines and a readsb trace_full, see their README.md) are replayed together,
with `--drain`, as an analyst replays a day, three ways:

* whole command: `summitwatch replay-flights --drain FILES > /dev/null` as a child
  process, interpreter start-up and imports included. Its bytecode is compiled once
  (an untimed first run, into a temporary `PYTHONPYCACHEPREFIX`), as an installed
  package's is; `--no-bytecode-cache` compiles every module at every run instead, as a
  checkout run with PYTHONDONTWRITEBYTECODE=1 does;
* in process: `bot.flights.replay.replay` from the file names to the printed event
  lines (reading, gunzip, JSON, sorting, airport lookups, the detector, output);
* detector alone: the reports already read and sorted, fed to a fresh detector with
  the airport lookups `replay` gives it (after an untimed run, so the airport cells
  it asks about are made), `tick` every 30 s and the drain included.

Reports per second = position reports in the files (counted once, untimed, with the
stdlib `json`: trace points, and JSON lines with a position) / time. Medians of
`--runs` runs are printed with every run, by wall clock and by CPU time (the process's
user + system time: on a machine shared with other work, wall time mostly measures the
wait for a core), with the load average before and after.
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
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.flights.detector import Detector, DetectorConfig
from bot.flights.replay import read_files, replay, replay_events

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIRS = (
    ROOT / "tests" / "data" / "recordings",
    ROOT / "tests" / "data" / "recordings" / "heldout",
)
Measure = Callable[[], tuple[float, float]]


def recordings(directories: Sequence[Path]) -> list[Path]:
    """The replayable files of the folders (the truth and the README are not)."""
    return sorted(
        p
        for directory in directories
        for p in directory.iterdir()
        if p.name.endswith((".json.gz", ".jsonl.gz"))
    )


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


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def in_process(paths: list[Path]) -> tuple[float, float]:
    """Wall and CPU seconds for one `replay` over all files, output included."""
    out = io.StringIO()
    start, cpu = time.perf_counter(), time.process_time()
    code = replay(paths, out, drain=True)
    elapsed, used = time.perf_counter() - start, time.process_time() - cpu
    if code != 0:
        raise SystemExit(f"replay failed with {code}")
    return elapsed, used


def _replay_lookups() -> tuple[Any, Any]:
    """The airport lookups `replay` gives its detector, in this tree's code."""
    try:
        from bot.flights.airport_cells import CellIndex, every_field
    except ImportError:  # a tree before airport_cells (bench/ab.sh --this-bench)
        from bot.flights import replay as module
        from bot.flights.airports import default_index

        return default_index(), module.EveryField()  # type: ignore[attr-defined]
    return CellIndex(), CellIndex(every_field)


def detector_alone(paths: list[Path]) -> Measure:
    """A measure of the detector over the files' reports, read once beforehand."""
    reports = read_files(paths)
    airports, fields = _replay_lookups()

    def measure() -> tuple[float, float]:
        detector = Detector(DetectorConfig(), airports, fields)
        start, cpu = time.perf_counter(), time.process_time()
        for _ in replay_events(reports, detector, drain=True):
            pass
        return time.perf_counter() - start, time.process_time() - cpu

    measure()  # the airport cells the detector asks about are made once, untimed
    return measure


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def whole_command(paths: list[Path], *, bytecode_cache: bool) -> Measure:
    """A measure of the `summitwatch replay-flights --drain` process."""
    exe = Path(sys.executable).with_name("summitwatch")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="bench-pycache-")
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    command = [str(exe), "replay-flights", "--drain", *map(str, paths)]

    def measure() -> tuple[float, float]:
        start, cpu = time.perf_counter(), _children_cpu()
        subprocess.run(  # noqa: S603 - our own entry point, our own file names
            command, check=True, stdout=subprocess.DEVNULL, env=env
        )
        return time.perf_counter() - start, _children_cpu() - cpu

    if bytecode_cache:
        measure()  # compiles the bytecode, untimed
    return measure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, action="append", dest="dirs")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-bytecode-cache", action="store_true")
    args = parser.parse_args(argv)
    paths = recordings(args.dirs or DEFAULT_DIRS)
    reports = count_reports(paths)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} files, {size / 1e6:.2f} MB gzip, {reports:,} position reports")
    print(f"load average before: {_load()}")
    cache = "compiled once" if not args.no_bytecode_cache else "compiled every run"
    measures: list[tuple[str, Measure]] = [
        (
            f"whole command ({cache})",
            whole_command(paths, bytecode_cache=not args.no_bytecode_cache),
        ),
        ("in process", lambda: in_process(paths)),
        ("detector alone", detector_alone(paths)),
    ]
    for label, measure in measures:
        results = [measure() for _ in range(args.runs)]
        for clock, index in (("wall", 0), ("CPU", 1)):
            times = [result[index] for result in results]
            rates = [reports / t for t in times]
            runs = " / ".join(f"{r:,.0f}" for r in rates)
            print(
                f"{label:<36} {clock:<4} median {statistics.median(rates):>9,.0f} reports/s "
                f"({statistics.median(times) * 1000:,.0f} ms; runs: {runs})"
            )
    print(f"load average after: {_load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
