"""The migrations of a bot's start-up, run by a child process.

Alembic and mako, once imported, stay for the life of a process: a bot that migrated
its store at start (its first start, the first after an upgrade) held about 13 MB more
for as long as it ran. `upgrade_apart` has a spawned child open the same database and
run the migrations (`storage.migrate.upgrade`), then exit; the bot never imports them.
A schema already at the newest revision is left alone without a child, as before.

What the child raises (a revision Alembic cannot locate, the store's own errors) is
raised here, so start-up describes it as it always did. A child that cannot be started
or dies leaves the migration to this process, with a warning; so does a store that
lives in this process's memory (`sqlite://`), which a child cannot reach.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import create_engine
from storage.migrate import current_revision, head_revision, upgrade

log = logging.getLogger(__name__)


def one_child() -> Executor:
    """A pool of one spawned process (a fresh interpreter: no fork of a threaded bot)."""
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))


async def upgrade_apart(engine: AsyncEngine, *, pool: Callable[[], Executor] = one_child) -> None:
    """Bring the schema of `engine`'s database to the newest revision, in a child.

    Args:
        engine: the bot's engine; its URL (password included) is handed to the child.
        pool: where the migration runs: a one-process pool, shut down after.
    """
    if await current_revision(engine) == head_revision():
        return
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        await upgrade(engine)
        return
    try:
        await asyncio.to_thread(_in_child, url.render_as_string(hide_password=False), pool)
    except BrokenProcessPool as error:
        log.warning(
            "could not run the migrations in a child process (%s); running them here,"
            " which keeps Alembic loaded",
            error,
        )
        await upgrade(engine)


def _in_child(url: str, pool: Callable[[], Executor]) -> None:
    with pool() as executor:
        executor.submit(migrate, url).result()


def migrate(url: str) -> None:
    """Run the migrations of the database at `url` to the newest (in the child)."""

    async def run() -> None:
        engine = create_engine(url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(run())
