"""The send pacer keeps every sliding window of Telegram's limits, with a virtual clock."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator

import pytest

from bot.alerts.pacing import PaceLimits, SendPacer


class VirtualClock:
    """A clock that asyncio.sleep moves forward (patched below), so tests take no time."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[VirtualClock]:
    clock = VirtualClock()
    real_sleep = asyncio.sleep

    async def sleep(seconds: float) -> None:
        clock.now += max(seconds, 0.0)
        await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", sleep)
    yield clock


async def _send_times(pacer: SendPacer, clock: VirtualClock, chats: list[int]) -> list[float]:
    times = []
    for chat in chats:
        await pacer.acquire(chat)
        times.append(clock.now)
    return times


def _max_in_window(times: list[float], window: float) -> int:
    best, start = 0, 0
    for end, moment in enumerate(times):
        while times[start] <= moment - window:
            start += 1
        best = max(best, end - start + 1)
    return best


async def test_overall_rate_never_exceeds_30_in_any_second(clock: VirtualClock) -> None:
    pacer = SendPacer(PaceLimits(margin_s=0.0), clock=clock)
    times = await _send_times(pacer, clock, list(range(1, 301)))
    assert _max_in_window(times, 1.0) == 30
    # and it does not waste the allowance: 300 sends take about 10 seconds
    assert 9.0 <= times[-1] <= 10.0


async def test_one_message_per_second_per_chat(clock: VirtualClock) -> None:
    pacer = SendPacer(PaceLimits(margin_s=0.0), clock=clock)
    times = await _send_times(pacer, clock, [7, 7, 7])
    assert [b - a for a, b in itertools.pairwise(times)] == [1.0, 1.0]


async def test_twenty_per_minute_per_group(clock: VirtualClock) -> None:
    pacer = SendPacer(PaceLimits(margin_s=0.0, per_chat_interval_s=0.0), clock=clock)
    times = await _send_times(pacer, clock, [-100] * 21)
    assert times[19] < 60.0
    assert times[20] >= 60.0


async def test_pause_chat_and_pause_all(clock: VirtualClock) -> None:
    pacer = SendPacer(PaceLimits(margin_s=0.0), clock=clock)
    pacer.pause_chat(5, 7.0)
    await pacer.acquire(6)
    assert clock.now == 0.0  # other chats are not held up
    await pacer.acquire(5)
    assert clock.now == 7.0
    pacer.pause_all(3.0)
    await pacer.acquire(8)
    assert clock.now == 10.0


async def test_disabled_pacer_never_waits(clock: VirtualClock) -> None:
    pacer = SendPacer(PaceLimits(enabled=False), clock=clock)
    await _send_times(pacer, clock, [1] * 100)
    assert clock.now == 0.0
