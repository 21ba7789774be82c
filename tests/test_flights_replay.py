"""`replay`: recorded files through the detector, one JSON line per event."""

from __future__ import annotations

import gzip
import io
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.flights import airports
from bot.flights.replay import EXIT_BAD_INPUT, EXIT_OK, replay
from bot.flights.reports import PositionReport
from bot.flights.synthetic import flight

DATA = Path(__file__).parent / "data" / "flights"
JSONL = DATA / "replay_vko_gyd.jsonl"
TRACE = DATA / "trace_full_ff0c01.json"
MALFORMED = DATA / "replay_malformed.jsonl"

EXPECTED = [
    {
        "kind": "takeoff",
        "hex": "ff0d01",
        "ts": "2025-01-01T22:54:00Z",
        "airport": "UUWW",
        "confidence": "confirmed",
    },
    {
        "kind": "takeoff",
        "hex": "ff0c01",
        "ts": "2025-01-01T22:56:10Z",
        "airport": "UBBB",
        "confidence": "confirmed",
    },
    {
        "kind": "signal_lost",  # its trace ends right after takeoff; the other flies on
        "hex": "ff0c01",
        "ts": "2025-01-01T22:57:20Z",
        "airport": None,
        "confidence": "confirmed",
    },
    {
        "kind": "landing",
        "hex": "ff0d01",
        "ts": "2025-01-02T01:30:00Z",
        "airport": "UBBB",
        "confidence": "confirmed",
    },
]


def run(*paths: Path, drain: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = replay(list(paths), out, err=err, drain=drain)
    return code, out.getvalue(), err.getvalue()


def test_replay_prints_one_json_line_per_event() -> None:
    code, out, err = run(JSONL, TRACE)
    assert (code, err) == (EXIT_OK, "")
    assert [json.loads(line) for line in out.splitlines()] == EXPECTED
    assert out.splitlines()[0] == (
        '{"kind": "takeoff", "hex": "ff0d01", "ts": "2025-01-01T22:54:00Z", '
        '"airport": "UUWW", "confidence": "confirmed"}'
    )


def test_replay_is_deterministic_whatever_the_file_order() -> None:
    first = run(JSONL, TRACE)
    assert run(JSONL, TRACE) == first
    assert run(TRACE, JSONL) == first


def test_replay_reads_gzip_as_published(tmp_path: Path) -> None:
    # History archives serve trace_full_*.json as gzip data under a .json name.
    trace = tmp_path / TRACE.name
    trace.write_bytes(gzip.compress(TRACE.read_bytes()))
    jsonl = tmp_path / "positions.jsonl.gz"
    jsonl.write_bytes(gzip.compress(JSONL.read_bytes()))
    assert run(jsonl, trace) == run(JSONL, TRACE)


def test_replay_malformed_line_names_file_and_line() -> None:
    code, out, err = run(JSONL, MALFORMED)
    assert code == EXIT_BAD_INPUT
    assert out == ""  # all or nothing
    assert err.startswith(f"error: {MALFORMED}:4: invalid JSON")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad_trace.json", b'{"icao": "ff0c01",\n "trace": [\n', "bad_trace.json:3: invalid JSON"),
        ("bad.json", b'{"icao": "nope", "timestamp": 1, "trace": []}', "no valid 'icao'"),
        ("latin1.jsonl", '{"hex":"ff0d05","flight":"é"}\n'.encode("latin-1"), "not UTF-8"),
        # mtime=0: the same bytes, so the same test id, in every xdist worker.
        ("broken.jsonl", gzip.compress(b'{"hex":"ff0d05"}\n', mtime=0)[:-12], "broken gzip"),
    ],
)
def test_replay_malformed_files(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = run(path)
    assert (code, out) == (EXIT_BAD_INPUT, "")
    assert message in err


def test_replay_missing_file(tmp_path: Path) -> None:
    code, _, err = run(tmp_path / "nowhere.jsonl")
    assert code == EXIT_BAD_INPUT
    assert "nowhere.jsonl" in err


def to_line(report: PositionReport) -> str:
    record: dict[str, object] = {
        "hex": report.hex,
        "ts": report.ts.timestamp(),
        "lat": report.lat,
        "lon": report.lon,
        "alt_baro": "ground" if report.on_ground else report.alt_ft,
        "gs": report.gs_kt,
        "track": report.track_deg,
        "baro_rate": report.vrate_fpm,
        "squawk": report.squawk,
    }
    return json.dumps(record)


def busy_sky() -> list[str]:
    """Three synthetic flights at once, one losing its signal on final."""
    vko, gyd = airports.get("UUWW"), airports.get("UBBB")
    assert vko is not None and gyd is not None
    t = datetime(2025, 1, 1, 22, 54, tzinfo=UTC)
    hours = timedelta(hours=2, minutes=36)
    out = flight("ff0e01", vko, gyd, t, t + hours, step_s=30)
    back = flight("ff0e02", gyd, vko, t + timedelta(minutes=7), t + hours, step_s=30)
    last = t + timedelta(minutes=20) + hours - timedelta(seconds=45)
    final = [
        r
        for r in flight("ff0e03", vko, gyd, t + timedelta(minutes=20), last, step_s=15)
        if r.ts <= last - timedelta(seconds=45)
    ]
    return [to_line(r) for r in out + back + final]


def test_replay_of_a_shuffled_file_prints_the_same(tmp_path: Path) -> None:
    lines = busy_sky()
    ordered = tmp_path / "ordered.jsonl"
    ordered.write_text("\n".join(lines) + "\n", encoding="utf-8")
    shuffled = tmp_path / "shuffled.jsonl"
    random.Random(7).shuffle(lines)
    shuffled.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run(ordered, drain=True)
    assert code == EXIT_OK
    assert run(shuffled, drain=True) == (code, out, "")
    events = [json.loads(line) for line in out.splitlines()]
    summary = [(e["hex"], e["kind"], e["confidence"], e["airport"]) for e in events]
    assert sorted(summary) == sorted(
        [
            ("ff0e01", "takeoff", "confirmed", "UUWW"),
            ("ff0e01", "landing", "confirmed", "UBBB"),
            ("ff0e02", "takeoff", "confirmed", "UBBB"),
            ("ff0e02", "landing", "confirmed", "UUWW"),
            ("ff0e03", "takeoff", "confirmed", "UUWW"),
            ("ff0e03", "landing", "probable", "UBBB"),
        ]
    )
    timestamps = [e["ts"] for e in events]
    assert all(ts.endswith("Z") for ts in timestamps)


def test_drain_lets_the_recording_end_in_silence(tmp_path: Path) -> None:
    path = tmp_path / "final.jsonl"
    path.write_text("\n".join(busy_sky()) + "\n", encoding="utf-8")
    _, plain, _ = run(path)
    _, drained, _ = run(path, drain=True)
    assert "probable" not in plain  # the recording just stops
    assert '"confidence": "probable"' in drained
