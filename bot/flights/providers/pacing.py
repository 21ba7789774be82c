"""Our own per-provider rate limit: wait a little for a slot, or skip the provider."""

from __future__ import annotations

import asyncio
import math

from aiolimiter import AsyncLimiter

from bot.flights.providers.profiles import Limits


class ProviderBusy(Exception):
    """Our limiter has no slot for this provider within the allowed wait.

    Not a failure of the provider: the fetcher moves on without touching its health
    or backoff.
    """


def new_limiter(requests: float, per_seconds: float) -> AsyncLimiter:
    """A leaky-bucket limiter: `requests` per `per_seconds`, bursts up to `requests`."""
    return AsyncLimiter(requests, per_seconds)


async def take_slot(limiter: AsyncLimiter, max_wait_s: float, name: str) -> None:
    """Wait up to `max_wait_s` for one request slot.

    Raises:
        ProviderBusy: no slot came up in time.
    """
    if limiter.has_capacity():
        await limiter.acquire()
        return
    try:
        async with asyncio.timeout(max_wait_s):
            await limiter.acquire()
    except TimeoutError:
        raise ProviderBusy(f"{name}: own rate limit, no slot within {max_wait_s:g}s") from None


def round_wait_s(requests: int, limits: Limits) -> float:
    """Least time `requests` requests wait on a full limiter: the burst is free, every
    request after it waits one slot."""
    extra = max(0.0, requests - limits.requests)
    return extra * limits.per_seconds / limits.requests


def check_round(requests: int, limits: Limits, name: str) -> None:
    """Refuse a round that would wait longer than `limits.max_round_s` on our limiter.

    Raises:
        ProviderBusy: the round needs too many requests for this provider's rate.
    """
    wait = round_wait_s(requests, limits)
    if wait > limits.max_round_s:
        raise ProviderBusy(
            f"{name}: {requests} requests would wait {wait:g}s on our rate limit, "
            f"over the {limits.max_round_s:g}s a round may take"
        )


def requests_per_round(limits: Limits) -> int:
    """Most requests a round may make without `check_round` refusing it."""
    return max(
        1, math.floor(limits.requests + limits.max_round_s * limits.requests / limits.per_seconds)
    )
