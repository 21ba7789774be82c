"""Live updates: one reader of the store per process, fanned out to every open page.

Every SUMMITWATCH_WEBAPP_LIVE_S the hub reads the positions and flight events stored
since its mark (`storage.live_changes`), whichever process stored them, and hands the
batch to each subscriber's queue; a page that falls behind loses old batches, not the
newest (it reloads the fleet when told it missed some).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.webapp.data import position_json
from storage.flight_records import EventRecord, Fix
from storage.live_changes import Mark, current_mark, events_after, positions_after

log = logging.getLogger("summitwatch.webapp")
QUEUE_BATCHES = 16


def _position(fix: Fix) -> dict[str, Any]:
    return {"hex": fix.hex} | (position_json(fix) or {})


def _event(event: EventRecord) -> dict[str, Any]:
    return {
        "hex": event.hex,
        "kind": event.kind,
        "ts": event.ts.isoformat(),
        "airport": event.airport_icao,
        "confidence": event.confidence,
    }


def batch(fixes: list[Fix], events: list[EventRecord], now: datetime) -> dict[str, Any]:
    """One update: each aircraft's newest position of the batch, and the new events."""
    newest: dict[str, Fix] = {}
    for fix in fixes:
        newest[fix.hex] = fix
    as_of = max((f.ts for f in fixes), default=None)
    return {
        "sent_at": now.isoformat(),
        "as_of": as_of.isoformat() if as_of else None,
        "positions": [_position(f) for f in newest.values()],
        "events": [_event(e) for e in events],
    }


@dataclass
class LiveHub:
    """Reads the store's news and fans it out; `run` until stopped."""

    sessions: async_sessionmaker[AsyncSession]
    interval_s: float
    clock: Callable[[], datetime]
    _subscribers: set[asyncio.Queue[dict[str, Any]]] = field(default_factory=set)
    _mark: Mark | None = None

    def subscribe(self) -> asyncio.Queue[dict[str, Any]]:
        """A queue that receives every batch from now on."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_BATCHES)
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        """Stop sending to `queue`."""
        self._subscribers.discard(queue)

    async def step(self) -> dict[str, Any] | None:
        """Read what arrived since the last step and send it; the batch, or None."""
        async with self.sessions() as session:
            if self._mark is None:
                self._mark = await current_mark(session)
                return None
            fixes, position_id = await positions_after(session, self._mark)
            events = await events_after(session, self._mark)
        event_id = max((e.id for e in events), default=self._mark.event_id)
        self._mark = Mark(position_id=position_id, event_id=event_id)
        if not fixes and not events:
            return None
        update = batch(fixes, events, self.clock())
        for queue in list(self._subscribers):
            if queue.full():
                # Behind: drop its oldest batch and say so, the page reloads the fleet.
                queue.get_nowait()
                queue.put_nowait(update | {"missed": True})
            else:
                queue.put_nowait(update)
        return update

    async def run(self, stop: asyncio.Event) -> None:
        """Step every interval until `stop` is set; a failing store is retried."""
        while not stop.is_set():
            # Always, so the mark keeps up and the first page to open gets no backlog.
            try:
                await self.step()
            except (OSError, SQLAlchemyError) as exc:
                log.warning("live updates: store unavailable: %s", type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.interval_s)
