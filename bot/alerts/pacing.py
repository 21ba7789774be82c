"""Pace sends within Telegram's limits, before Telegram has to say 429.

Telegram allows about 30 messages per second overall, one per second in a chat and
20 per minute in a group, counted when the requests reach it. We cannot see that
moment, but we can bound it: a request reaches Telegram before its answer reaches us.
So a send is counted from when it starts until its answer returns (in flight), and
from then on at its *completion* time. A new send is allowed when, over the last
window, fewer than `limit` sends are in flight or completed. Telegram then sees at
most `limit` arrivals in any window however the network jitters, at the price of
one round trip per window (about 1% at a local Bot API server).

The per-chat second is advice that tolerates bursts ("We may allow short bursts that
go over this limit", Bot FAQ); the other two are hard. Alert fan-out keeps the second,
while a reply to the user's own command skips it (`per_chat=False`) and is only
counted in the chat's window, so an alert right after it still waits its second.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

#: How a component waits out time (`asyncio.sleep`, or a test's virtual clock's).
Sleep = Callable[[float], Awaitable[None]]

# Per-chat state is dropped once it can no longer delay anything, every so many sends.
FORGET_EVERY = 10_000


@dataclass(frozen=True)
class PaceLimits:
    """The limits to pace to; `overall` per second (1000 for paid broadcasts)."""

    overall: int = 30
    per_chat_interval_s: float = 1.0
    group_per_minute: int = 20
    # Clock granularity and scheduling slack only: jitter is covered by the design.
    margin_s: float = 0.005
    enabled: bool = True


def is_group(chat_id: int) -> bool:
    """Groups, supergroups and channels have negative ids."""
    return chat_id < 0


@dataclass
class _Window:
    """Completion times within a window plus sends still in flight."""

    done: deque[float] = field(default_factory=deque)
    in_flight: int = 0

    def used(self, now: float, length: float) -> int:
        while self.done and self.done[0] <= now - length:
            self.done.popleft()
        return len(self.done) + self.in_flight

    def free_at(self, length: float) -> float | None:
        """When the oldest completed send leaves the window (None: only in-flight ones)."""
        return self.done[0] + length if self.done else None


@dataclass
class Permit:
    """Permission for one send; `release()` when its answer (or error) is back."""

    pacer: SendPacer
    chat_id: int
    overall: bool
    released: bool = False

    def release(self) -> None:
        """Count the send at its completion time from now on."""
        if not self.released:
            self.released = True
            self.pacer._complete(self)


@dataclass
class SendPacer:
    """Awaitable permission to send one message to one chat.

    `clock` (seconds) is what the windows and pauses are measured on and `sleep` how a
    wait for them passes: the monotonic clock and asyncio's sleep (None), or a test's
    virtual clock, which then moves both.
    """

    limits: PaceLimits = field(default_factory=PaceLimits)
    clock: Callable[[], float] = time.monotonic
    sleep: Sleep | None = None
    _overall: _Window = field(default_factory=_Window)
    _chats: dict[int, _Window] = field(default_factory=dict)
    _groups: dict[int, _Window] = field(default_factory=dict)
    _paused_until: float = 0.0
    _chat_paused: dict[int, float] = field(default_factory=dict)
    _changed: asyncio.Event | None = None
    _records: int = 0
    #: Sends that had to wait for a window or a pause, and their total wait in seconds.
    held: int = 0
    held_s: float = 0.0

    def _wait(self, chat_id: int, now: float, overall: bool, per_chat: bool) -> float | None:
        """Seconds to wait (0: go now; None: until a send in flight completes)."""
        limits = self.limits
        waits = [self._paused_until - now, self._chat_paused.get(chat_id, 0.0) - now, 0.0]
        blocked_by_flight = False
        checks: list[tuple[_Window | None, int, float]] = []
        if per_chat:
            checks.append((self._chats.get(chat_id), 1, limits.per_chat_interval_s))
        if overall:
            checks.append((self._overall, limits.overall, 1.0))
        if is_group(chat_id):
            checks.append((self._groups.get(chat_id), limits.group_per_minute, 60.0))
        for window, limit, length in checks:
            if window is None:
                continue
            span = length + limits.margin_s
            if window.used(now, span) < limit:
                continue
            free_at = window.free_at(span)
            if free_at is None:
                blocked_by_flight = True
            else:
                waits.append(free_at - now)
        wait = max(waits)
        if wait > 0:
            return wait
        return None if blocked_by_flight else 0.0

    async def acquire(self, chat_id: int, *, overall: bool = True, per_chat: bool = True) -> Permit:
        """Wait until a send to `chat_id` is within every limit; it is then in flight.

        Edits count against the chat and group limits but not the overall one (`overall`
        False), as Telegram counts them. A reply to a command (`per_chat` False) skips the
        chat's one-per-second wait but still counts in the chat's window; the overall and
        group limits and any pause after a 429 hold it like any other send.
        """
        permit = Permit(self, chat_id, overall)
        if not self.limits.enabled:
            permit.released = True
            return permit
        started: float | None = None
        while True:
            now = self.clock()
            wait = self._wait(chat_id, now, overall, per_chat)
            if wait == 0.0:
                break
            started = now if started is None else started
            if wait is None:
                # Only sends in flight block us: their answers are what we wait for.
                await self._changed_event().wait()
            else:
                # A completion never shortens a time-based wait, so a plain sleep will do.
                await self.delay(wait)
        if started is not None:
            self.held += 1
            self.held_s += self.clock() - started
        if overall:
            self._overall.in_flight += 1
        self._chats.setdefault(chat_id, _Window()).in_flight += 1
        if is_group(chat_id):
            self._groups.setdefault(chat_id, _Window()).in_flight += 1
        return permit

    async def delay(self, seconds: float) -> None:
        """Wait `seconds` on the pacer's time."""
        await (self.sleep or asyncio.sleep)(seconds)

    def _changed_event(self) -> asyncio.Event:
        if self._changed is None:
            self._changed = asyncio.Event()
        return self._changed

    def _complete(self, permit: Permit) -> None:
        now = self.clock()
        windows = [self._chats[permit.chat_id]]
        if permit.overall:
            windows.append(self._overall)
        if is_group(permit.chat_id):
            windows.append(self._groups[permit.chat_id])
        for window in windows:
            window.in_flight -= 1
            window.done.append(now)
        self._records += 1
        if self._records % FORGET_EVERY == 0:
            self.forget_idle()
        if self._changed is not None:
            # Wake every waiter to re-check; each takes a fresh event next time.
            self._changed.set()
            self._changed = None

    def pause_chat(self, chat_id: int, seconds: float) -> None:
        """Telegram asked us to wait before writing to this chat again."""
        until = self.clock() + seconds
        self._chat_paused[chat_id] = max(self._chat_paused.get(chat_id, 0.0), until)

    def pause_all(self, seconds: float) -> None:
        """Telegram asked the whole bot to wait."""
        self._paused_until = max(self._paused_until, self.clock() + seconds)

    def forget_idle(self) -> None:
        """Drop per-chat state that can no longer delay anything, so memory stays flat."""
        now = self.clock()
        horizon = now - 61.0

        def idle(window: _Window) -> bool:
            return window.in_flight == 0 and (not window.done or window.done[-1] <= horizon)

        self._chats = {c: w for c, w in self._chats.items() if not idle(w)}
        self._groups = {c: w for c, w in self._groups.items() if not idle(w)}
        self._chat_paused = {c: t for c, t in self._chat_paused.items() if t > now}
