"""The retention job: settings to a policy, one run, one log line."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.kernel.config import Settings
from storage.retention import RetentionPolicy, RetentionResult, apply_retention
from storage.types import utcnow

log = logging.getLogger("summitwatch.retention")


def policy(settings: Settings) -> RetentionPolicy:
    """The retention policy the settings describe."""
    return RetentionPolicy(
        keep=timedelta(days=settings.position_retention_days),
        downsample_after=timedelta(hours=settings.position_downsample_after_hours),
        bucket_s=settings.position_downsample_seconds,
        batch=settings.retention_batch,
    )


async def run_retention(
    settings: Settings, engine: AsyncEngine, *, now: datetime | None = None
) -> RetentionResult:
    """Prune and downsample positions once; idempotent, safe in several processes at once."""
    result = await apply_retention(engine, policy(settings), now=now or utcnow())
    # What it locked: on SQLite each write transaction holds the one write lock.
    log.info(
        "retention: pruned %d positions, downsampled away %d, thinned up to %s; "
        "%d write transactions, the longest %.0f ms",
        result.pruned,
        result.downsampled,
        result.done_until.isoformat() if result.done_until else "-",
        result.transactions,
        result.longest_write_s * 1000,
    )
    return result
