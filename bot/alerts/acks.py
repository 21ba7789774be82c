"""Record delivered alerts in batches: one transaction for many sends.

A send's slot is released only once its row is durably `sent`, so rows that were sent
but not yet recorded still count against the worker's concurrency: a crash repeats at
most `concurrency` messages, batching or not.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import outbox


@dataclass
class AckBatcher:
    """Collects (row id, Telegram message id) pairs and writes them together."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Callable[[], datetime]
    _pending: list[tuple[int, int | None, asyncio.Future[None]]] = field(default_factory=list)
    _flushing: asyncio.Task[None] | None = None

    async def ack(self, row_id: int, message_id: int | None) -> None:
        """Return once the row is recorded as sent."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((row_id, message_id, done))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush())
        await done

    async def _flush(self) -> None:
        # Let the sends that finish in this loop iteration join the batch.
        await asyncio.sleep(0)
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                async with self.sessions.begin() as session:
                    await outbox.mark_sent_many(
                        session, [(row_id, mid) for row_id, mid, _ in batch], now=self.clock()
                    )
            except Exception as exc:
                for _, _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for _, _, done in batch:
                if not done.done():
                    done.set_result(None)
