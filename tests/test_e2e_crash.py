"""Crash safety: kill -9 the bot in the middle of a fan-out, start it again, nothing is lost."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from pathlib import Path

from storage.engine import create_engine, session_factory
from storage.migrate import upgrade
from tests.alerting import store_landing, subscribe_chats
from tests.fakes.telegram_api import FakeBotAPI

TOKEN = "515151:CRASH-test-token"
CHATS = 150
CONCURRENCY = 16


async def _prepare(database_url: str) -> None:
    """A store with CHATS subscribers and one routed alert, as the bot leaves it."""
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        await subscribe_chats(sessions, [(10_000 + i, "en") for i in range(CHATS)])
        await store_landing(sessions)
    finally:
        await engine.dispose()


async def _start_bot(fake: FakeBotAPI, database_url: str, cwd: Path) -> asyncio.subprocess.Process:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SUMMITWATCH_")},
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "DATABASE_URL": database_url,
        "SUMMITWATCH_DELIVERY_CONCURRENCY": str(CONCURRENCY),
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


def _delivered(fake: FakeBotAPI) -> Counter[int]:
    return Counter(s.chat_id for s in fake.sent if s.method == "sendMessage")


async def test_kill_9_mid_fan_out_loses_nothing(tmp_path: Path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'crash.db'}"
    await _prepare(database_url)
    async with FakeBotAPI(token=TOKEN) as fake:
        first = await _start_bot(fake, database_url, tmp_path)
        try:
            await fake.wait_until(lambda: len(_delivered(fake)) >= CHATS // 3, timeout=30)
        finally:
            first.send_signal(signal.SIGKILL)
            await first.wait()
        at_kill = len(_delivered(fake))
        assert at_kill < CHATS, "the fan-out finished before the kill; make it longer"

        second = await _start_bot(fake, database_url, tmp_path)
        try:
            await fake.wait_until(lambda: len(_delivered(fake)) == CHATS, timeout=60)
            # Let a possible stray duplicate arrive before counting.
            await asyncio.sleep(1.5)
        finally:
            second.send_signal(signal.SIGINT)
            await asyncio.wait_for(second.wait(), timeout=30)

    copies = _delivered(fake)
    assert set(copies) == {10_000 + i for i in range(CHATS)}  # every subscriber got it
    duplicates = sum(n - 1 for n in copies.values())
    # Only messages in flight at the kill can repeat, and at most `concurrency` are.
    assert duplicates <= CONCURRENCY
    assert second.returncode == 0
