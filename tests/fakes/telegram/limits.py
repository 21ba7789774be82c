"""Sliding-window flood control for the fake Telegram Bot API.

Telegram documents its limits only loosely ("about 30 messages per second", "no more than one
message per second in a single chat", "no more than 20 messages per minute in the same
group") and enforces them with ``429 Too Many Requests: retry after N``. The fake turns them
into exact, testable rules:

* Every limit is a sliding window: a send is refused when, counting only sends that were
  *accepted* during the last ``window`` seconds (timestamps ``t`` with ``now - t < window``),
  ``limit`` sends have already been accepted. Refused sends never enter a window, so a bot
  that retries too early does not push its own deadline further away.
* ``retry_after`` is the whole number of seconds, rounded up and at least 1, until the oldest
  send that still blocks leaves its window; sending after that long is guaranteed to succeed
  as far as that window is concerned.
* When several windows refuse a send, the answer carries the largest ``retry_after``.

Within one chat Telegram asks for no more than one message per second but "may allow short
bursts that go over this limit" (Bot FAQ) before it answers 429. That is a token bucket: a
chat holds up to ``burst`` sends, refilled at the sustained rate, and a send needs a whole
token (:class:`TokenBucket`). Telegram does not publish the burst size; the fake's default
is an assumption, see :mod:`tests.fakes.telegram.api`.

The windows are checked and updated without awaiting anything, so concurrent requests on the
event loop cannot overtake each other between check and accept. All bookkeeping is O(1)
amortised per send: each window is a deque from which expired timestamps are popped.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Protocol

from .objects import MESSAGE_METHODS, ApiError

__all__ = ["FloodControl", "FloodSettings", "SlidingWindow", "TokenBucket", "retry_after_for"]


class SlidingWindow:
    """Timestamps of accepted events, expired lazily.

    Attributes:
        hits: Accepted timestamps, oldest first; may still hold expired ones until the next
            :meth:`prune`.
    """

    __slots__ = ("hits",)

    def __init__(self) -> None:
        """Creates an empty window."""
        self.hits: deque[float] = deque()

    def prune(self, now: float, window: float) -> None:
        """Forgets timestamps that no longer fall inside the window ending at ``now``.

        Args:
            now: Current time on the fake's clock.
            window: Window length in seconds.
        """
        hits = self.hits
        horizon = now - window
        while hits and hits[0] <= horizon:
            hits.popleft()

    def add(self, now: float) -> None:
        """Records an accepted event.

        Args:
            now: Current time on the fake's clock; must not go backwards.
        """
        self.hits.append(now)


def retry_after_for(window: SlidingWindow, now: float, limit: int, length: float) -> int | None:
    """Decides whether one more event fits into ``window``.

    Args:
        window: The accepted events so far.
        now: Current time on the fake's clock.
        limit: How many events the window admits.
        length: Window length in seconds.

    Returns:
        ``None`` if the event is allowed, otherwise Telegram's ``retry_after``: whole seconds
        (at least 1) until enough old events have expired to make room.
    """
    window.prune(now, length)
    hits = window.hits
    if len(hits) < limit:
        return None
    if limit <= 0:
        return max(1, math.ceil(length))
    # The event that must expire is the one ``limit`` places from the newest.
    frees_at = hits[len(hits) - limit] + length
    return max(1, math.ceil(frees_at - now))


class TokenBucket:
    """Sends allowed in one chat: ``burst`` at once, refilled at ``rate`` per second.

    Attributes:
        tokens: Sends available at :attr:`at` (at most the burst).
        at: Time on the fake's clock when :attr:`tokens` was last brought up to date;
            ``None`` before the first send (a full bucket).
    """

    __slots__ = ("at", "tokens")

    def __init__(self) -> None:
        """Creates a full bucket."""
        self.tokens = 0.0
        self.at: float | None = None

    def _refill(self, now: float, rate: float, burst: int) -> None:
        if self.at is None:
            self.tokens = float(burst)
        else:
            self.tokens = min(float(burst), self.tokens + (now - self.at) * rate)
        self.at = now

    def retry_after(self, now: float, rate: float, burst: int) -> int | None:
        """``None`` if one more send fits now, else Telegram's ``retry_after`` (whole seconds).

        Args:
            now: Current time on the fake's clock; must not go backwards.
            rate: Tokens added per second (the sustained sends per second).
            burst: Capacity of the bucket: how many sends may go at once.
        """
        self._refill(now, rate, burst)
        if self.tokens >= 1.0:
            return None
        if rate <= 0:
            return 1
        return max(1, math.ceil((1.0 - self.tokens) / rate))

    def take(self) -> None:
        """Spends one token for an accepted send (after :meth:`retry_after` said it fits)."""
        self.tokens -= 1.0


class FloodSettings(Protocol):
    """The limits, as the fake's public attributes a test may change at any time."""

    global_limit: int
    global_window: float
    chat_limit: int
    chat_window: float
    chat_burst: int
    group_limit: int
    group_window: float


class FloodControl:
    """The fake's three limits over accepted sends: overall, per chat and per group."""

    def __init__(self) -> None:
        """Starts with every window empty."""
        self._global_hits = SlidingWindow()
        self._chat_hits: dict[int, TokenBucket] = {}
        self._group_hits: dict[int, SlidingWindow] = {}

    def reset(self) -> None:
        """Empties all windows, as if no message had been sent for a long time."""
        self._global_hits = SlidingWindow()
        self._chat_hits.clear()
        self._group_hits.clear()

    def admit(self, limits: FloodSettings, chat_id: int, method: str, now: float) -> None:
        """Raises 429 or records the send in every window it counts in.

        Raises:
            ApiError: ``429 Too Many Requests: retry after N``.
        """
        counts_globally = method in MESSAGE_METHODS
        chat_hits = self._chat_hits.get(chat_id)
        if chat_hits is None:
            chat_hits = self._chat_hits[chat_id] = TokenBucket()
        retries = [
            chat_hits.retry_after(now, limits.chat_limit / limits.chat_window, limits.chat_burst),
        ]
        if counts_globally:
            retries.append(
                retry_after_for(self._global_hits, now, limits.global_limit, limits.global_window)
            )
        group_hits: SlidingWindow | None = None
        if chat_id < 0:
            group_hits = self._group_hits.get(chat_id)
            if group_hits is None:
                group_hits = self._group_hits[chat_id] = SlidingWindow()
            retries.append(
                retry_after_for(group_hits, now, limits.group_limit, limits.group_window)
            )
        refused = [retry for retry in retries if retry is not None]
        if refused:
            retry = max(refused)
            raise ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})
        chat_hits.take()
        if counts_globally:
            self._global_hits.add(now)
        if group_hits is not None:
            group_hits.add(now)
