"""PTB's rate-limiter seam, backed by our sliding-window `SendPacer`.

Every Bot API call of the bot goes through here: command replies and alert delivery
share one pacer, so a fan-out and a user's /status never exceed Telegram's limits
together. Unlike AIORateLimiter (leaky buckets), the windows match how Telegram
counts, and a 429 for one chat pauses that chat only instead of every request of the
bot. Alerts keep one message per second per chat; what the bot sends while handling
an update (inside `replying()`: replies, the parts of a long answer, a text and its
map, edits) skips that wait, as AIORateLimiter never paces private chats: Telegram
tolerates short bursts in a chat, and the user is waiting for the answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from typing import Any, TypedDict

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.alerts.pacing import SendPacer

log = logging.getLogger("summitwatch.ratelimit")

# Methods Telegram counts against its message limits; edits only per chat and group.
SENDING = frozenset({"sendMessage", "sendPhoto", "sendLocation", "sendVenue", "sendDocument"})
EDITING = frozenset({"editMessageText", "editMessageReplyMarkup", "editMessageCaption"})


# Set while an update is handled; tasks started from there inherit it.
_REPLYING: ContextVar[bool] = ContextVar("summitwatch_replying", default=False)


@contextmanager
def replying() -> Iterator[None]:
    """Sends inside the block answer a user: no per-chat second (other limits stay)."""
    token = _REPLYING.set(True)
    try:
        yield
    finally:
        _REPLYING.reset(token)


class RateLimitArgs(TypedDict, total=False):
    """Per-call options: `retries` after a 429 (delivery passes 0 and reschedules)."""

    retries: int


class PacedRateLimiter(BaseRateLimiter[RateLimitArgs]):
    """Paces sends with a shared `SendPacer`; retries command replies after a 429."""

    __slots__ = ("default_retries", "pacer")

    def __init__(self, pacer: SendPacer, default_retries: int = 2) -> None:
        self.pacer = pacer
        self.default_retries = default_retries

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: RateLimitArgs | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Wait for the pacer, call Telegram, and handle a flood wait."""
        chat_id = _chat_id(data.get("chat_id"))
        paced = chat_id is not None and (endpoint in SENDING or endpoint in EDITING)
        retries = (rate_limit_args or {}).get("retries", self.default_retries)
        per_chat = not _REPLYING.get()
        for attempt in range(retries + 1):
            permit = (
                await self.pacer.acquire(chat_id, overall=endpoint in SENDING, per_chat=per_chat)
                if paced and chat_id is not None
                else None
            )
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                wait = _seconds(exc.retry_after)
                if chat_id is not None:
                    self.pacer.pause_chat(chat_id, wait)
                else:
                    self.pacer.pause_all(wait)
                if attempt == retries:
                    raise
                log.info("%s to chat %s: flood wait %.0fs, retrying", endpoint, chat_id, wait)
                if not paced:
                    await self.pacer.delay(wait)
            finally:
                if permit is not None:
                    permit.release()
        raise RuntimeError("unreachable: the loop returns or raises")


def _chat_id(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload, no-any-return]
    except (TypeError, ValueError):
        return None


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
