"""A webhook update cut off by a crash is not lost: Telegram (the fake) re-sends it,
because the bot answers the webhook only once the update was handled."""

from __future__ import annotations

from pathlib import Path

from tests.fakes.telegram_api import FakeBotAPI
from tests.webhook_bots import WebhookBot, start_webhook_bot

TOKEN = "515151:TEST-webhook-crash"
SECRET = "crash-test-secret"
CHAT = 5150


async def _start(fake: FakeBotAPI, database_url: str, log: Path) -> WebhookBot:
    bot = await start_webhook_bot(fake, database_url, SECRET, log, {})
    fake.webhook_targets = [bot.webhook_target]
    return bot


async def test_an_update_cut_off_by_kill_9_is_handled_after_the_restart(tmp_path: Path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    async with FakeBotAPI(token=TOKEN) as fake:
        fake.limits_enabled = False
        fake.fault_timeout = 60.0  # the first reply hangs until the process is gone
        first = await _start(fake, database_url, tmp_path / "first.log")
        try:
            await fake.wait_until(lambda: fake.webhook is not None, timeout=60)
            fake.fail_next("sendMessage", "timeout")
            fake.user_message(CHAT, "/help")
            # The handler is mid-way: its reply is on the wire, the webhook unanswered.
            await fake.wait_until(lambda: fake.count("sendMessage") == 1, timeout=30)
            assert fake.pending_updates, "the update must not be confirmed before it is handled"
        finally:
            first.process.kill()
            await first.process.wait()
        second = await _start(fake, database_url, tmp_path / "second.log")
        try:
            [reply] = await fake.wait_for_messages(CHAT, 1, timeout=60)
            assert (reply.plain_text or "").startswith("Commands")
            await fake.wait_until(lambda: not fake.pending_updates, timeout=10)
            posts = [post.status for post in fake.webhook_posts]
            assert posts[-1] == 200 and posts.count(200) == 1
        finally:
            second.process.terminate()
            await second.process.wait()
