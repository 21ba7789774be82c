"""Leader election: one process polls the sources, every process answers and delivers.

On PostgreSQL the leader is the process whose own connection holds a session-level
advisory lock (`pg_try_advisory_lock`). The connection is kept for the process's
life; when the process dies its connection drops and PostgreSQL frees the lock, and
a follower, which tries again every `retry_s`, takes it. The leader checks its
connection just as often and steps down as soon as it is gone, before anyone else
can hold the lock for longer than one retry. On SQLite there is one process, so it
is always the leader.

Jobs of the scheduler run in every process (APScheduler's job stores are in memory,
never shared); `gate_jobs` makes the source-polling ones do nothing in followers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import AsyncIterator, Callable, Collection
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import NullPool
from telegram.ext import CallbackContext, JobQueue

from bot.runtime import metrics
from storage.engine import create_engine
from storage.locks import advisory_lock, advisory_unlock, holds_advisory_lock, try_advisory_lock

log = logging.getLogger("summitwatch.leader")

# "summitwatch source polling" as one fixed 63-bit key; advisory locks are per
# database, so two deployments on one server do not meet.
LEADER_LOCK_KEY = 0x5357_504F_4C4C  # "SWPOLL"


class Leadership:
    """Whether this process is the leader, kept true by `run` until `stop` is set."""

    def __init__(self, database_url: str, *, retry_s: float, name: str | None = None) -> None:
        self._url = database_url
        self._retry_s = retry_s
        self._name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.single_process = database_url.startswith("sqlite")
        self._leader = self.single_process
        self._announced = False
        self._engine: AsyncEngine | None = None
        self._connection: AsyncConnection | None = None
        self.changed = asyncio.Event()
        metrics.LEADER.set(1 if self._leader else 0)

    @property
    def is_leader(self) -> bool:
        """True while this process may poll the sources."""
        return self._leader

    def _set(self, leader: bool, why: str) -> None:
        if leader == self._leader:
            return
        self._leader = leader
        metrics.LEADER.set(1 if leader else 0)
        self.changed.set()
        self.changed = asyncio.Event()
        if leader:
            log.info("leader: this process %s polls the sources (%s)", self._name, why)
        else:
            log.warning(
                "follower: this process %s stopped polling the sources (%s)", self._name, why
            )

    async def run(self, stop: asyncio.Event) -> None:
        """Try for the lock every `retry_s` (and hold it) until `stop`; then let it go."""
        if self.single_process:
            log.info("leader: single-process store, this process polls the sources")
            await stop.wait()
            return
        try:
            while not stop.is_set():
                try:
                    await self.step()
                except Exception:
                    # Whatever went wrong, a process unsure of its lock must not poll.
                    log.exception("leader election round failed")
                    await self._drop("election round failed")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self._retry_s)
        finally:
            await self.close()

    async def step(self) -> bool:
        """One round: take the lock if free, or check that we still hold it."""
        try:
            connection = await self._connect()
            if self._leader:
                if not await holds_advisory_lock(connection, LEADER_LOCK_KEY):
                    await self._drop("the lock is no longer held")
            elif await try_advisory_lock(connection, LEADER_LOCK_KEY):
                self._set(True, "took the advisory lock")
            elif not self._announced:
                log.info(
                    "follower: this process %s answers and delivers; another polls the sources "
                    "(trying for the lock every %gs)",
                    self._name,
                    self._retry_s,
                )
            self._announced = True
        except (OSError, SQLAlchemyError) as exc:
            # A dropped connection means PostgreSQL may already have freed the lock.
            await self._drop(f"lock connection lost: {type(exc).__name__}")
        return self._leader

    async def _connect(self) -> AsyncConnection:
        if self._connection is None:
            if self._engine is None:
                # Its own connection, outside the pool: the lock lives and dies with it.
                self._engine = create_engine(self._url, poolclass=NullPool)
            connection = await self._engine.connect()
            self._connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        return self._connection

    async def _drop(self, why: str) -> None:
        self._set(False, why)
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await connection.close()
            except (OSError, SQLAlchemyError):
                log.debug("closing a broken lock connection failed", exc_info=True)

    async def close(self) -> None:
        """Give the lock up (closing the session frees it) and the connection with it."""
        await self._drop("stopping")
        engine, self._engine = self._engine, None
        if engine is not None:
            await engine.dispose()


def gate_jobs(
    job_queue: JobQueue[Any], is_leader: Callable[[], bool], *, everywhere: Collection[str]
) -> list[str]:
    """Make every scheduled job not named in `everywhere` a no-op outside the leader.

    Features schedule their pollers as usual; this wraps them afterwards, so a
    new source job is leader-only unless it is listed. Returns the gated names.
    """
    gated = []
    for job in job_queue.jobs():
        if job.name in everywhere:
            continue
        job.callback = _leader_only(job.callback, is_leader)
        gated.append(job.name or "?")
    return gated


def _leader_only(
    callback: Callable[[CallbackContext[Any, Any, Any, Any]], Any], is_leader: Callable[[], bool]
) -> Callable[[CallbackContext[Any, Any, Any, Any]], Any]:
    async def job(context: CallbackContext[Any, Any, Any, Any]) -> None:
        if is_leader():
            await callback(context)

    return job


# "SWSTRT": held while a process migrates and seeds the store at start.
STARTUP_LOCK_KEY = 0x5357_5354_5254


@contextlib.asynccontextmanager
async def startup_lock(engine: AsyncEngine) -> AsyncIterator[None]:
    """One process at a time through start-up's writes (migrations, seeding) on PostgreSQL.

    Replicas started together on an empty database would otherwise insert the same
    shipped rows at once and all but one would fail. SQLite has one process: no lock.
    """
    if engine.dialect.name != "postgresql":
        yield
        return
    async with engine.connect() as connection:
        locked = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await advisory_lock(locked, STARTUP_LOCK_KEY)
        try:
            yield
        finally:
            await advisory_unlock(locked, STARTUP_LOCK_KEY)
