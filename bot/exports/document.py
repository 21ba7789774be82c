"""An export as a CSV or JSON file: rows of plain values, bounded in size (pure).

Every time is given twice, in UTC and in the chat's zone; every row says where it
comes from (provider, source, citation) and how sure it is where that applies.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

SCHEMA = "summitwatch.export/1"
# Telegram takes documents up to 50 MB from bots; an analyst's export stays far below.
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
FORMATS = ("csv", "json")

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ExportFile:
    """The file to send and what it holds."""

    name: str
    data: bytes
    rows: int  # rows in the file
    total: int  # rows there were: more than `rows` when the file was cut


def times(moment: datetime | None, zone: str) -> tuple[str, str]:
    """(UTC, local) ISO 8601 forms of a moment; empty strings for none."""
    if moment is None:
        return "", ""
    return moment.isoformat(), moment.astimezone(ZoneInfo(zone)).isoformat()


def _csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(row.get(k)) for k in columns})
    # A BOM so that spreadsheet programs read the Cyrillic and Azerbaijani text as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    # A cell starting with these is a formula to a spreadsheet: quote it as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _number(text) else text


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _json(rows: Sequence[Mapping[str, Any]], header: Mapping[str, Any], total: int) -> bytes:
    body = {**header, "schema": SCHEMA, "total": total, "rows": list(rows)}
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


def build(
    *,
    name: str,
    fmt: str,
    columns: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    total: int,
    header: Mapping[str, Any],
) -> ExportFile:
    """The file of `rows` (oldest first), cut to its newest rows when over the bounds."""
    kept = list(rows[-MAX_ROWS:])
    while True:
        data = _csv(kept, columns) if fmt == "csv" else _json(kept, header, total)
        if len(data) <= MAX_BYTES or not kept:
            return ExportFile(f"{name}.{fmt}", data, len(kept), max(total, len(kept)))
        # Keep the newest rows, in proportion to how far over the bound the file is.
        share = MAX_BYTES / len(data)
        keep = min(len(kept) - 1, int(len(kept) * share * 0.95))
        kept = kept[len(kept) - keep :] if keep > 0 else []
