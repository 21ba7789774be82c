"""A new or outdated store prepared by a child process: migrations, then the shipped data.

Alembic and mako, once imported, stay for the life of a process, and seeding a new store
(the shipped people, the fleet, the venues: parsed, written, let go) leaves its garbage
spread over the heap: a bot whose start migrated its store (its first start, the first
after an upgrade) held 13 MB more than a restarted one for as long as it ran.
`prepare_apart` has a spawned child open the same database, run the migrations and seed
the shipped data, then exit; the bot then seeds as on any restart, finding it done. A
schema already at the newest revision needs no child.

What the child raises (a revision Alembic cannot locate, the store's own errors) is
raised here, so start-up describes it as it always did. A child that cannot be started
or dies leaves the migrations to this process, with a warning; so does a store that
lives in this process's memory (`sqlite://`), which a child cannot reach.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.kernel.children import one_child, run_apart
from bot.venues.seed import seed_venues
from bot.watch.fleet_seed import seed_fleet
from bot.watch.seed import seed_watchlist
from storage.engine import create_engine, session_factory
from storage.migrate import current_revision, head_revision, upgrade

log = logging.getLogger(__name__)


async def seed_shipped(sessions: async_sessionmaker[AsyncSession], *, fleet: bool) -> None:
    """The shipped people, fleet (`fleet`: SUMMITWATCH_FLEET_SEED) and venues, each
    idempotent: a store that has them is left as it is."""
    await seed_watchlist(sessions)
    if fleet:
        # After the people: the fleet's believed links name them.
        await seed_fleet(sessions)
    await seed_venues(sessions)


async def prepare_apart(
    engine: AsyncEngine, *, fleet: bool, pool: Callable[[], Executor] = one_child
) -> None:
    """Migrate `engine`'s database to the newest revision and seed it, in a child, when
    its schema is not the newest; nothing otherwise.

    Args:
        engine: the bot's engine; its URL (password included) is handed to the child.
        fleet: seed the shipped fleet too (SUMMITWATCH_FLEET_SEED).
        pool: where the work runs: a one-process pool, shut down after.
    """
    if await current_revision(engine) == head_revision():
        return
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        await upgrade(engine)
        return
    try:
        url_text = url.render_as_string(hide_password=False)
        await asyncio.to_thread(run_apart, pool, prepare, url_text, fleet)
    except BrokenProcessPool as error:
        log.warning(
            "could not prepare the store in a child process (%s); migrating it here,"
            " which keeps Alembic loaded",
            error,
        )
        await upgrade(engine)


def prepare(url: str, fleet: bool) -> None:
    """Migrate and seed the database at `url` (in the child)."""

    async def run() -> None:
        engine = create_engine(url)
        try:
            await upgrade(engine)
            await seed_shipped(session_factory(engine), fleet=fleet)
        finally:
            await engine.dispose()

    asyncio.run(run())
