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
        permit = await pacer.acquire(chat)
        times.append(clock.now)
        permit.release()
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
    (await pacer.acquire(6)).release()
    assert clock.now == 0.0  # other chats are not held up
    (await pacer.acquire(5)).release()
    assert clock.now == 7.0
    pacer.pause_all(3.0)
    (await pacer.acquire(8)).release()
    assert clock.now == 10.0


async def test_disabled_pacer_never_waits(clock: VirtualClock) -> None:
    pacer = SendPacer(PaceLimits(enabled=False), clock=clock)
    await _send_times(pacer, clock, [1] * 100)
    assert clock.now == 0.0


async def test_a_window_counts_sends_in_flight_until_their_answer(clock: VirtualClock) -> None:
    """Counted at completion: a slow answer delays the next send, never Telegram's count."""
    pacer = SendPacer(PaceLimits(margin_s=0.0), clock=clock)
    in_flight = [await pacer.acquire(chat) for chat in range(1, 31)]
    waiting = asyncio.ensure_future(pacer.acquire(31))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert not waiting.done()  # 30 in flight fill the second
    clock.now = 0.25
    in_flight[0].release()  # its answer came back at 0.25: the window frees at 1.25
    permit = await waiting
    assert clock.now == 1.25
    permit.release()
    for sent in in_flight[1:]:
        sent.release()


async def test_same_chat_waits_for_the_previous_answer(clock: VirtualClock) -> None:
    pacer = SendPacer(PaceLimits(margin_s=0.0), clock=clock)
    first = await pacer.acquire(9)
    waiting = asyncio.ensure_future(pacer.acquire(9))
    await asyncio.sleep(0)
    assert not waiting.done()
    clock.now = 0.4
    first.release()
    (await waiting).release()
    assert clock.now == 1.4


async def test_replies_skip_the_chat_second_but_count_in_it(clock: VirtualClock) -> None:
    """A burst of replies goes at once; an alert right after them still waits its second."""
    pacer = SendPacer(PaceLimits(margin_s=0.0), clock=clock)
    for _ in range(5):
        (await pacer.acquire(7, per_chat=False)).release()
    assert clock.now == 0.0
    assert pacer.held == 0
    (await pacer.acquire(7)).release()
    assert clock.now == 1.0
    assert (pacer.held, pacer.held_s) == (1, 1.0)


async def test_replies_keep_the_group_minute_and_the_overall_second(
    clock: VirtualClock,
) -> None:
    pacer = SendPacer(PaceLimits(margin_s=0.0), clock=clock)
    group = [await _reply_time(pacer, clock, -100) for _ in range(21)]
    assert group[19] == 0.0 and group[20] == 60.0
    pacer = SendPacer(PaceLimits(margin_s=0.0), clock=clock)
    start = clock.now
    overall = [await _reply_time(pacer, clock, 5) for _ in range(31)]
    assert overall[29] == start and overall[30] == start + 1.0


async def test_a_paused_chat_holds_replies_too(clock: VirtualClock) -> None:
    pacer = SendPacer(PaceLimits(margin_s=0.0), clock=clock)
    pacer.pause_chat(7, 3.0)
    assert await _reply_time(pacer, clock, 7) == 3.0


async def _reply_time(pacer: SendPacer, clock: VirtualClock, chat: int) -> float:
    permit = await pacer.acquire(chat, per_chat=False)
    permit.release()
    return clock.now
