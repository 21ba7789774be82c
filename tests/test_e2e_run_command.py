"""`summitwatch run` as a real process against the fake Bot API."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from tests.fakes.telegram_api import FakeBotAPI
from tests.run_process import start_run

TOKEN = "424242:RUN-command-secret-token"


async def test_run_answers_start_and_stops_cleanly_without_leaking_the_token(
    tmp_path: Path,
) -> None:
    async with FakeBotAPI(token=TOKEN) as fake:
        env = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith("SUMMITWATCH_") and k != "PYTHONOPTIMIZE"
            },
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": fake.base_url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
        }
        process = await start_run(env, tmp_path)
        try:
            await fake.wait_until(lambda: fake.count("deleteWebhook") > 0, timeout=30)
            fake.user_message(31337, "/start", language_code="az")
            [reply] = await fake.wait_for_messages(31337, 1, timeout=15)
            assert reply.plain_text is not None
            assert reply.plain_text.startswith("Salam")
            # It answered after starting itself again under -OO, in the same process
            # (bot.runtime.optimized: issue 13's idle memory).
            environ_file = Path(f"/proc/{process.pid}/environ")
            environ = (await asyncio.to_thread(environ_file.read_bytes)).split(b"\0")
            assert b"PYTHONOPTIMIZE=2" in environ
        finally:
            process.send_signal(signal.SIGINT)
            stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    output = (stdout + stderr).decode()
    assert process.returncode == 0, output
    assert "started as @summitwatch_test_bot" in output
    assert "RUN-command-secret-token" not in output
    assert (tmp_path / "run.db").exists()  # migrations ran at start
