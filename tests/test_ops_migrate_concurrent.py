"""Processes starting together on an empty PostgreSQL database migrate it once, in turn."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.runtime.leader import startup_lock
from storage.engine import create_engine
from storage.migrate import current_revision, head_revision, upgrade
from tests.conftest import create_pg_database, drop_pg_database


async def test_concurrent_upgrades_wait_for_each_other() -> None:
    url = await create_pg_database()
    engines = [create_engine(url) for _ in range(3)]
    try:
        # As three replicas starting at once would: without the lock, two of them
        # create the same tables and one fails.
        await asyncio.gather(*(upgrade(engine) for engine in engines))
        assert {await current_revision(engine) for engine in engines} == {head_revision()}
    finally:
        for engine in engines:
            await engine.dispose()
        await drop_pg_database(url)


async def test_start_up_writes_take_turns() -> None:
    url = await create_pg_database()
    engines = [create_engine(url) for _ in range(2)]
    order: list[str] = []
    first_inside = asyncio.Event()

    async def start(name: str, engine: AsyncEngine, hold: asyncio.Event | None) -> None:
        async with startup_lock(engine):
            order.append(f"{name} in")
            if hold is not None:
                first_inside.set()
                await asyncio.sleep(0.3)  # the second waits at the lock meanwhile
            order.append(f"{name} out")

    try:
        first = asyncio.create_task(start("first", engines[0], first_inside))
        await first_inside.wait()
        await asyncio.gather(first, start("second", engines[1], None))
        assert order == ["first in", "first out", "second in", "second out"]
    finally:
        for engine in engines:
            await engine.dispose()
        await drop_pg_database(url)
