"""How updates flow from Telegram to the handlers: order, concurrency, backpressure.

PTB handles one update at a time by default, so a slow command in one chat holds up
every other chat; with plain `concurrent_updates` two commands of one chat (/lang,
then /help) could be answered out of order. `ChatOrderedProcessor` does both: up to
`max_concurrent_updates` at once, one at a time per chat (or per user when an
update has no chat), in the order they arrived (the locks are FIFO).

`BacklogQueue` bounds the updates taken in but not yet handled. PTB's webhook answers
Telegram as soon as an update is queued; without a bound, a burst piles up in memory,
handlers starve behind the parsing of new requests, and a crash loses every
acknowledged update still waiting. With it, the webhook's answer waits for room, so
Telegram (which keeps at most `max_connections` requests open) slows down instead.

In webhook mode the answer also waits until the update was handled
(`ack_after_handling`): Telegram re-sends an update it got no answer for, so an update
that a crash or a kill interrupts is handled again, by this process after a restart or
by another replica, instead of being lost. The price is at-least-once: a command cut
off after its reply went out is answered twice. Long polling keeps acknowledging on
receipt: its fetch loop puts updates one by one and would otherwise run them one by one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def order_key(update: object) -> int | None:
    """The chat (else the user) whose updates must stay in order; None for neither."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


class BacklogQueue(asyncio.Queue[object]):
    """PTB's update queue, whose `put` waits while `limit` updates are queued or in hand.

    An update counts from `put` until the application calls `task_done` for it
    (after its handlers finished).
    """

    def __init__(self, limit: int, *, ack_after_handling: bool = False) -> None:
        super().__init__()
        self.limit = limit
        self.open = 0
        self.ack_after_handling = ack_after_handling
        self._room = asyncio.Event()
        self._room.set()
        # By id(): an update object stays the same from `put` until it is handled.
        self._handling: dict[int, asyncio.Future[None]] = {}

    async def put(self, item: object) -> None:
        """Queue an update; with `ack_after_handling`, return only once it was handled."""
        while self.open >= self.limit:
            self._room.clear()
            await self._room.wait()
        if not (self.ack_after_handling and isinstance(item, Update)):
            self.put_nowait(item)
            return
        handled = asyncio.get_running_loop().create_future()
        self._handling[id(item)] = handled
        self.put_nowait(item)
        try:
            await handled
        finally:
            self._handling.pop(id(item), None)

    def handled(self, item: object) -> None:
        """The application finished `item` (successfully or not): its `put` may return."""
        waiting = self._handling.pop(id(item), None)
        if waiting is not None and not waiting.done():
            waiting.set_result(None)

    def put_nowait(self, item: object) -> None:
        super().put_nowait(item)
        self.open += 1

    def task_done(self) -> None:
        super().task_done()
        self.open = max(0, self.open - 1)
        if self.open < self.limit:
            self._room.set()


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Concurrent across chats, sequential within one chat."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = order_key(update)
        if key is None:
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            # Forget idle chats, so the map holds only chats with updates in hand.
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
