"""A stop signal during start-up stops `summitwatch run` in order (bot.runtime.lifecycle).

A pod restarted while its bot starts gets SIGTERM at some step of the start-up. PTB's
own signal handler cut that step short: exit status 1 with a CRITICAL "Event loop
stopped before Future completed", or pending tasks destroyed and the store's threads
answering a closed loop. Here the real process gets SIGTERM at the moment the fake
Bot API receives a start-up call, and holds the answer back until the process is gone:
the bot is waiting for that call when it is stopped.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.fakes.telegram_api import FakeBotAPI
from tests.webhook_bots import free_port, start_webhook_bot

TOKEN = "616161:TEST-stop-signal"
SECRET = "stop-signal-secret-0123456789"
#: What an orderly stop never logs.
NOT_ORDERLY = ("CRITICAL", "ERROR", "Traceback", "destroyed", "Event loop")

# The bot migrates the store at its start anyway: it starts migrated (tests/conftest.py).
pytestmark = pytest.mark.migrated_store


async def _start_polling_bot(
    fake: FakeBotAPI, database_url: str, log_path: Path
) -> asyncio.subprocess.Process:
    """`python -m bot run` (long polling) with only these settings; logs to `log_path`."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SUMMITWATCH_")},
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "DATABASE_URL": database_url,
        "SUMMITWATCH_HEALTH_LISTEN": "127.0.0.1",
        "SUMMITWATCH_HEALTH_PORT": str(free_port()),
        "SUMMITWATCH_STATEMENTS_ENABLED": "false",
    }
    with log_path.open("wb") as log:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=env,
            cwd=log_path.parent,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=log,
        )


def _stop_at(fake: FakeBotAPI, method: str, process: asyncio.subprocess.Process) -> list[str]:
    """SIGTERM to `process` at its first call of `method`, answered once it has exited."""
    stopped_at: list[str] = []

    async def stop() -> None:
        if stopped_at:
            return
        stopped_at.append(method)
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=60)

    fake.on_call(method, stop)
    return stopped_at


def _assert_stopped_in_order(status: int, log_path: Path, database_url: str) -> None:
    text = log_path.read_text(errors="replace")
    assert [word for word in NOT_ORDERLY if word in text] == [], text[-3000:]
    assert status == 0, text[-3000:]
    assert "summitwatch.run: SIGTERM received during start-up: stopping" in text, text[-3000:]
    assert text.rstrip().splitlines()[-1].endswith("summitwatch.run: stopped"), text[-3000:]
    if database_url.startswith("sqlite"):
        # SQLite removes the WAL file when the last connection closes: the store was closed.
        assert not Path(database_url.partition(":///")[2] + "-wal").exists()


@pytest.mark.parametrize(
    "method",
    [
        "getMe",  # the preflight: nothing of the bot has started yet
        "setMyCommands",  # the bot's post-init: the store is open, the health port listens
        "setWebhook",  # PTB's updater start: the post-init's background work runs
    ],
)
async def test_sigterm_while_a_webhook_bot_starts(
    tmp_path: Path, database_url: str, method: str
) -> None:
    log_path = tmp_path / "bot.log"
    async with FakeBotAPI(token=TOKEN) as fake:
        fake.limits_enabled = False
        bot = await start_webhook_bot(fake, database_url, SECRET, log_path, {})
        fake.webhook_targets = [bot.webhook_target]
        stopped_at = _stop_at(fake, method, bot.process)
        try:
            status = await asyncio.wait_for(bot.process.wait(), timeout=120)
        finally:
            if bot.process.returncode is None:
                bot.process.kill()
                await bot.process.wait()
    assert stopped_at == [method], log_path.read_text(errors="replace")[-3000:]
    _assert_stopped_in_order(status, log_path, database_url)


async def test_sigterm_while_a_polling_bot_starts(tmp_path: Path, database_url: str) -> None:
    log_path = tmp_path / "bot.log"
    async with FakeBotAPI(token=TOKEN) as fake:
        process = await _start_polling_bot(fake, database_url, log_path)
        # Long polling starts by deleting any webhook (PTB's updater, after the post-init).
        stopped_at = _stop_at(fake, "deleteWebhook", process)
        try:
            status = await asyncio.wait_for(process.wait(), timeout=120)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    assert stopped_at == ["deleteWebhook"], log_path.read_text(errors="replace")[-3000:]
    _assert_stopped_in_order(status, log_path, database_url)
