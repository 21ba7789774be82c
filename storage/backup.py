"""Online backup of the SQLite store, safe while the bot keeps writing.

SQLite's backup API copies the database page by page under short read locks and
starts over by itself if a writer changed pages already copied, so the copy is one
consistent snapshot (WAL included) without stopping the bot. PostgreSQL has
`pg_dump` for the same job.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

# Pages per step: small steps let the bot's writes in between them.
PAGES_PER_STEP = 1024


class BackupError(Exception):
    """The backup could not be made; the message says why."""


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy the SQLite database at `source` to a new file `target`; its size in bytes.

    The copy is checked with `PRAGMA integrity_check` before this returns.
    """
    if not source.is_file():
        raise BackupError(f"no SQLite database at {source}")
    if target.exists():
        raise BackupError(f"{target} exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Read-only URI: a typo in the path must not create an empty database.
    with (
        sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True) as src,
        sqlite3.connect(target) as dst,
    ):
        src.backup(dst, pages=PAGES_PER_STEP)
        [(verdict,)] = dst.execute("PRAGMA integrity_check").fetchall()
    src.close()
    dst.close()
    if verdict != "ok":
        target.unlink(missing_ok=True)
        raise BackupError(f"the copy failed its integrity check: {verdict}")
    return target.stat().st_size
