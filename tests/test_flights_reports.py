"""Parsers of provider payloads into position reports, on fixtures in the real formats."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.flights.reports import (
    PositionReport,
    ReplayFormatError,
    ReportFormatError,
    _watched_only,
    from_opensky,
    from_readsb_v2,
    from_readsb_v2_json,
    from_trace_full,
    normalize_hex,
    read_jsonl,
    read_jsonl_bytes,
)

DATA = Path(__file__).parent / "data" / "flights"
NOW = datetime(2025, 1, 1, 22, 54, tzinfo=UTC)  # the fixtures' "now"


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def by_hex(reports: list[PositionReport]) -> dict[str, PositionReport]:
    return {report.hex: report for report in reports}


# ---- readsb v2 -------------------------------------------------------------------


def test_readsb_v2_keeps_only_aircraft_with_a_usable_position() -> None:
    reports = by_hex(from_readsb_v2(load("readsb_v2_hex.json"), "adsb.lol"))
    # ff0a03: no position (Mode S only); ff0a04: lat is a string; ~2a0b3c: non-ICAO;
    # ff0a08: latitude out of range; "not an aircraft": not an object.
    assert sorted(reports) == ["ff0a01", "ff0a02", "ff0a05", "ff0a06", "ff0a07"]


def test_readsb_v2_airborne_aircraft_in_full() -> None:
    report = by_hex(from_readsb_v2(load("readsb_v2_hex.json"), "adsb.lol"))["ff0a01"]
    assert report == PositionReport(
        hex="ff0a01",
        ts=datetime(2025, 1, 1, 22, 53, 58, 700000, tzinfo=UTC),  # now - seen_pos 1.3 s
        lat=48.712344,
        lon=44.601212,
        alt_ft=37000,
        on_ground=False,
        gs_kt=452.3,
        track_deg=141.27,
        vrate_fpm=-64.0,  # baro_rate preferred over geom_rate
        squawk="2000",
        callsign="DEMO1",
        registration="DEMO1",
        type_code="GLF6",
        provider="adsb.lol",
        emergency=None,  # "none" means no emergency
    )


@pytest.mark.parametrize(
    ("hex_", "field", "expected"),
    [
        ("ff0a02", "on_ground", True),  # alt_baro "ground"
        ("ff0a02", "alt_ft", None),
        ("ff0a02", "track_deg", None),  # on the ground readsb sends true_heading only
        ("ff0a05", "ts", datetime(2025, 1, 1, 22, 53, 19, 300000, tzinfo=UTC)),  # stale
        ("ff0a05", "emergency", "general"),
        ("ff0a05", "squawk", "7700"),
        ("ff0a06", "alt_ft", None),  # only a position: everything else unknown
        ("ff0a06", "ts", NOW),  # no seen_pos nor seen: the answer's time
        ("ff0a07", "gs_kt", None),  # null
        ("ff0a07", "track_deg", None),  # a bool is not a number
        ("ff0a07", "vrate_fpm", 1216.0),  # baro_rate is a string: geom_rate instead
        ("ff0a07", "squawk", None),  # a number, not the 4-digit string
        ("ff0a07", "callsign", None),  # a number
        ("ff0a07", "ts", NOW),  # negative seen_pos is nonsense: the answer's time
    ],
)
def test_readsb_v2_tolerates_missing_and_wrongly_typed_fields(
    hex_: str, field: str, expected: object
) -> None:
    report = by_hex(from_readsb_v2(load("readsb_v2_hex.json"), "adsb.fi"))[hex_]
    assert getattr(report, field) == expected


def test_readsb_v2_uppercase_hex_is_normalised() -> None:
    reports = by_hex(from_readsb_v2(load("readsb_v2_hex.json"), "adsb.fi"))
    assert "ff0a05" in reports


def test_readsb_v2_watchlist_filter() -> None:
    envelope = load("readsb_v2_hex.json")
    reports = from_readsb_v2(envelope, "adsb.fi", only={"ff0a02", "ff0a05", "ff0a03"})
    assert [report.hex for report in reports] == ["ff0a02", "ff0a05"]


def test_readsb_v2_aircraft_json_in_seconds() -> None:
    envelope = {
        "now": 1735772040.0,
        "messages": 10,
        "aircraft": [{"hex": "ff0a09", "lat": 1.0, "lon": 2.0, "seen_pos": 2.0}],
    }
    (report,) = from_readsb_v2(envelope, "receiver")
    assert report.ts == datetime(2025, 1, 1, 22, 53, 58, tzinfo=UTC)


@pytest.mark.parametrize(
    ("envelope", "count"),
    [
        ({"now": 1735772040000, "ac": []}, 0),
        ({"now": 1735772040000, "ac": None, "msg": "No error"}, 0),
        ({"now": 1735772040000, "msg": "No error", "total": 0}, 0),
    ],
)
def test_readsb_v2_empty_answers(envelope: dict[str, Any], count: int) -> None:
    assert len(from_readsb_v2(envelope, "adsb.lol")) == count


@pytest.mark.parametrize(
    "envelope",
    [
        [],
        {"ac": []},
        {"now": "1735772040000", "ac": []},
        {"now": True, "ac": []},
        {"now": 1735772040000, "ac": {"hex": "ff0a01"}},
    ],
)
def test_readsb_v2_unusable_envelope_raises(envelope: Any) -> None:
    with pytest.raises(ReportFormatError):
        from_readsb_v2(envelope, "adsb.lol")


# ---- OpenSky ---------------------------------------------------------------------


def test_opensky_converts_units() -> None:
    report = by_hex(from_opensky(load("opensky_states.json"), "opensky"))["ff0b01"]
    assert report.ts == datetime(2025, 1, 1, 22, 53, 58, tzinfo=UTC)  # time_position
    assert (report.lat, report.lon) == (40.5521, 49.8123)
    assert report.alt_ft == 6000  # 1828.8 m
    assert report.gs_kt == pytest.approx(249.98, abs=0.01)  # 128.6 m/s
    assert report.vrate_fpm == pytest.approx(-960.6, abs=0.1)  # -4.88 m/s
    assert report.track_deg == 92.4
    assert (report.squawk, report.callsign, report.on_ground) == ("3321", "DEMO11", False)
    assert (report.registration, report.type_code) == (None, None)


def test_opensky_on_ground_and_tolerance() -> None:
    reports = by_hex(from_opensky(load("opensky_states.json"), "opensky"))
    # ff0b03: no time_position / position; ff0b04: longitude is a string;
    # zz0b06: not a hex address; ff0b07: a truncated vector.
    assert sorted(reports) == ["ff0b01", "ff0b02", "ff0b05"]
    ground = reports["ff0b02"]
    assert (ground.on_ground, ground.alt_ft, ground.vrate_fpm) == (True, None, None)
    no_baro = reports["ff0b05"]
    assert no_baro.alt_ft == 10000  # geo_altitude 3048 m when baro_altitude is null
    assert (no_baro.gs_kt, no_baro.squawk, no_baro.callsign) == (None, None, None)


@pytest.mark.parametrize(
    ("payload", "count"), [({"time": 1735772040, "states": None}, 0), ({"time": 1}, 0)]
)
def test_opensky_no_states(payload: dict[str, Any], count: int) -> None:
    assert len(from_opensky(payload, "opensky")) == count


def test_opensky_unusable_payload_raises() -> None:
    with pytest.raises(ReportFormatError):
        from_opensky({"time": 1, "states": "nope"}, "opensky")


# ---- trace files -----------------------------------------------------------------


def test_trace_full_points() -> None:
    reports = from_trace_full(load("trace_full_ff0c01.json"), source="trace_full_ff0c01.json")
    assert len(reports) == 13  # 14 points, one without a position
    first, roll, airborne = reports[0], reports[4], reports[5]
    assert first.ts == NOW
    assert (first.hex, first.registration, first.type_code) == ("ff0c01", "DEMO21", "GLF6")
    assert (first.on_ground, first.squawk, first.callsign) == (True, "4402", "DEMO21")
    assert (roll.on_ground, roll.gs_kt, roll.squawk) == (True, 96.0, None)
    assert roll.callsign == "DEMO21"  # carried forward from the last details object
    assert (airborne.alt_ft, airborne.on_ground, airborne.vrate_fpm) == (310, False, 1800.0)
    assert airborne.ts == datetime(2025, 1, 1, 22, 56, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    "doc",
    [
        {"timestamp": 1.0, "trace": []},
        {"icao": "ff0c01", "trace": []},
        {"icao": "ff0c01", "timestamp": 1.0, "trace": {}},
        [],
    ],
)
def test_trace_full_malformed_document(doc: Any) -> None:
    with pytest.raises(ReplayFormatError, match=r"trace\.json"):
        from_trace_full(doc, source="trace.json")


# ---- JSON Lines replay -----------------------------------------------------------


def test_read_jsonl_lines() -> None:
    lines = [
        '{"hex":"ff0d03","ts":1735772040,"lat":55.59,"lon":37.26,"alt_baro":"ground"}',
        "",
        '{"hex":"ff0d03","ts":1735772050.5,"lat":55.6,"lon":37.3,"alt_baro":900,'
        '"gs":150,"baro_rate":1500,"provider":"adsb.lol"}',
        '{"hex":"ff0d04","ts":1735772051,"alt_baro":900}',  # no position: skipped
    ]
    reports = list(read_jsonl(lines, "x.jsonl"))
    assert [(r.hex, r.on_ground, r.alt_ft, r.provider) for r in reports] == [
        ("ff0d03", True, None, "replay"),
        ("ff0d03", False, 900, "adsb.lol"),
    ]
    assert reports[1].ts == datetime(2025, 1, 1, 22, 54, 10, 500000, tzinfo=UTC)


# Lines with the usual field types, and with each field otherwise: the replay reader
# reads the usual ones inline and the rest as `read_jsonl` does; both must agree.
_BASE = (
    '{"hex":"ff0d05","ts":1735772040.0,"lat":55.59,"lon":37.26,"alt_baro":900,'
    '"gs":150.5,"track":271.2,"baro_rate":1500.0,"squawk":"2200","flight":"DEMO1  "'
)
_VARIANTS = [
    "",
    ',"x":1',
    ',"alt_geom":1000',
    ',"r":" RA-1 ","t":"GLF6"',
    ',"emergency":"none"',
    ',"emergency":"general","category":"A7"',
    ',"provider":"adsb.fi"',
    ',"geom_rate":-300.0',
    ',"provider":null',
    ',"r":null,"category":null,"emergency":null',
    ',"on_ground":true,"seen_pos":0.4,"lastPosition":{"lat":1,"lon":2}',
]
_LINES = [_BASE + extra + "}" for extra in _VARIANTS] + [
    line.replace(old, new) + "}"
    for line in [_BASE]
    for old, new in [
        ('"alt_baro":900', '"alt_baro":"ground"'),
        ('"alt_baro":900', '"alt_baro":900.4'),
        ('"alt_baro":900', '"alt_baro":null,"alt_geom":950'),
        ('"alt_baro":900,', ""),
        ('"alt_baro":900', '"alt_baro":true'),
        ('"alt_baro":900', '"alt_baro":900,"alt_geom":"high"'),
        ('"alt_baro":900', '"alt_baro":"up"'),
        ('"gs":150.5', '"gs":150.5,"gs":99.0'),
        ('"gs":150.5', '"gs":150'),
        ('"gs":150.5', '"gs":null'),
        ('"gs":150.5', '"gs":"fast"'),
        ('"track":271.2', '"track":true'),
        ('"baro_rate":1500.0', '"geom_rate":-640.0'),
        ('"baro_rate":1500.0', '"baro_rate":null,"geom_rate":-640.0'),
        ('"baro_rate":1500.0', '"baro_rate":1500'),
        ('"squawk":"2200"', '"squawk":"7700"'),
        ('"squawk":"2200"', '"squawk":"7790"'),
        ('"squawk":"2200"', '"squawk":2200'),
        ('"flight":"DEMO1  "', '"flight":"  "'),
        ('"flight":"DEMO1  "', '"flight":"A-VERY-LONG-CALLSIGN"'),
        ('"flight":"DEMO1  "', '"flight":7'),
        ('"hex":"ff0d05"', '"hex":"FF0D05"'),
        ('"ts":1735772040.0', '"ts":1735772040'),
        ('"lat":55.59', '"lat":55'),
    ]
]


def _both(lines: list[str]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    def row(report: Any) -> tuple[Any, ...]:
        return (report, report.category)

    fast = read_jsonl_bytes("\n".join(lines).encode(), "x.jsonl")
    return [row(r.position()) for r in fast], [row(r) for r in read_jsonl(lines, "x.jsonl")]


@pytest.mark.parametrize("line", _LINES)
def test_the_replay_reader_reads_each_line_as_read_jsonl(line: str) -> None:
    # Twice: the second line of a hex is read with the hex (and texts) known.
    fast, general = _both([line, line.replace("1735772040", "1735772041")])
    assert fast == general and len(fast) == 2


def test_the_replay_reader_reads_a_file_of_usual_and_unusual_lines_as_read_jsonl() -> None:
    lines = [
        line.replace("1735772040", str(1735772040 + second))
        for second, line in enumerate(_LINES * 2)
    ]
    lines.insert(3, "")
    fast, general = _both(lines)
    assert fast == general and len(fast) == len(_LINES) * 2


def test_the_replay_reader_reads_real_recordings_as_read_jsonl() -> None:
    recordings = Path(__file__).parent / "data" / "recordings"
    for name in ("zurich_airport.jsonl.gz", "samu31.jsonl.gz", "noisy_spoofing.jsonl.gz"):
        lines = gzip.decompress((recordings / name).read_bytes()).decode().splitlines()
        fast, general = _both(lines)
        assert fast == general and fast


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"hex":"ff0d03","ts":1,"lat":1', "invalid JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"ts":1,"lat":1,"lon":2}', "'hex'"),
        ('{"hex":"ff0d03","lat":1,"lon":2}', "'ts'"),
        ('{"hex":"ff0d03","ts":"yesterday","lat":1,"lon":2}', "'ts'"),
        ('{"hex":"ff0d03","ts":1,"lat":"1","lon":2}', "'lat'/'lon'"),
        ('{"hex":"ff0d03","ts":1,"lat":91,"lon":2}', "'lat'/'lon'"),
    ],
)
def test_read_jsonl_malformed_line_names_the_line(line: str, reason: str) -> None:
    good = '{"hex":"ff0d03","ts":1,"lat":1,"lon":2}'
    with pytest.raises(ReplayFormatError) as info:
        list(read_jsonl([good, good.replace('"ts":1', '"ts":2'), line], "in.jsonl"))
    assert info.value.line == 3
    assert info.value.source == "in.jsonl"
    assert str(info.value).startswith("in.jsonl:3: ")
    assert reason in str(info.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("FF0A01", "ff0a01"),
        (" ff0a01 ", "ff0a01"),
        ("~ff0a01", None),
        ("ff0a0", None),
        ("ff0a0g", None),
        (0xFF0A01, None),
        (None, None),
    ],
)
def test_normalize_hex(value: object, expected: str | None) -> None:
    assert normalize_hex(value) == expected


# ---- raw JSON text, with the watchlist shortcut ------------------------------------


def compact_snapshot(count: int, *, total: int | None = None, indent: int | None = None) -> str:
    aircraft: list[dict[str, Any]] = [
        {
            "hex": f"ff{n:04x}",
            "flight": f"DEMO{n:<4d}",
            "alt_baro": "ground" if n % 7 == 0 else 1000 + 25 * n,
            "gs": 100.0 + n,
            "track": float(n % 360),
            "lat": -50.0 + n * 0.01,
            "lon": 10.0 + n * 0.01,
            "seen_pos": (n % 10) / 10,
            "mlat": [],
            "lastPosition": {"lat": 1.0, "lon": 2.0, "seen_pos": 70.0},
        }
        for n in range(count)
    ]
    envelope: dict[str, Any] = {"ac": aircraft, "msg": "No error", "now": 1735772040000}
    if total is not None:
        envelope["total"] = total
    return json.dumps(envelope, indent=indent)


WATCH = frozenset({"ff0003", "ff0007", "ff00aa", "ff9999"})


@pytest.mark.parametrize(
    ("text", "shortcut"),
    [
        pytest.param(compact_snapshot(200, total=200), True, id="compact"),
        pytest.param(compact_snapshot(200, total=200, indent=2), True, id="pretty"),
        pytest.param(compact_snapshot(200), False, id="no-total"),
        pytest.param(compact_snapshot(200, total=199), False, id="total-disagrees"),
        pytest.param(
            compact_snapshot(3, total=3).replace('"ff0001"', "16711681"), False, id="numeric-hex"
        ),
        pytest.param((DATA / "readsb_v2_hex.json").read_text(), False, id="fixture"),
        pytest.param(
            compact_snapshot(3, total=3).replace('"msg"', '"now":1,"msg"'), False, id="two-nows"
        ),
    ],
)
def test_raw_json_shortcut_gives_the_same_reports(text: str, shortcut: bool) -> None:
    watch = WATCH | {"ff0a02", "FF0A05".lower()}
    assert (_watched_only(text, watch) is not None) is shortcut
    expected = from_readsb_v2(json.loads(text), "adsb.lol", only=watch)
    assert from_readsb_v2_json(text, "adsb.lol", only=watch) == expected
    assert from_readsb_v2_json(text.encode(), "adsb.lol", only=watch) == expected
    everything = from_readsb_v2(json.loads(text), "adsb.lol")
    assert from_readsb_v2_json(text, "adsb.lol") == everything


def test_raw_json_shortcut_finds_the_watched() -> None:
    reports = from_readsb_v2_json(compact_snapshot(200, total=200), "adsb.lol", only=WATCH)
    assert [r.hex for r in reports] == ["ff0003", "ff0007", "ff00aa"]
    assert reports[1].on_ground is True  # 7 % 7 == 0: "ground"


@pytest.mark.parametrize("raw", [b"\xff\xfe{}", "{not json", '{"ac": [], "total": 0}'])
def test_raw_json_errors(raw: bytes | str) -> None:
    with pytest.raises(ReportFormatError):
        from_readsb_v2_json(raw, "adsb.lol", only=WATCH)
