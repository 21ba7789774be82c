"""What the statement tests share: a hand-moved clock and the fake feed server on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from bot.net.ssrf import AddressPolicy
from tests.fakes.feeds import FakeFeeds

T0 = 1_783_771_200.0  # 2026-07-11 12:00 UTC
# The fake listens on 127.0.0.1: only that address is let through, explicitly.
FAKE_ONLY = AddressPolicy.build(allow=["127.0.0.1/32", "::1/128"])


class Clock:
    """Wall-clock time the test moves by hand; the fake's Last-Modified uses it too."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return datetime.fromtimestamp(self.now, UTC)

    def advance(self, seconds: float) -> None:
        self.now += seconds


@asynccontextmanager
async def feeds_on(clock: Clock, *, fault_timeout: float = 5.0) -> AsyncIterator[FakeFeeds]:
    """The fake feed server, its Last-Modified on `clock`, timeouts held `fault_timeout` s."""
    async with FakeFeeds() as server:
        server.clock = lambda: clock.now
        server.fault_timeout = fault_timeout
        yield server
