"""/status with the statement watch off: no statements section (nothing is watched)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.e2e import bot_settings, running_bot
from tests.fakes.telegram_api import FakeBotAPI

CHAT = 4343


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token="123456:TEST-token-for-e2e") as server:
        server.limits_enabled = False
        yield server


async def test_status_has_no_statements_section_while_the_watch_is_off(
    fake: FakeBotAPI, sqlite_url: str
) -> None:
    settings = bot_settings(fake, sqlite_url, SUMMITWATCH_STATEMENTS_ENABLED="false")
    async with running_bot(settings):
        fake.user_message(CHAT, "/status putin")
        [reply] = await fake.wait_for_messages(CHAT, 1)
    text = reply.plain_text or ""
    assert text.startswith("Vladimir Putin")
    # The section would load the statements watchlist just to say no source was seen.
    assert "mentioned" not in text and "source" not in text, text
