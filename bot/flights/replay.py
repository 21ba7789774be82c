"""Replay recorded position reports through the detector and print the events.

Input files (plain or gzip-compressed, told apart by their first bytes):

* `*.json` (and `*.json.gz`): a readsb/tar1090 trace file (`trace_full_<hex>.json`),
  see `reports.from_trace_full`;
* anything else: JSON Lines, one readsb v2 aircraft object plus `ts` (Unix seconds)
  per line, see `reports.read_jsonl`.

Every aircraft in the files is run through one detector (there is no watchlist), in
timestamp order (then by hex; the same aircraft at the same time keeps file and line
order), and each event is printed as one JSON line: `{"kind", "hex", "ts", "airport",
"confidence"}`, with `ts` in ISO 8601 UTC ("Z"). The same files always print the same
lines, whatever their order on the command line.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.flights.airports import default_index
from bot.flights.detector import AirportLookup, Detector, DetectorConfig
from bot.flights.events import FlightEvent
from bot.flights.reports import (
    PositionReport,
    ReplayFormatError,
    from_trace_full,
    read_jsonl,
)

EXIT_OK = 0
EXIT_BAD_INPUT = 2
_GZIP_MAGIC = b"\x1f\x8b"
_TICK_EVERY = timedelta(seconds=30)  # silence checks at a cadence like the live poller's


def _open_text(path: Path) -> TextIO:
    with path.open("rb") as raw:
        magic = raw.read(2)
    if magic == _GZIP_MAGIC:
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def _is_trace(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith((".json", ".json.gz"))


def read_file(path: Path) -> list[PositionReport]:
    """All reports in one replay input file.

    Raises:
        ReplayFormatError: the file is malformed (with the line number when known).
        OSError: the file cannot be read.
    """
    source = str(path)
    try:
        with _open_text(path) as handle:
            if not _is_trace(path):
                return list(read_jsonl(handle, source))
            text = handle.read()
    except UnicodeDecodeError:
        raise ReplayFormatError(source, None, "not UTF-8 text") from None
    except (EOFError, gzip.BadGzipFile) as exc:
        raise ReplayFormatError(source, None, f"broken gzip data ({exc})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReplayFormatError(source, exc.lineno, f"invalid JSON ({exc.msg})") from None
    return from_trace_full(doc, source=source)


def _event_line(event: FlightEvent) -> str:
    ts = event.ts.isoformat(timespec="seconds").replace("+00:00", "Z")
    record = {
        "kind": event.kind.value,
        "hex": event.hex,
        "ts": ts,
        "airport": event.airport,
        "confidence": event.confidence.value,
    }
    return json.dumps(record, ensure_ascii=False)


def replay_events(
    reports: Sequence[PositionReport], detector: Detector, *, drain: bool = False
) -> Iterator[FlightEvent]:
    """Feed reports (already in time order) to a detector; yield the events.

    Args:
        reports: the reports, sorted by time.
        detector: the detector to run.
        drain: after the last report, let the silence run out (so an aircraft whose
            recording ends while it approaches an airport gets its probable landing,
            and every aircraft still flying its signal_lost).
    """
    next_tick: datetime | None = None
    for report in reports:
        if next_tick is None:
            next_tick = report.ts + _TICK_EVERY
        elif report.ts >= next_tick:
            yield from detector.tick(report.ts)
            next_tick = report.ts + _TICK_EVERY
        yield from detector.feed(report)
    if reports:
        end = reports[-1].ts
        yield from detector.tick(end)
        if drain:
            config = detector.config
            quiet = max(config.lost_after_s, config.probable_landing_after_s)
            yield from detector.tick(end + timedelta(seconds=quiet))


def replay(
    paths: Sequence[str | Path],
    out: TextIO,
    *,
    err: TextIO | None = None,
    config: DetectorConfig | None = None,
    airports: AirportLookup | None = None,
    drain: bool = False,
) -> int:
    """Run the detector over every aircraft in the files; print one JSON line per event.

    Args:
        paths: the input files.
        out: where the event lines go.
        err: where errors go (standard error by default).
        config: detector thresholds (defaults by default).
        airports: airport lookup (the default index by default).
        drain: see `replay_events`.

    Returns:
        0 on success, 2 when an input file is missing or malformed (nothing is printed
        to `out` then: a replay either runs over all its input or not at all).
    """
    errors = err if err is not None else sys.stderr
    reports: list[PositionReport] = []
    for raw_path in paths:
        path = Path(raw_path)
        try:
            reports.extend(read_file(path))
        except ReplayFormatError as exc:
            print(f"error: {exc}", file=errors)
            return EXIT_BAD_INPUT
        except OSError as exc:
            print(f"error: {path}: {exc.strerror or exc}", file=errors)
            return EXIT_BAD_INPUT
    # Time, then aircraft: the output does not depend on the order of the files;
    # the sort is stable, so the same aircraft at the same time keeps line order.
    reports.sort(key=lambda report: (report.ts, report.hex))
    detector = Detector(
        DetectorConfig() if config is None else config,
        default_index() if airports is None else airports,
    )
    for event in replay_events(reports, detector, drain=drain):
        out.write(_event_line(event) + "\n")
    return EXIT_OK
