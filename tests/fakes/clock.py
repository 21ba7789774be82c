"""A virtual clock for tests: the bot's `Clock` (an aware datetime) and a sleep on it.

Time moves only when the test lets it. With `autojump` on (`running()` starts the task
that does it), the clock jumps to the earliest pending sleep's deadline once the tasks
the previous jump woke are waiting for time again or have finished, so a test waits for
no real seconds where it waits for time, and what is due in the same order is woken in
that order. A woken task that waits for something else (an HTTP answer, the store)
holds the next jump back for at most `settle_s` real seconds.

A sleep wrapped in a task of its own (the delivery worker's idle poll, raced by
`asyncio.wait` against events and sends) is not the task that works once it ends:
woken by the clock, the wrapper finishes at once while the worker begins its work;
cancelled because an event or a send came first, it leaves a worker that is busy
without having been woken by the clock at all. Either way such a finished task holds
the next jump until some task sleeps again (the worker's next idle poll) or `settle_s`
has passed; without that, time jumped to the next far deadline (an hour-long lease's
heartbeat) in the middle of the worker's work.

Deadlines are rounded up to a tick of 1/64 s (15.625 ms, a whole number of microseconds
and an exact binary fraction), so the datetimes are exact and `seconds()`, the float
clock of the fakes and of the pacer, subtracts exactly: a wait of one second measures
one second, not 0.9999999.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

TICKS_PER_S = 64
_REAL_SLEEP = asyncio.sleep  # this module's own real waits, whatever a test patches
_GAP_S = 0.002  # real time between two jumps: lets work that needs no time interleave
_STEP_WAIT_S = 5.0  # real time `step` waits for the sleep to move to


class VirtualClock:
    """Virtual time from `start` (default: the real time now), moved by `advance` or autojump."""

    # settle_s bounds how long a woken task's real work (a store write, an HTTP answer) holds
    # time still. At 0.5 s a delivery heartbeat's renewal, slow in a loaded parallel run,
    # saw time jump past its leases, and alerts of one chat went out of order.
    def __init__(self, start: datetime | None = None, *, settle_s: float = 2.0) -> None:
        self.start = start if start is not None else datetime.now(UTC)
        self.settle_s = settle_s
        self.autojump = True
        self._ticks = 0
        self._order = itertools.count()
        self._sleepers: list[tuple[int, int, asyncio.Future[None]]] = []
        self._tasks: dict[asyncio.Future[None], asyncio.Task[object] | None] = {}
        # Tasks the clock woke (or whose sleep was cancelled): when (real time), and how
        # many sleeps had begun then. The next jump waits for them.
        self._woken: dict[asyncio.Task[object], tuple[float, int]] = {}
        self._sleeps_begun = 0

    def __call__(self) -> datetime:
        """The current virtual time (the bot's `Clock`)."""
        return self.now

    @property
    def now(self) -> datetime:
        return self.start + timedelta(microseconds=self._ticks * 1_000_000 // TICKS_PER_S)

    def seconds(self) -> float:
        """Virtual seconds since `start`: the float clock of the fakes and of the pacer."""
        return self._ticks / TICKS_PER_S

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of virtual time (the bot's `Sleep`)."""
        task = asyncio.current_task()
        if task is not None:
            self._woken.pop(task, None)  # waiting for time again: settled
        self._sleeps_begun += 1
        if seconds <= 0:
            await _REAL_SLEEP(0)
            return
        due = self._ticks + max(1, math.ceil(seconds * TICKS_PER_S - 1e-9))
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (due, next(self._order), future))
        self._tasks[future] = task
        try:
            await future
        except asyncio.CancelledError:
            if task is not None:  # something else came first: its waiter is at work
                self._woken[task] = (time.monotonic(), self._sleeps_begun)
            raise
        finally:
            self._tasks.pop(future, None)

    def advance(self, seconds: float) -> None:
        """Move time forward by `seconds`, waking every sleep due by then, earliest first."""
        self._jump_to(self._ticks + math.ceil(seconds * TICKS_PER_S - 1e-9))

    def _next_due(self) -> int | None:
        while self._sleepers and self._sleepers[0][2].done():  # cancelled sleeps
            heapq.heappop(self._sleepers)
        return self._sleepers[0][0] if self._sleepers else None

    def _jump_to(self, ticks: int) -> None:
        woken_at = time.monotonic()
        while (due := self._next_due()) is not None and due <= ticks:
            _, _, future = heapq.heappop(self._sleepers)
            self._ticks = max(self._ticks, due)
            future.set_result(None)
            task = self._tasks.get(future)
            if task is not None:
                self._woken[task] = (woken_at, self._sleeps_begun)
        self._ticks = max(self._ticks, ticks)

    def _settled(self) -> bool:
        now = time.monotonic()
        for task, (woken_at, sleeps_then) in list(self._woken.items()):
            finished = task.done() and self._sleeps_begun > sleeps_then
            if finished or now - woken_at > self.settle_s:
                del self._woken[task]
        return not self._woken

    async def _autojump(self) -> None:
        while True:
            await _REAL_SLEEP(_GAP_S)
            if not self.autojump or not self._settled():
                continue
            due = self._next_due()
            if due is not None:
                self._jump_to(due)

    async def step(self, *, before: float) -> None:
        """Wait (real time, 5 s at most) until a sleep due before `before` (virtual seconds
        since `start`) is pending, then move time to its deadline."""
        limit = math.ceil(before * TICKS_PER_S - 1e-9)
        async with asyncio.timeout(_STEP_WAIT_S):
            while (due := self._next_due()) is None or due >= limit:
                await _REAL_SLEEP(_GAP_S)
        self._jump_to(due)

    async def run_for(self, seconds: float) -> None:
        """Let time run (autojump) for `seconds` of virtual time, then stop it again."""
        self.autojump = True
        try:
            await self.sleep(seconds)
        finally:
            self.autojump = False

    @asynccontextmanager
    async def running(self) -> AsyncIterator[VirtualClock]:
        """The clock with its autojump task, for the block."""
        jumper = asyncio.create_task(self._autojump(), name="virtual-clock")
        try:
            yield self
        finally:
            jumper.cancel()
            await asyncio.gather(jumper, return_exceptions=True)
