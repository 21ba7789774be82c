"""Derive the shipped fleet (bot/data/fleet.csv) from a plane-alert-db CSV.

    python -m tools.derive_fleet UPSTREAM.csv --commit SHA --as-of YYYY-MM-DD [--out DIR]

Keeps the rows of `bot.watch.planealert.shipped` (every `Gov` row of #CMPG and every
row of category "Dictator Alert") byte for byte, in upstream order, under upstream's
header, so `summitwatch import-watchlist` and the start-up seed read it unchanged.
Lines the parser refuses (bad hex, broken quoting, duplicates) are left out and
listed. Next to it goes `fleet.json` (source repository, commit, as-of date, licence,
row count, sha256 of the CSV): the file stays under the ODbL, as upstream.
Running it twice on the same input writes the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

from bot.watch.planealert import Entry, HeaderError, Problem, parse, shipped

ROOT = Path(__file__).resolve().parent.parent
REPOSITORY = "https://github.com/sdr-enthusiasts/plane-alert-db"
CREDIT = "plane-alert-db by SDR-Enthusiasts and contributors (ODbL)"
LICENCE = (
    "Open Database License (ODbL) 1.0, http://opendatacommons.org/licenses/odbl/1.0/; "
    "contents under the Database Contents License 1.0, "
    "http://opendatacommons.org/licenses/dbcl/1.0/"
)
LICENCE_FILE = "fleet-LICENSE.txt"
_SHA = re.compile(r"^[0-9a-f]{40}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def derive(upstream: bytes) -> tuple[bytes, int, list[Problem]]:
    """The derived CSV (header + kept lines), its row count and the refused lines."""
    lines = upstream.splitlines(keepends=True)
    kept: list[int] = []
    problems: list[Problem] = []
    for item in parse(lines):
        if isinstance(item, Problem):
            problems.append(item)
        elif isinstance(item, Entry) and shipped(item):
            kept.append(item.line)
    body = [lines[0].removeprefix(b"\xef\xbb\xbf")] + [lines[n - 1] for n in kept]
    text = b"".join(line.rstrip(b"\r\n") + b"\n" for line in body)
    return text, len(kept), problems


def sidecar(
    csv_bytes: bytes, rows: int, *, commit: str, as_of: str, name: str
) -> dict[str, object]:
    """What fleet.json says about the derived file."""
    return {
        "dataset": "plane-alert-db",
        "credit": CREDIT,
        "repository": REPOSITORY,
        "file": name,
        "commit": commit,
        "as_of": as_of,
        "selection": "#CMPG is Gov, or Category is Dictator Alert",
        "rows": rows,
        "sha256": hashlib.sha256(csv_bytes).hexdigest(),
        "licence": LICENCE,
        "licence_file": LICENCE_FILE,
        "tool": "python -m tools.derive_fleet",
    }


def main(argv: list[str] | None = None) -> int:
    """Write fleet.csv and fleet.json into --out (bot/data by default)."""
    parser = argparse.ArgumentParser(prog="python -m tools.derive_fleet", description=__doc__)
    parser.add_argument("upstream", type=Path, help="plane-alert-db.csv from upstream")
    parser.add_argument("--commit", required=True, help="upstream commit (40 hex digits)")
    parser.add_argument("--as-of", required=True, help="date of that commit, YYYY-MM-DD")
    parser.add_argument("--out", type=Path, default=ROOT / "bot" / "data")
    args = parser.parse_args(argv)
    if not _SHA.match(args.commit) or not _DATE.match(args.as_of):
        parser.error("--commit takes 40 lowercase hex digits, --as-of a YYYY-MM-DD date")
    try:
        text, rows, problems = derive(args.upstream.read_bytes())
    except (OSError, HeaderError) as exc:
        print(f"derive_fleet: {args.upstream}: {exc}", file=sys.stderr)
        return 1
    meta = sidecar(text, rows, commit=args.commit, as_of=args.as_of, name=args.upstream.name)
    (args.out / "fleet.csv").write_bytes(text)
    (args.out / "fleet.json").write_text(
        json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    for problem in problems:
        print(f"left out line {problem.line}: {problem.detail}", file=sys.stderr)
    print(f"fleet.csv: {rows} rows from {args.upstream.name} ({len(problems)} lines left out)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
