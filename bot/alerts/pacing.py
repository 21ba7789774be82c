"""Pace sends within Telegram's limits, before Telegram has to say 429.

Telegram allows about 30 messages per second overall, one per second in a chat and
20 per minute in a group. AIORateLimiter (a leaky bucket) covers the overall and
group limits loosely and not the per-chat one, so delivery paces itself with sliding
windows: a send is allowed when the last second holds fewer than `overall` sends,
the chat's last send is more than a second ago, and the group's last minute holds
fewer than 20. A small margin absorbs the time a request takes to reach Telegram.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PaceLimits:
    """The limits to pace to; `overall` per second (1000 for paid broadcasts)."""

    overall: int = 30
    per_chat_interval_s: float = 1.0
    group_per_minute: int = 20
    # Sends are stamped here before the request is made and by Telegram on arrival;
    # the margin covers that gap so our window never holds one send more than theirs.
    margin_s: float = 0.03
    enabled: bool = True


# Per-chat state is dropped once it can no longer delay anything, every so many sends.
FORGET_EVERY = 10_000


def is_group(chat_id: int) -> bool:
    """Groups, supergroups and channels have negative ids."""
    return chat_id < 0


@dataclass
class SendPacer:
    """Awaitable permission to send one message to one chat."""

    limits: PaceLimits = field(default_factory=PaceLimits)
    clock: Callable[[], float] = time.monotonic
    _overall: deque[float] = field(default_factory=deque)
    _chat_last: dict[int, float] = field(default_factory=dict)
    _groups: dict[int, deque[float]] = field(default_factory=dict)
    _paused_until: float = 0.0
    _chat_paused: dict[int, float] = field(default_factory=dict)
    _records: int = 0

    def _wait(self, chat_id: int, now: float, overall: bool = True) -> float:
        limits = self.limits
        waits = [self._paused_until - now, self._chat_paused.get(chat_id, 0.0) - now]
        window = 1.0 + limits.margin_s
        while self._overall and self._overall[0] <= now - window:
            self._overall.popleft()
        if overall and len(self._overall) >= limits.overall:
            waits.append(self._overall[0] + window - now)
        last = self._chat_last.get(chat_id)
        if last is not None:
            waits.append(last + limits.per_chat_interval_s + limits.margin_s - now)
        if is_group(chat_id):
            sends = self._groups.get(chat_id)
            minute = 60.0 + limits.margin_s
            while sends and sends[0] <= now - minute:
                sends.popleft()
            if sends and len(sends) >= limits.group_per_minute:
                waits.append(sends[0] + minute - now)
        return max(waits)

    def _record(self, chat_id: int, now: float, overall: bool = True) -> None:
        if overall:
            self._overall.append(now)
        self._chat_last[chat_id] = now
        if is_group(chat_id):
            self._groups.setdefault(chat_id, deque()).append(now)
        self._records += 1
        if self._records % FORGET_EVERY == 0:
            self.forget_idle()

    async def acquire(self, chat_id: int, *, overall: bool = True) -> None:
        """Wait until a message to `chat_id` is within every limit, then count it.

        Edits count against the chat and group limits but not the overall one (`overall`
        False), as Telegram counts them.
        """
        if not self.limits.enabled:
            return
        while True:
            now = self.clock()
            wait = self._wait(chat_id, now, overall)
            if wait <= 0:
                self._record(chat_id, now, overall)
                return
            await asyncio.sleep(wait)

    def delay(self, chat_id: int) -> float:
        """Seconds until `chat_id` may be sent to (0 when now)."""
        return max(0.0, self._wait(chat_id, self.clock())) if self.limits.enabled else 0.0

    def pause_chat(self, chat_id: int, seconds: float) -> None:
        """Telegram asked us to wait before writing to this chat again."""
        self._chat_paused[chat_id] = max(
            self._chat_paused.get(chat_id, 0.0), self.clock() + seconds
        )

    def pause_all(self, seconds: float) -> None:
        """Telegram asked the whole bot to wait."""
        self._paused_until = max(self._paused_until, self.clock() + seconds)

    def forget_idle(self) -> None:
        """Drop per-chat state older than a minute so memory stays flat across fan-outs."""
        horizon = self.clock() - 61.0
        self._chat_last = {c: t for c, t in self._chat_last.items() if t > horizon}
        self._groups = {c: q for c, q in self._groups.items() if q and q[-1] > horizon}
        self._chat_paused = {c: t for c, t in self._chat_paused.items() if t > self.clock()}
