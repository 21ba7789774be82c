"""Run Alembic migrations from inside the bot (no alembic.ini needed at run time).

Alembic (about 10 MB once imported, which a process never gives back) is imported
only when a migration runs; `summitwatch run` runs its start-up migrations in a child
process (`bot.runtime.store_apart`), so the bot never imports it. Which revision the
database is at, and which one the code expects, are read without it: the bot starting
on an up-to-date schema, and its health check, never load it.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"
# The two lines every file in versions/ starts with (storage/migrations/script.py.mako).
_REVISION = re.compile(r"""^revision(?:: str)? = ["'](\w+)["']$""", re.MULTILINE)
_DOWN_REVISION = re.compile(
    r"""^down_revision(?:: str \| None)? = (?:["'](\w+)["']|None)$""", re.MULTILINE
)
# "SWMIGR": the transaction-level advisory lock that serialises migrations.
MIGRATION_LOCK_KEY = 0x5357_4D49_4752


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at our migrations, optionally bound to a connection."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def head_revision() -> str:
    """The newest revision the code knows: the one no other revision follows.

    Read from the migration files' `revision` and `down_revision` lines, as Alembic
    reads them (tests/test_lazy_imports.py checks the two agree).
    """
    revisions: dict[str, str | None] = {}
    for script in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        source = script.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN_REVISION.search(source)
        if revision is None or down is None:
            raise RuntimeError(f"{script.name}: no revision/down_revision line")
        revisions[revision.group(1)] = down.group(1)
    heads = set(revisions) - set(revisions.values())
    if len(heads) != 1:
        raise RuntimeError(f"expected one head revision, found {sorted(heads) or 'none'}")
    return heads.pop()


async def _with_connection(engine: AsyncEngine, action: str, revision: str) -> None:
    def run(connection: Connection) -> None:
        if connection.dialect.name == "postgresql":
            # Several processes may start at once on one database: one migrates, the
            # others wait here and then find nothing left to do. Released at commit.
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
        from alembic import command

        config = alembic_config(connection)
        if action == "upgrade":
            command.upgrade(config, revision)
        else:
            command.downgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(run)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema up to `revision` (the newest by default).

    A schema already at the newest revision is left as it is without loading Alembic.
    """
    if revision == "head" and await current_revision(engine) == head_revision():
        return
    await _with_connection(engine, "upgrade", revision)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    """Take the schema down to `revision` ("base" removes every table)."""
    await _with_connection(engine, "downgrade", revision)


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None when it was never migrated."""

    def read(connection: Connection) -> str | None:
        # What Alembic's MigrationContext.get_current_revision reads, for one branch.
        if not connection.dialect.has_table(connection, VERSION_TABLE):
            return None
        rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).all()  # noqa: S608  (a constant)
        if len(rows) > 1:
            raise RuntimeError(f"{VERSION_TABLE} holds {len(rows)} revisions; expected one")
        return str(rows[0][0]) if rows else None

    async with engine.connect() as connection:
        return await connection.run_sync(read)
