"""Our own per-provider rate limit: wait a little for a slot, or skip the provider."""

from __future__ import annotations

import asyncio

from aiolimiter import AsyncLimiter


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
