"""Shared fixtures: the store on SQLite and on the local PostgreSQL."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine.url import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

import storage.models  # noqa: F401  (registers the tables)
from storage.engine import create_engine, session_factory
from storage.migrate import upgrade

# Bytecode is cached for the suite's own processes (xdist workers, the bots it starts),
# as an installed package's is: where the environment sets PYTHONDONTWRITEBYTECODE, each
# of them compiled the whole project anew at start (20-30 s of the suite's CPU here).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

# `pytest tests/x.py` (up to this many files or test ids) runs in-process: starting the
# workers would cost more than it saves, and a debugger or `-s` output stays readable.
IN_PROCESS_UP_TO = 3


def pytest_configure(config: pytest.Config) -> None:
    """Markers of this conftest."""
    config.addinivalue_line(
        "markers",
        "migrated_store: database_url starts at the newest schema (the bot under test "
        "would migrate it at start)",
    )


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    """Accept pyproject's `--numprocesses=auto --dist=loadgroup` without pytest-xdist.

    With `-p no:xdist` (or a venv without the dev extra) pytest would refuse the options
    in addopts; here they are accepted and the suite runs in this process.
    """
    if pluginmanager.hasplugin("xdist"):
        return
    group = parser.getgroup("xdist-absent", "pytest-xdist not loaded: these are ignored")
    group.addoption("--numprocesses", dest="numprocesses", default=None)
    group.addoption("--dist", dest="dist", default="no")


@pytest.hookimpl(optionalhook=True)  # `-p no:xdist` does not know the hook
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """How many workers `-n auto` (pyproject's addopts) starts: none for a few named files."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own hook reads it
    named = config.args if config.args_source == pytest.Config.ArgsSource.ARGS else []
    few_files = 0 < len(named) <= IN_PROCESS_UP_TO
    if few_files and not any(Path(arg.partition("::")[0]).is_dir() for arg in named):
        return 0
    return None  # xdist's default: one worker per core


# Spread over workers, the suite ends when its longest tests do: these (real processes,
# the demo, hypothesis) go first, the many short ones fill in around them. Longest first.
SLOW_FIRST = (
    "test_demo_pictures",
    "test_e2e_crash",
    "test_demo",
    "test_ops_dead_replica",
    "test_ops_multiprocess",
    "test_lazy_imports",
    "test_ops_webhook_crash",
    "test_e2e_run_command",
    "test_ops_stop_signal",
    "test_flights_properties",
    "test_retention_locks",
    "test_fuzz_commands",
    "test_startup",
    "test_cli",
    "test_lazy_maps",
    "test_watch_fleet_refresh",
    "test_watch_import_cli",
    "test_flights_polling",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On xdist's workers, the tests of SLOW_FIRST before the others (same order on each)."""
    if not hasattr(config, "workerinput"):
        return  # in one process: file order
    rank = {name: n for n, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.stem, len(SLOW_FIRST)))


@pytest.fixture(autouse=True)
def _root_logger_left_as_found() -> Iterator[None]:
    """Take back what an in-process `summitwatch` command puts on the root logger.

    Its handler writes to the test's captured stderr, which is closed after the test;
    later log lines in the same process (a worker runs hundreds of tests) then failed
    with "Logging error ... I/O operation on closed file".
    """
    root = logging.getLogger()
    before, level = set(root.handlers), root.level
    yield
    # Exactly StreamHandler: pytest's own capture handlers are subclasses, and its own.
    added = [h for h in root.handlers if h not in before and type(h) is logging.StreamHandler]
    for handler in added:
        root.removeHandler(handler)
    if added:
        root.setLevel(level)


PG_URL = os.environ.get(
    "SUMMITWATCH_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


def _pg_dsn(database: str) -> str:
    url = make_url(PG_URL).set(drivername="postgresql", database=database)
    return url.render_as_string(hide_password=False)


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(_pg_dsn(make_url(PG_URL).database or "postgres"))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def create_pg_database(template: str | None = None) -> str:
    """A new, empty PostgreSQL database (or a copy of `template`); its URL.

    Fails the test if the server is down. PostgreSQL tests never skip silently: only
    SUMMITWATCH_SKIP_PG=1 outside CI turns them into visible skips.
    """
    name = f"summitwatch_test_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    try:
        await _admin(f'CREATE DATABASE "{name}"{copy}')
    except (OSError, asyncpg.PostgresError) as exc:
        if os.environ.get("SUMMITWATCH_SKIP_PG") == "1" and os.environ.get("CI") != "true":
            pytest.skip(f"PostgreSQL unreachable and SUMMITWATCH_SKIP_PG=1: {exc}")
        pytest.fail(f"PostgreSQL at {_pg_dsn('postgres')} is unreachable: {exc}")
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


async def drop_pg_database(url: str) -> None:
    """Drop a database made by `create_pg_database`, cutting its leftover connections."""
    name = make_url(url).database
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Dropping a database waits for the server to remove its files (half a second a test on
# a loaded machine): fixtures leave it to this thread, and the session waits at its end.
_DROPPER = ThreadPoolExecutor(1, thread_name_prefix="drop-pg-database")
_DROPS: list[Future[None]] = []


def drop_pg_database_later(url: str) -> None:
    """`drop_pg_database` on a thread of its own; the session waits for it at its end."""
    _DROPS.append(_DROPPER.submit(asyncio.run, drop_pg_database(url)))


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """An empty PostgreSQL database (tests that are about PostgreSQL only)."""
    url = await create_pg_database()
    try:
        yield url
    finally:
        drop_pg_database_later(url)


# Migrating a store takes Alembic 0.2-2 s (PostgreSQL: most of a storage test's time), so
# each test process migrates one store per backend once and tests that want a migrated
# store get a copy of it: the same schema and rows as migrating their own.
_MIGRATED: dict[str, str] = {}  # backend -> PostgreSQL database name or SQLite file


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


async def migrated_pg_database() -> str:
    """A new PostgreSQL database at the newest schema (a copy of this process's template)."""
    if "postgres" not in _MIGRATED:
        url = await create_pg_database()
        await _migrate(url)  # disposed: a template may have no open connection
        _MIGRATED["postgres"] = make_url(url).database or ""
    return await create_pg_database(template=_MIGRATED["postgres"])


@pytest.fixture
async def migrated_pg_url() -> AsyncIterator[str]:
    """A PostgreSQL database at the newest schema (tests about PostgreSQL, not migrating)."""
    url = await migrated_pg_database()
    try:
        yield url
    finally:
        drop_pg_database_later(url)


def copy_migrated_sqlite(path: Path) -> None:
    """Make `path` a new SQLite store at the newest schema (a copy of this process's template)."""
    if "sqlite" not in _MIGRATED:
        template = Path(tempfile.mkdtemp(prefix="summitwatch-store-")) / "store.db"
        # On a thread of its own: the caller may be inside a running event loop.
        with ThreadPoolExecutor(1) as thread:
            thread.submit(asyncio.run, _migrate(f"sqlite+aiosqlite:///{template}")).result()
        _MIGRATED["sqlite"] = str(template)
    template = Path(_MIGRATED["sqlite"])
    for suffix in ("", "-wal"):  # a WAL left behind holds committed pages too
        if Path(f"{template}{suffix}").exists():
            shutil.copyfile(f"{template}{suffix}", f"{path}{suffix}")


def migrate_if_new(database_url: str) -> None:
    """A SQLite file that does not exist yet becomes a migrated store (others are kept)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        copy_migrated_sqlite(Path(url.database))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Remove this process's test databases and migrated templates."""
    _DROPPER.shutdown(wait=True)
    for drop in _DROPS:
        drop.result()  # a database left behind is an error
    if "sqlite" in _MIGRATED:
        shutil.rmtree(Path(_MIGRATED.pop("sqlite")).parent, ignore_errors=True)
    if "postgres" in _MIGRATED:
        name = _MIGRATED.pop("postgres")
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    """Run a storage test once per supported database."""
    return str(request.param)


@pytest.fixture
async def database_url(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[str]:
    """An empty database of the requested backend.

    When the test also uses `engine`, which migrates this database before the test
    sees it, the database starts as a migrated copy and `engine` finds nothing to do;
    so does a test marked `migrated_store` (a bot it starts would migrate it first).
    """
    migrated = "engine" in request.fixturenames or bool(
        request.node.get_closest_marker("migrated_store")
    )
    if backend == "sqlite":
        path = tmp_path / "store.db"
        if migrated:
            copy_migrated_sqlite(path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    url = await (migrated_pg_database() if migrated else create_pg_database())
    try:
        yield url
    finally:
        drop_pg_database_later(url)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """A migrated engine on an empty database."""
    engine = create_engine(database_url)
    await upgrade(engine)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Session factory on the migrated engine."""
    return session_factory(engine)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    """A SQLite file URL for tests that only need some store."""
    yield f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"


async def table_names(engine: AsyncEngine) -> set[str]:
    """Tables present in the database (alembic's own excluded)."""
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda sync: set(sync.dialect.get_table_names(sync)))
    return names - {"alembic_version"}


async def count_rows(engine: AsyncEngine, table: str) -> int:
    """Rows in a table."""
    async with engine.connect() as connection:
        result = await connection.execute(text(f"SELECT COUNT(*) FROM {table}"))  # noqa: S608
        return int(result.scalar_one())


EXPECTED_TABLES = set(SQLModel.metadata.tables)
