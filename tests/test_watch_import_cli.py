"""`summitwatch import-watchlist` as a process: summary, dry run, progress bar, errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.test_cli import run_cli
from tests.test_watch_import import DATA


def _env(tmp_path: Path) -> dict[str, str]:
    return {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"}


def _hexes(tmp_path: Path) -> list[str]:
    with sqlite3.connect(tmp_path / "bot.db") as db:
        return [row[0] for row in db.execute("SELECT hex FROM aircraft ORDER BY hex")]


def test_dry_run_needs_a_migrated_store_and_writes_nothing(tmp_path: Path) -> None:
    refused = run_cli("import-watchlist", str(DATA), "--dry-run", env=_env(tmp_path), cwd=tmp_path)
    assert refused.returncode == 1
    assert "not migrated" in refused.stderr
    assert run_cli("db", "upgrade", env=_env(tmp_path), cwd=tmp_path).returncode == 0
    dry = run_cli("import-watchlist", str(DATA), "--dry-run", env=_env(tmp_path), cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert "(dry run: nothing was written)" in dry.stdout
    assert "  added            4" in dry.stdout
    assert _hexes(tmp_path) == []


def test_import_prints_summary_and_bar_only_when_asked(tmp_path: Path) -> None:
    done = run_cli("import-watchlist", str(DATA), env=_env(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "  skipped          7" in done.stdout
    assert "  line 5: hex '3.00E+05' was turned into a number by a spreadsheet" in done.stdout
    # stderr is a pipe here: no bar unless --progress.
    assert "rows" not in done.stderr
    assert _hexes(tmp_path) == ["ffa001", "ffa002", "ffa003", "ffa006"]
    again = run_cli("import-watchlist", str(DATA), "--progress", env=_env(tmp_path), cwd=tmp_path)
    assert "  unchanged        4" in again.stdout
    assert "] 11/11 rows" in again.stderr


def test_unreadable_or_foreign_files_exit_1_with_one_line(tmp_path: Path) -> None:
    missing = run_cli("import-watchlist", "nope.csv", env=_env(tmp_path), cwd=tmp_path)
    assert (missing.returncode, missing.stderr.count("\n")) == (1, 1)
    assert "nope.csv: No such file or directory" in missing.stderr
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    foreign = run_cli("import-watchlist", str(other), env=_env(tmp_path), cwd=tmp_path)
    assert foreign.returncode == 1
    assert "not a plane-alert-db CSV" in foreign.stderr


def test_help(tmp_path: Path) -> None:
    result = run_cli("import-watchlist", "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "--dry-run" in result.stdout
