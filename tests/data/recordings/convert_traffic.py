"""Convert a sample of the `traffic` package (MIT) to the replay JSON Lines format.

The samples are pandas DataFrames written as JSON (columns of {row: value}, or a list
of row objects), gzip-compressed. Each row becomes one readsb-v2-like object per line
(`hex`, `ts`, `lat`, `lon`, `alt_baro` or "ground", `gs`, `track`, `baro_rate`,
`flight`, `squawk`), which `summitwatch replay-flights` reads (`reports.read_jsonl`).
Nothing is changed but the field names and units already in feet and knots: rows
without a position are dropped, the position time is `last_position` when the sample
has it (else `timestamp`), and `--hexes`/`--start`/`--end` keep a subset.

    python tests/data/recordings/convert_traffic.py SAMPLE.json.gz OUT.jsonl.gz \
        [--hexes a,b,c] [--start UNIX] [--end UNIX]
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
from collections.abc import Iterator
from typing import Any


def _rows(doc: Any) -> list[dict[str, Any]]:
    if isinstance(doc, list):
        return doc
    columns = list(doc)
    index = list(doc[columns[0]])
    return [{name: doc[name].get(key) for name in columns} for key in index]


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _seconds(value: Any) -> float | None:
    number = _num(value)
    if number is None and isinstance(value, str):
        from datetime import datetime

        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    if number is None:
        return None
    return number / 1000.0 if number > 1e11 else number


def convert(
    rows: list[dict[str, Any]], hexes: set[str] | None, start: float, end: float
) -> Iterator[dict[str, Any]]:
    for row in rows:
        hex_ = str(row.get("icao24") or "").lower()
        if hexes is not None and hex_ not in hexes:
            continue
        lat, lon = _num(row.get("latitude")), _num(row.get("longitude"))
        ts = _seconds(row.get("last_position")) or _seconds(row.get("timestamp"))
        if lat is None or lon is None or ts is None or not start <= ts <= end:
            continue
        line: dict[str, Any] = {"hex": hex_, "ts": round(ts, 3), "lat": lat, "lon": lon}
        alt = _num(row.get("altitude"))
        if row.get("onground") is True:
            line["alt_baro"] = "ground"
        elif alt is not None:
            line["alt_baro"] = round(alt)
        for src, dst in (("groundspeed", "gs"), ("track", "track"), ("vertical_rate", "baro_rate")):
            value = _num(row.get(src))
            if value is not None:
                line[dst] = round(value, 1)
        for src, dst in (("callsign", "flight"), ("squawk", "squawk")):
            value = row.get(src)
            if isinstance(value, str) and value.strip():
                line[dst] = value.strip()
        yield line


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sample")
    parser.add_argument("out")
    parser.add_argument("--hexes")
    parser.add_argument("--start", type=float, default=0.0)
    parser.add_argument("--end", type=float, default=float("inf"))
    args = parser.parse_args()
    with gzip.open(args.sample, "rt", encoding="utf-8") as handle:
        rows = _rows(json.load(handle))
    hexes = set(args.hexes.split(",")) if args.hexes else None
    lines = sorted(convert(rows, hexes, args.start, args.end), key=lambda x: (x["ts"], x["hex"]))
    with gzip.open(args.out, "wt", encoding="utf-8", compresslevel=9) as out:
        for line in lines:
            out.write(json.dumps(line, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
