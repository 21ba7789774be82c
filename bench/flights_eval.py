"""Recall and precision of flight detection on real recordings, by class.

Run: `.venv/bin/python -m bench.flights_eval` (options: --dir, --no-drain, --verbose).

Each recording in tests/data/recordings/ (see its README.md for sources and licences)
is replayed on its own through `read_files` and `replay_events`, the code behind
`summitwatch replay-flights` (with `--drain`: a recording ends, the silence after it
lets the last approach become a probable landing). Its takeoffs and landings, confirmed
or probable, as the analyst ends up reading them (a confirmation replaces the probable
event it confirms; a withdrawn probable landing is gone, and counted apart), are
compared with the hand-written truth in `truth.json`.

A detection matches a truth event when the aircraft, the kind and the airport are the
same and the times are at most 10 minutes apart; each is matched at most once. A
detection of an aircraft inside one of the truth's "ignore" windows counts for nothing.
Recall of a class: truth events of that class matched / truth events of that class.
Precision of a class: matched detections / detections counted in it, where a
detection that matches nothing counts in the class of the truth event of the same
aircraft nearest in time (or "no_truth" when the aircraft has none).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.flights.airport_cells import CellIndex, every_field
from bot.flights.airports import default_index
from bot.flights.detector import Detector, DetectorConfig
from bot.flights.events import EventKind, FlightEvent
from bot.flights.replay import read_files, replay_events

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "recordings"
WINDOW_S = 600.0
KINDS = (EventKind.TAKEOFF, EventKind.LANDING)


@dataclass(frozen=True, slots=True)
class Truth:
    file: str
    hex: str
    kind: str
    airport: str
    t: float
    cls: str


@dataclass(frozen=True, slots=True)
class Found:
    hex: str
    kind: str
    airport: str | None
    t: float
    confidence: str


def _t(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def detections(path: Path, *, drain: bool) -> tuple[list[Found], int]:
    """The takeoffs and landings `replay-flights` finds in one file, as an analyst ends
    up reading them, and how many probable landings were withdrawn on the way.

    An event and its later revisions share a thread key (a probable landing and its
    confirmation edit one alert): the last revision stands. A probable landing that a
    signal_regained withdraws (`data["retracts"]`) is gone.
    """
    detector = Detector(DetectorConfig(), default_index(), CellIndex(every_field))
    threads: dict[str, FlightEvent] = {}
    retracted = 0
    for event in replay_events(read_files([path]), detector, drain=drain):
        if event.kind in KINDS:
            threads[event.thread_key] = event
        elif event.data.get("retracts") in threads:
            del threads[event.data["retracts"]]
            retracted += 1
    found = [
        Found(e.hex, e.kind.value, e.airport, e.ts.timestamp(), e.confidence.value)
        for e in threads.values()
    ]
    return found, retracted


def evaluate(
    directory: Path, *, drain: bool = True
) -> tuple[dict[str, Counter[str]], list[str], list[str]]:
    """Per-class counters (truth, hit, found, right) and the misses and false alarms."""
    doc = json.loads((directory / "truth.json").read_text(encoding="utf-8"))
    truths = [
        Truth(e["file"], e["hex"], e["kind"], e["airport"], _t(e["ts"]), e["class"])
        for e in doc["events"]
    ]
    ignores = [(i["file"], i["hex"], _t(i["from"]), _t(i["to"])) for i in doc["ignore"]]
    files = sorted({t.file for t in truths} | {i[0] for i in ignores})
    stats: dict[str, Counter[str]] = {}
    misses: list[str] = []
    false_alarms: list[str] = []
    withdrawn = 0

    def count(cls: str, what: str) -> None:
        stats.setdefault(cls, Counter())[what] += 1

    for name in files:
        everything, retracted = detections(directory / name, drain=drain)
        withdrawn += retracted
        found = [
            f
            for f in everything
            if not any(name == i[0] and f.hex == i[1] and i[2] <= f.t <= i[3] for i in ignores)
        ]
        expected = [t for t in truths if t.file == name]
        used: set[int] = set()
        matched: set[int] = set()
        for truth in expected:
            count(truth.cls, "truth")
            best = None
            for index, f in enumerate(found):
                if index in used or (f.hex, f.kind, f.airport) != (
                    truth.hex,
                    truth.kind,
                    truth.airport,
                ):
                    continue
                gap = abs(f.t - truth.t)
                if gap <= WINDOW_S and (best is None or gap < best[0]):
                    best = (gap, index)
            if best is None:
                misses.append(
                    f"{name} {truth.hex} {truth.kind} {truth.airport} {_iso(truth.t)} [{truth.cls}]"
                )
                continue
            used.add(best[1])
            matched.add(best[1])
            count(truth.cls, "hit")
            count(truth.cls, "found")
            count(truth.cls, "right")
        for index, f in enumerate(found):
            if index in matched:
                continue
            same = [t for t in expected if t.hex == f.hex]
            cls = min(same, key=lambda t: abs(t.t - f.t)).cls if same else "no_truth"
            count(cls, "found")
            false_alarms.append(
                f"{name} {f.hex} {f.kind} {f.airport} {_iso(f.t)} {f.confidence} [{cls}]"
            )
    false_alarms.extend(f"(withdrawn probable landings: {withdrawn})" for _ in [0] if withdrawn)
    return stats, misses, false_alarms


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ratio(num: int, den: int) -> str:
    return f"{num / den:.3f}" if den else "  -  "


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--no-drain", action="store_true", help="replay without --drain")
    parser.add_argument("--verbose", action="store_true", help="list misses and false alarms")
    args = parser.parse_args(argv)
    stats, misses, false_alarms = evaluate(args.dir, drain=not args.no_drain)
    total: Counter[str] = Counter()
    print(
        f"{'class':<22} {'truth':>5} {'hit':>5} {'recall':>7} {'found':>6} {'right':>6} "
        f"{'precision':>9}"
    )
    for cls in sorted(stats):
        c = stats[cls]
        total.update(c)
        print(
            f"{cls:<22} {c['truth']:>5} {c['hit']:>5} {_ratio(c['hit'], c['truth']):>7} "
            f"{c['found']:>6} {c['right']:>6} {_ratio(c['right'], c['found']):>9}"
        )
    print(
        f"{'overall':<22} {total['truth']:>5} {total['hit']:>5} "
        f"{_ratio(total['hit'], total['truth']):>7} {total['found']:>6} {total['right']:>6} "
        f"{_ratio(total['right'], total['found']):>9}"
    )
    if args.verbose:
        print("\nmissed:")
        print("\n".join(f"  {line}" for line in misses) or "  none")
        print("false alarms:")
        print("\n".join(f"  {line}" for line in false_alarms) or "  none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
