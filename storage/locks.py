"""PostgreSQL session-level advisory locks, on a connection the caller holds open."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection


async def try_advisory_lock(connection: AsyncConnection, key: int) -> bool:
    """Take the lock `key` for this connection's session if nobody holds it; never waits.

    The lock lasts until it is released or the session ends, so a process that dies
    (its connection drops) frees it without anyone's help. Taking it again on the
    same session succeeds and stacks: call it only while not holding it.
    """
    result = await connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
    return bool(result.scalar_one())


async def holds_advisory_lock(connection: AsyncConnection, key: int) -> bool:
    """Whether this connection's session holds the lock `key` (a round trip: also a ping)."""
    result = await connection.execute(
        text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND pid = pg_backend_pid() AND objsubid = 1 "  # 1: a single bigint key
            "AND ((classid::bigint << 32) | objid::bigint) = :key"
        ),
        {"key": key},
    )
    return int(result.scalar_one()) > 0


async def advisory_lock(connection: AsyncConnection, key: int) -> None:
    """Take the lock `key` for this connection's session, waiting for whoever holds it."""
    await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})


async def advisory_unlock(connection: AsyncConnection, key: int) -> None:
    """Release the lock `key` taken on this connection's session."""
    await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
