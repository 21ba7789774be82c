"""A new store prepared by a child process (bot.runtime.store_apart): it reaches the
newest revision with the shipped data, the bot never imports Alembic, failures read as
they did, and a child that dies leaves the migrations to the bot."""

from __future__ import annotations

import logging
import signal
import sqlite3
from collections.abc import Callable
from concurrent.futures import Executor
from pathlib import Path

import pytest
from alembic.util import CommandError

from bot.kernel.config import load_settings
from bot.runtime.startup import classify
from bot.runtime.store_apart import prepare_apart
from bot.watch.seed import load_people
from storage.engine import create_engine, session_factory
from storage.migrate import current_revision, head_revision
from storage.watchlist import all_people
from tests.fakes.telegram_api import FakeBotAPI
from tests.run_process import (
    dying_child,
    modules_reported,
    reporting_modules,
    run_environment,
    start_run,
)

TOKEN = "616161:MIGRATE-apart-secret-token"


async def _prepared_apart(url: str, **options: object) -> tuple[str | None, int]:
    """The revision and the number of people of the store after `prepare_apart`."""
    engine = create_engine(url)
    try:
        await prepare_apart(engine, fleet=True, **options)  # type: ignore[arg-type]
        async with session_factory(engine)() as session:
            people = len(await all_people(session))
        return await current_revision(engine), people
    finally:
        await engine.dispose()


async def test_a_new_sqlite_store_reaches_the_head_with_the_shipped_people(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    assert await _prepared_apart(url) == (head_revision(), len(load_people()))


async def test_a_new_postgresql_store_reaches_the_head_with_the_shipped_people(
    pg_url: str,
) -> None:
    assert await _prepared_apart(pg_url) == (head_revision(), len(load_people()))


async def test_a_store_from_a_newer_summitwatch_fails_as_before(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        db.execute("INSERT INTO alembic_version VALUES ('ffffffffffff')")
    url = f"sqlite+aiosqlite:///{path}"
    with pytest.raises(CommandError) as raised:
        await _prepared_apart(url)
    settings = load_settings(TELEGRAM_BOT_TOKEN=TOKEN, DATABASE_URL=url)
    failure = classify(raised.value, settings)
    assert failure is not None
    assert failure.message.startswith(
        "migrations: Can't locate revision identified by 'ffffffffffff'"
    )


async def test_the_first_start_of_run_leaves_alembic_out_of_the_bot(tmp_path: Path) -> None:
    database = tmp_path / "new.db"
    async with FakeBotAPI(token=TOKEN) as fake:
        env = {
            **run_environment(
                fake, f"sqlite+aiosqlite:///{database}", SUMMITWATCH_STATEMENTS_ENABLED="false"
            ),
            **reporting_modules(tmp_path, ["alembic", "mako"]),
        }
        process = await start_run(env, tmp_path)
        try:
            fake.user_message(5150, "/start")
            [reply] = await fake.wait_for_messages(5150, 1, timeout=60)
        finally:
            process.send_signal(signal.SIGINT)
            stdout, stderr = await process.communicate()
    output = (stdout + stderr).decode()
    assert process.returncode == 0, output
    assert reply.plain_text
    assert "could not prepare the store" not in output
    with sqlite3.connect(database) as db:
        [(revision,)] = db.execute("SELECT version_num FROM alembic_version").fetchall()
    assert revision == head_revision()
    loaded = modules_reported(tmp_path)
    assert loaded[process.pid] == {"alembic": False, "mako": False}  # the bot
    assert {"alembic": True, "mako": True} in loaded.values()  # the child that migrated


def _no_child() -> Executor:
    # What a system without POSIX semaphores (no /dev/shm) answers to a process pool.
    raise OSError(38, "Function not implemented")


@pytest.mark.parametrize(
    ("pool", "said"),
    [
        (dying_child, "A process in the process pool was terminated abruptly"),
        # Not read as the store's failure: there is no child to be had.
        (_no_child, "cannot start a child process: [Errno 38] Function not implemented"),
    ],
)
async def test_without_a_working_child_the_bot_migrates(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    pool: Callable[[], Executor],
    said: str,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    with caplog.at_level(logging.WARNING, logger="bot.runtime.store_apart"):
        revision, _ = await _prepared_apart(url, pool=pool)
    assert revision == head_revision()  # the bot seeds next, as on any start
    assert "could not prepare the store in a child process" in caplog.text
    assert said in caplog.text
