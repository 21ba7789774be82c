"""Parse plane-alert-db CSV files into aircraft entries and per-line problems (pure).

The format (github.com/sdr-enthusiasts/plane-alert-db) has the header
`$ICAO,$Registration,$Operator,$Type,$ICAO Type,#CMPG,$Tag 1,$#Tag 2,$#Tag 3,Category,$#Link`.
Columns are found by name, so a file with extra or reordered columns still reads.

Each physical line is parsed on its own: a broken quote spoils its line only and never
swallows the rest of the file. Hex codes a spreadsheet turned into numbers ("3.00E+05",
"1234" for "001234") are reported, never repaired: guessing would invent an identity.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

HEADER = (
    "$ICAO",
    "$Registration",
    "$Operator",
    "$Type",
    "$ICAO Type",
    "#CMPG",
    "$Tag 1",
    "$#Tag 2",
    "$#Tag 3",
    "Category",
    "$#Link",
)
TAG_COLUMNS = ("$Tag 1", "$#Tag 2", "$#Tag 3")
# Longest values the `aircraft` columns hold.
LIMITS = {"$Registration": 16, "$ICAO Type": 8, "$Type": 128, "$Operator": 256, "Category": 128}

HEX_RE = re.compile(r"^[0-9a-f]{6}$")
SHORT_HEX_RE = re.compile(r"^[0-9a-f]{1,5}$")
SCIENTIFIC_RE = re.compile(r"^[0-9]+(\.[0-9]+)?e[+-]?[0-9]+$")


class HeaderError(ValueError):
    """The file does not start with a plane-alert-db header."""


@dataclass(frozen=True)
class Entry:
    """One aircraft row of the file."""

    line: int
    hex: str
    registration: str | None
    operator: str | None
    type_name: str | None
    type_code: str | None
    cmpg: str | None
    tags: tuple[str, ...]
    category: str | None
    link: str | None


@dataclass(frozen=True)
class Problem:
    """A skipped line and why."""

    line: int
    reason: str
    detail: str


def _columns(header: str) -> dict[str, int]:
    names = [name.strip() for name in next(csv.reader([header]), [])]
    if "$ICAO" not in names:
        raise HeaderError(
            "not a plane-alert-db CSV: the first line has no $ICAO column "
            f"(expected {','.join(HEADER)})"
        )
    return {name: index for index, name in enumerate(names) if name}


def hex_problem(raw: str) -> str | None:
    """Why `raw` is not a usable ICAO hex, or None when it is one."""
    value = raw.strip().lower()
    if HEX_RE.match(value):
        return None
    if not value:
        return "no hex code"
    if SCIENTIFIC_RE.match(value):
        return (
            f"hex {raw.strip()!r} was turned into a number by a spreadsheet; it cannot be recovered"
        )
    if SHORT_HEX_RE.match(value):
        if value.isdigit():
            return (
                f"hex {raw.strip()!r} has {len(value)} digits: a spreadsheet probably dropped "
                "leading zeros; not guessed"
            )
        return f"hex {raw.strip()!r} is shorter than 6 hex digits"
    return f"hex {raw.strip()!r} is not 6 hex digits"


def _field(fields: list[str], columns: dict[str, int], name: str) -> str | None:
    index = columns.get(name)
    if index is None or index >= len(fields):
        return None
    value = " ".join(fields[index].split())
    return value or None


def _entry(number: int, fields: list[str], columns: dict[str, int]) -> Entry | Problem:
    width = max(columns.values()) + 1
    if len(fields) < width or any(extra.strip() for extra in fields[width:]):
        return Problem(number, "fields", f"{len(fields)} fields, expected {width}")
    raw_hex = fields[columns["$ICAO"]]
    why = hex_problem(raw_hex)
    if why is not None:
        reason = "spreadsheet" if "spreadsheet" in why else "hex"
        return Problem(number, reason, why)
    for name, limit in LIMITS.items():
        value = _field(fields, columns, name)
        if value is not None and len(value) > limit:
            return Problem(
                number, "too-long", f"{name} is {len(value)} characters, at most {limit}"
            )
    tags = (_field(fields, columns, name) for name in TAG_COLUMNS)
    return Entry(
        line=number,
        hex=raw_hex.strip().lower(),
        registration=_field(fields, columns, "$Registration"),
        operator=_field(fields, columns, "$Operator"),
        type_name=_field(fields, columns, "$Type"),
        type_code=_field(fields, columns, "$ICAO Type"),
        cmpg=_field(fields, columns, "#CMPG"),
        tags=tuple(tag for tag in tags if tag),
        category=_field(fields, columns, "Category"),
        link=_field(fields, columns, "$#Link"),
    )


def _split(text: str) -> list[str] | None:
    try:
        rows = list(csv.reader([text], strict=True))
    except csv.Error:
        return None
    return rows[0] if len(rows) == 1 else None


def parse(lines: Iterable[bytes]) -> Iterator[Entry | Problem]:
    """Entries and problems, in file order; the first line must be the header.

    Raises `HeaderError` when it is not: nothing else in the file can be trusted then.
    """
    columns: dict[str, int] | None = None
    first_seen: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            if columns is None:
                raise HeaderError("not a plane-alert-db CSV: the header is not UTF-8") from None
            yield Problem(number, "encoding", "not UTF-8")
            continue
        if columns is None:
            columns = _columns(text)
            continue
        if not text.strip():
            continue
        fields = _split(text)
        if fields is None:
            yield Problem(number, "quoting", "broken quoting (a quote is unclosed or misplaced)")
            continue
        found = _entry(number, fields, columns)
        if isinstance(found, Entry):
            if found.hex in first_seen:
                yield Problem(
                    number, "duplicate", f"{found.hex} already on line {first_seen[found.hex]}"
                )
                continue
            first_seen[found.hex] = number
        yield found
    if columns is None:
        raise HeaderError("not a plane-alert-db CSV: the file is empty")


# The rows the bot ships and refreshes (bot/data/fleet.csv): every government aircraft
# and every aircraft of the "Dictator Alert" category (heads of state, some civil).
SHIPPED_CMPG = "Gov"
SHIPPED_CATEGORY = "Dictator Alert"


def shipped(entry: Entry) -> bool:
    """True for a row of the shipped fleet selection."""
    return entry.cmpg == SHIPPED_CMPG or entry.category == SHIPPED_CATEGORY
