"""Replay recorded position reports through the detector and print the events.

Input files (plain or gzip-compressed, told apart by their first bytes):

* `*.json` (and `*.json.gz`): a readsb/tar1090 trace file (`trace_full_<hex>.json`),
  see `reports.from_trace_full`;
* anything else: JSON Lines, one readsb v2 aircraft object plus `ts` (Unix seconds)
  per line, see `reports.read_jsonl`.

Speed: analysts replay days of history, so the reading is lean: whole files are
gunzipped at once, JSON is decoded by orjson, and each position becomes a slotted
`ReplayReport` holding the time as Unix seconds (no datetime per report).

Every aircraft in the files is run through one detector (there is no watchlist), in
timestamp order (then by hex; the same aircraft at the same time keeps file and line
order), and each event is printed as one JSON line: `{"kind", "hex", "ts", "airport",
"confidence"}`, with `ts` in ISO 8601 UTC ("Z"). The same files always print the same
lines, whatever their order on the command line.
"""

from __future__ import annotations

import gc
import gzip
import json
import sys
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from operator import attrgetter
from pathlib import Path
from typing import TextIO

import orjson

from bot.flights.airport_cells import CellIndex, every_field
from bot.flights.detector import AirportLookup, Detector, DetectorConfig
from bot.flights.events import FlightEvent
from bot.flights.reports import (
    ReplayFormatError,
    ReplayReport,
    Report,
    read_jsonl_bytes,
    trace_full_reports,
)

EXIT_OK = 0
EXIT_BAD_INPUT = 2
_GZIP_MAGIC = b"\x1f\x8b"
_TICK_EVERY_S = 30.0  # silence checks at a cadence like the live poller's
_BY_HEX = attrgetter("hex")
_BY_TIME = attrgetter("t")


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, gunzipped when they are gzip data."""
    data = path.read_bytes()
    if data[:2] == _GZIP_MAGIC:
        return gzip.decompress(data)
    return data


def _is_trace(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith((".json", ".json.gz"))


def read_file(path: Path) -> list[ReplayReport]:
    """All reports in one replay input file.

    Raises:
        ReplayFormatError: the file is malformed (with the line number when known).
        OSError: the file cannot be read.
    """
    source = str(path)
    try:
        data = _read_bytes(path)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise ReplayFormatError(source, None, f"broken gzip data ({exc})") from None
    if not _is_trace(path):
        return read_jsonl_bytes(data, source)
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise ReplayFormatError(source, None, "not UTF-8 text") from None
        raise ReplayFormatError(source, exc.lineno, f"invalid JSON ({exc.msg})") from None
    return trace_full_reports(doc, source=source)


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
    reports: Sequence[Report], detector: Detector, *, drain: bool = False
) -> Iterator[FlightEvent]:
    """Feed reports (already in time order) to a detector; yield the events.

    Args:
        reports: the reports, sorted by time.
        detector: the detector to run.
        drain: after the last report, let the silence run out (so an aircraft whose
            recording ends while it approaches an airport gets its probable landing,
            and every aircraft still flying its signal_lost).
    """
    if not reports:
        return
    feed = detector.feed
    next_tick = reports[0].t + _TICK_EVERY_S
    for report in reports:
        t = report.t
        if t >= next_tick:
            yield from detector.tick(datetime.fromtimestamp(t, UTC))
            next_tick = t + _TICK_EVERY_S
        events = feed(report)
        if events:
            yield from events
    end = reports[-1].t
    yield from detector.tick(datetime.fromtimestamp(end, UTC))
    if drain:
        config = detector.config
        quiet = max(config.lost_after_s, config.probable_landing_after_s)
        yield from detector.tick(datetime.fromtimestamp(end + quiet, UTC))


def read_files(paths: Sequence[str | Path]) -> list[ReplayReport]:
    """The reports of every file, in time order, then by aircraft (the same aircraft
    at the same time keeps file and line order).

    Raises:
        ReplayFormatError, OSError: as `read_file`.
    """
    reports: list[ReplayReport] = []
    for raw_path in paths:
        reports.extend(read_file(Path(raw_path)))
    # Two stable sorts make the (time, hex) order without a key tuple per report;
    # a single recording is nearly in order already, and timsort then runs in one pass.
    reports.sort(key=_BY_HEX)
    reports.sort(key=_BY_TIME)
    return reports


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
        airports: airport lookup (the default index, and every field for aircraft on
            the ground, by default).
        drain: see `replay_events`.

    Returns:
        0 on success, 2 when an input file is missing or malformed (nothing is printed
        to `out` then: a replay either runs over all its input or not at all).
    """
    errors = err if err is not None else sys.stderr
    with _no_cycle_collection():
        return _replay(paths, out, errors, config, airports, drain=drain)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused: a replay keeps every report until the end,
    none in a cycle, and the collector would walk them all again and again (a fifth of
    the reading time on the evaluation set)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _replay(
    paths: Sequence[str | Path],
    out: TextIO,
    errors: TextIO,
    config: DetectorConfig | None,
    airports: AirportLookup | None,
    *,
    drain: bool,
) -> int:
    try:
        reports = read_files(paths)
    except ReplayFormatError as exc:
        print(f"error: {exc}", file=errors)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"error: {exc.filename}: {exc.strerror or exc}", file=errors)
        return EXIT_BAD_INPUT
    # The default airports and every field, each made only around the places the
    # detector asks about: the same answers as the whole indexes, for a fraction of
    # the start-up (docs/benchmarks-flights.md).
    detector = Detector(
        DetectorConfig() if config is None else config,
        CellIndex() if airports is None else airports,
        CellIndex(every_field) if airports is None else None,
    )
    out.writelines(
        _event_line(event) + "\n" for event in replay_events(reports, detector, drain=drain)
    )
    return EXIT_OK
