"""`summitwatch db backup`: an online, consistent copy of the SQLite store."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage.backup import BackupError, backup_sqlite
from tests.conftest import copy_migrated_sqlite
from tests.test_cli import run_cli


def _store(tmp_path: Path) -> Path:
    path = tmp_path / "bot.db"
    copy_migrated_sqlite(path)  # what `summitwatch db upgrade` makes, without a process a test
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(
            "INSERT INTO aircraft (hex, tags, extra, added_at, source)"
            " VALUES ('ffa001', '[]', '{}', '2026-11-28 12:00:00', 'test data')"
        )
    return path


def _hexes(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute("SELECT hex FROM aircraft ORDER BY hex")]


def test_copy_while_a_writer_holds_an_open_transaction(tmp_path: Path) -> None:
    source = _store(tmp_path)
    writer = sqlite3.connect(source, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute(
            "INSERT INTO aircraft (hex, tags, extra, added_at)"
            " VALUES ('ffa002', '[]', '{}', '2026-11-28 12:00:00')"
        )
        size = backup_sqlite(source, tmp_path / "copy.db")
        writer.execute("COMMIT")
    finally:
        writer.close()
    assert size > 0
    # The snapshot holds what was committed when it was taken, not the open write.
    assert _hexes(tmp_path / "copy.db") == ["ffa001"]
    assert _hexes(source) == ["ffa001", "ffa002"]


def test_refuses_to_overwrite_or_to_invent_a_source(tmp_path: Path) -> None:
    source = _store(tmp_path)
    (tmp_path / "taken.db").write_bytes(b"keep me")
    with pytest.raises(BackupError, match="exists"):
        backup_sqlite(source, tmp_path / "taken.db")
    assert (tmp_path / "taken.db").read_bytes() == b"keep me"
    with pytest.raises(BackupError, match="no SQLite database"):
        backup_sqlite(tmp_path / "typo.db", tmp_path / "new.db")
    assert not (tmp_path / "typo.db").exists()


def test_command_line(tmp_path: Path) -> None:
    source = _store(tmp_path)
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{source}"}
    done = run_cli("db", "backup", "backups/one.db", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "integrity ok" in done.stdout
    assert _hexes(tmp_path / "backups" / "one.db") == ["ffa001"]
    again = run_cli("db", "backup", "backups/one.db", env=env, cwd=tmp_path)
    assert (again.returncode, again.stderr.count("\n")) == (1, 1)
    pg = {"DATABASE_URL": "postgresql+asyncpg://u:secret@db/x"}
    refused = run_cli("db", "backup", "x.db", env=pg, cwd=tmp_path)
    assert refused.returncode == 1
    assert "pg_dump" in refused.stderr
    assert "secret" not in refused.stderr
