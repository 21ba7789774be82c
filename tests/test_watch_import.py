"""plane-alert-db import: parsing with per-line problems, and the store on both backends."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.kernel.progress import ProgressBar
from bot.watch.importer import import_watchlist
from bot.watch.planealert import HEADER, Entry, HeaderError, Problem, hex_problem, parse
from storage.models import Aircraft
from tests.conftest import count_rows

DATA = Path(__file__).parent / "data" / "watchlist" / "plane-alert-test.csv"
NOW = datetime(2026, 11, 28, 13, 0, tzinfo=UTC)
HEAD = ",".join(HEADER).encode() + b"\n"


def _parse(data: bytes) -> list[Entry | Problem]:
    return list(parse(data.splitlines(keepends=True)))


def test_fixture_rows_and_every_bad_line_by_number() -> None:
    items = _parse(DATA.read_bytes())
    entries = [i for i in items if isinstance(i, Entry)]
    problems = {i.line: i.reason for i in items if isinstance(i, Problem)}
    assert [e.hex for e in entries] == ["ffa001", "ffa002", "ffa003", "ffa006"]
    assert problems == {
        5: "spreadsheet",
        6: "spreadsheet",
        7: "duplicate",
        8: "hex",
        9: "quoting",
        10: "fields",
        13: "too-long",
    }
    first, _, third, sixth = entries
    assert first == Entry(
        line=2,
        hex="ffa001",
        registration="TEST-01",
        operator="Examplestan Government (test data)",
        type_name="Airbus ACJ319",
        type_code="A319",
        cmpg="Gov",
        tags=("Head of State", "Test Fleet"),
        category="Governments",
        link="https://example.org/test/ffa001",
    )
    assert third.operator == "Ministry of Tests, Air Wing (test data)"
    assert third.tags == ("Quoted, tag",)
    # Spreadsheet padding and doubled spaces are not part of the names.
    assert (sixth.hex, sixth.registration, sixth.operator) == (
        "ffa006",
        "TEST-09",
        "Examplestan Air Force (test data)",
    )


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("3.00E+05", "turned into a number by a spreadsheet"),
        ("4.5e+101", "turned into a number by a spreadsheet"),
        ("12345", "dropped leading zeros"),
        ("1", "dropped leading zeros"),
        ("abc12", "shorter than 6"),
        ("ffa0011", "not 6 hex digits"),
        ("gg0001", "not 6 hex digits"),
        ("", "no hex code"),
    ],
)
def test_hex_problems_name_the_cause(raw: str, fragment: str) -> None:
    assert fragment in (hex_problem(raw) or "")


@pytest.mark.parametrize("raw", ["ffa001", "FFA001", " 0a1b2c "])
def test_valid_hex_codes(raw: str) -> None:
    assert hex_problem(raw) is None


def test_bad_encoding_and_reordered_columns_and_bom() -> None:
    data = (
        b"\xef\xbb\xbf$Registration,$ICAO,Category\n"
        b"TEST-1,ffa0a1,Governments\n"
        b"TEST-\xe9,ffa0a2,Governments\n"
        b"TEST-3,ffa0a3,Governments,\n"
    )
    items = _parse(data)
    assert [(i.line, i.hex) for i in items if isinstance(i, Entry)] == [
        (2, "ffa0a1"),
        (4, "ffa0a3"),
    ]
    assert [(i.line, i.reason) for i in items if isinstance(i, Problem)] == [(3, "encoding")]


@pytest.mark.parametrize("data", [b"", b"hex,registration\nffa001,X\n", b"\xff\xfe$ICAO\n"])
def test_a_file_without_the_header_is_refused(data: bytes) -> None:
    with pytest.raises(HeaderError, match="not a plane-alert-db CSV"):
        _parse(data)


async def _fleet(sessions: async_sessionmaker[AsyncSession]) -> dict[str, Aircraft]:
    async with sessions() as session:
        rows = (await session.exec(select(Aircraft).order_by(col(Aircraft.hex)))).all()
    return {a.hex: a for a in rows}


async def test_import_stores_identities_with_provenance(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    report = await import_watchlist(DATA, sessions, now=NOW, dry_run=False)
    assert (report.added, report.updated, report.unchanged, len(report.problems)) == (4, 0, 0, 7)
    fleet = await _fleet(sessions)
    assert sorted(fleet) == ["ffa001", "ffa002", "ffa003", "ffa006"]
    first = fleet["ffa001"]
    assert (first.registration, first.type_code, first.type_name) == (
        "TEST-01",
        "A319",
        "Airbus ACJ319",
    )
    assert (first.operator, first.category, first.tags) == (
        "Examplestan Government (test data)",
        "Governments",
        ["Head of State", "Test Fleet"],
    )
    assert first.added_by is None
    assert first.source == "plane-alert-db CSV plane-alert-test.csv, imported 2026-11-28 13:00 UTC"
    assert first.extra["import"] == {
        "cmpg": "Gov",
        "link": "https://example.org/test/ffa001",
        "file": "plane-alert-test.csv",
        "imported_at": NOW.isoformat(),
    }
    assert fleet["ffa002"].extra["import"] == {
        "cmpg": "Gov",
        "file": "plane-alert-test.csv",
        "imported_at": NOW.isoformat(),
    }

    again = await import_watchlist(DATA, sessions, now=NOW, dry_run=False)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 4)


async def test_newer_file_updates_imported_rows_but_only_fills_an_analysts_entry(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    async with sessions.begin() as session:
        session.add(Aircraft(hex="ffa0b1", registration="TEST-B1", added_by=777, source="analyst"))
    first = tmp_path / "v1.csv"
    first.write_bytes(HEAD + b"ffa0b2,TEST-B2,Old Operator (test data),,,,,,,Governments,\n")
    await import_watchlist(first, sessions, now=NOW, dry_run=False)
    second = tmp_path / "v2.csv"
    second.write_bytes(
        HEAD
        + b"ffa0b1,TEST-XX,Examplestan Government (test data),,A319,,,,,Governments,\n"
        + b"ffa0b2,,New Operator (test data),,,,Envoy,,,Governments,\n"
    )
    later = NOW.replace(hour=14)
    report = await import_watchlist(second, sessions, now=later, dry_run=False)
    assert (report.added, report.updated, report.unchanged) == (0, 2, 0)
    fleet = await _fleet(sessions)
    curated, imported = fleet["ffa0b1"], fleet["ffa0b2"]
    # The analyst's registration stays; what they left empty is filled.
    assert (curated.registration, curated.operator, curated.type_code) == (
        "TEST-B1",
        "Examplestan Government (test data)",
        "A319",
    )
    assert curated.added_by == 777
    # An empty cell never erases: the registration of the older file stays.
    assert (imported.registration, imported.operator, imported.tags) == (
        "TEST-B2",
        "New Operator (test data)",
        ["Envoy"],
    )
    assert (
        imported.source is not None and "v2.csv, imported 2026-11-28 14:00 UTC" in imported.source
    )


async def test_dry_run_reports_the_same_and_writes_nothing(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    stream = io.StringIO()
    bar = ProgressBar(0, stream, enabled=True)
    report = await import_watchlist(DATA, sessions, now=NOW, dry_run=True, progress=bar)
    assert (report.added, report.updated, len(report.problems)) == (4, 0, 7)
    assert await count_rows(engine, "aircraft") == 0
    assert stream.getvalue().endswith("] 11/11 rows\n")
    lines = report.lines()
    assert lines[0].endswith("(dry run: nothing was written)")
    assert "  line 9: broken quoting (a quote is unclosed or misplaced)" in lines
    assert "  line 7: ffa001 already on line 2" in lines
