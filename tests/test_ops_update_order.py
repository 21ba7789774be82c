"""Updates of different chats are handled at once; those of one chat in arrival order."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from telegram import Chat, Message, Update

from bot.runtime.update_order import BacklogQueue, ChatOrderedProcessor, order_key

ANN, BOB = 101, -100202


def _update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, "private" if chat_id > 0 else "supergroup")
    message = Message(update_id, datetime(2025, 1, 1, tzinfo=UTC), chat, text="/help")
    return Update(update_id, message=message)


async def test_one_chat_waits_for_its_turn_while_another_goes_ahead() -> None:
    processor = ChatOrderedProcessor(8)
    log: list[str] = []
    release = asyncio.Event()
    bob_done = asyncio.Event()

    async def handle(name: str, gate: asyncio.Event | None = None) -> None:
        log.append(f"start {name}")
        if gate is not None:
            await gate.wait()
        log.append(f"end {name}")
        if name == "bob":
            bob_done.set()

    tasks = [
        asyncio.create_task(processor.process_update(_update(1, ANN), handle("ann-1", release))),
        asyncio.create_task(processor.process_update(_update(2, ANN), handle("ann-2"))),
        asyncio.create_task(processor.process_update(_update(3, BOB), handle("bob"))),
    ]
    await asyncio.wait_for(bob_done.wait(), timeout=5)
    # Bob was answered while Ann's first update still runs; her second has not started.
    assert log == ["start ann-1", "start bob", "end bob"]
    release.set()
    await asyncio.gather(*tasks)
    assert log[3:] == ["end ann-1", "start ann-2", "end ann-2"]
    assert processor._locks == {}  # idle chats are forgotten


async def test_the_limit_holds_across_chats() -> None:
    processor = ChatOrderedProcessor(2)
    running = 0
    peak = 0

    async def handle() -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1

    await asyncio.gather(
        *(processor.process_update(_update(i, 1000 + i), handle()) for i in range(10))
    )
    assert peak == 2


def test_order_key_falls_back_to_nothing_for_other_objects() -> None:
    assert order_key(_update(1, BOB)) == BOB
    assert order_key("not an update") is None


async def test_the_backlog_makes_put_wait_until_an_update_is_done() -> None:
    queue = BacklogQueue(limit=2)
    await queue.put("u1")
    await queue.put("u2")
    third = asyncio.create_task(queue.put("u3"))
    await asyncio.sleep(0.01)
    assert not third.done()  # two taken in, none handled: the webhook's answer waits
    assert await queue.get() == "u1"
    await asyncio.sleep(0.01)
    assert not third.done()  # taken out of the queue is not handled yet
    queue.task_done()  # u1 handled
    await asyncio.wait_for(third, timeout=1)
    assert queue.open == 2 and queue.qsize() == 2


async def test_a_webhook_put_returns_once_its_update_was_handled() -> None:
    queue = BacklogQueue(limit=4, ack_after_handling=True)
    update = _update(1, BOB)
    put = asyncio.create_task(queue.put(update))
    await asyncio.sleep(0.01)
    assert not put.done()  # queued: Telegram gets no answer yet
    assert await queue.get() is update
    queue.task_done()
    await asyncio.sleep(0.01)
    assert not put.done()  # PTB's bookkeeping is not the handler finishing
    queue.handled(update)
    await asyncio.wait_for(put, timeout=1)
    # PTB's own signals (not updates) are never held.
    await asyncio.wait_for(queue.put("stop signal"), timeout=1)


async def test_a_dropped_webhook_request_leaves_nothing_waiting() -> None:
    queue = BacklogQueue(limit=4, ack_after_handling=True)
    update = _update(2, BOB)
    put = asyncio.create_task(queue.put(update))
    await asyncio.sleep(0.01)
    put.cancel()  # Telegram gave up on the request
    with pytest.raises(asyncio.CancelledError):
        await put
    queue.handled(update)  # handled later all the same: nothing to wake, no error
    assert await queue.get() is update
