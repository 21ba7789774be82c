"""Leader election on PostgreSQL advisory locks; leader-only jobs are no-ops elsewhere."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import text
from telegram.ext import Application, CallbackContext

from bot.runtime.leader import LEADER_LOCK_KEY, Leadership, gate_jobs
from bot.runtime.metrics import REGISTRY
from storage.engine import create_engine


async def _kill_lock_holder(url: str) -> int:
    """Terminate the backend holding the leader lock, as if its process had died."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
                    " AND ((classid::bigint << 32) | objid::bigint) = :key"
                    # This test's database only: other tests' bots on the server hold
                    # the same key in theirs.
                    " AND database = (SELECT oid FROM pg_database"
                    " WHERE datname = current_database())"
                ),
                {"key": LEADER_LOCK_KEY},
            )
            return len(result.all())
    finally:
        await engine.dispose()


async def test_one_leader_and_a_takeover_when_its_connection_drops(pg_url: str) -> None:
    first = Leadership(pg_url, retry_s=0.1, name="first")
    second = Leadership(pg_url, retry_s=0.1, name="second")
    try:
        assert await first.step()
        assert REGISTRY.get_sample_value("summitwatch_leader") == 1.0
        assert not await second.step()
        assert not await second.step()  # trying again does not take it either
        assert await first.step()  # the leader still holds it

        assert await _kill_lock_holder(pg_url) == 1
        assert await second.step()  # the lock went with the dead connection
        assert not await first.step()  # the old leader notices and steps down
        assert not await first.step()  # reconnected, but the lock is taken
        await second.close()  # a clean stop hands it over at the next try
        assert await first.step()
    finally:
        await first.close()
        await second.close()


async def test_sqlite_is_one_process_and_always_the_leader(sqlite_url: str) -> None:
    leadership = Leadership(sqlite_url, retry_s=0.1)
    assert leadership.single_process and leadership.is_leader
    stop = asyncio.Event()
    stop.set()
    await leadership.run(stop)  # nothing to elect: returns when stopped
    assert leadership.is_leader


async def test_gated_jobs_run_only_in_the_leader() -> None:
    application = Application.builder().token("123:abc").build()
    job_queue = application.job_queue
    assert job_queue is not None
    ran: list[str] = []

    async def poll(_context: CallbackContext[Any, Any, Any, Any]) -> None:
        ran.append("poll")

    async def mutes(_context: CallbackContext[Any, Any, Any, Any]) -> None:
        ran.append("mutes")

    job_queue.run_repeating(poll, interval=60, name="flight-poll")
    job_queue.run_repeating(mutes, interval=60, name="end-expired-mutes")
    leader = False
    gated = gate_jobs(job_queue, lambda: leader, everywhere={"end-expired-mutes"})
    assert gated == ["flight-poll"]
    jobs = {job.name: job for job in job_queue.jobs()}
    context = CallbackContext(application)
    for name in ("flight-poll", "end-expired-mutes"):
        await jobs[name].callback(context)
    assert ran == ["mutes"]
    leader = True
    await jobs["flight-poll"].callback(context)
    assert ran == ["mutes", "poll"]
