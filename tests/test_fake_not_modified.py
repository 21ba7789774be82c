"""The fake Bot API answers an edit that changes nothing exactly as Telegram does."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.fakes.telegram_api import FakeBotAPI

NOT_MODIFIED = {
    "ok": False,
    "error_code": 400,
    "description": "Bad Request: message is not modified: specified new message content and "
    "reply markup are exactly the same as a current content and reply markup of the message",
}
KEYBOARD = json.dumps({"inline_keyboard": [[{"text": "✓ English", "callback_data": "lang:en"}]]})


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        server.limits_enabled = False
        yield server


async def _call(fake: FakeBotAPI, method: str, **params: str) -> tuple[int, Any]:
    url = f"{fake.base_url}{fake.token}/{method}"
    async with aiohttp.ClientSession() as session, session.post(url, data=params) as response:
        return response.status, await response.json()


async def test_the_same_text_and_keyboard_again_is_not_modified(fake: FakeBotAPI) -> None:
    status, sent = await _call(fake, "sendMessage", chat_id="5", text="Done", reply_markup=KEYBOARD)
    assert status == 200
    message_id = str(sent["result"]["message_id"])
    for method, params in [
        ("editMessageText", {"text": "Done", "reply_markup": KEYBOARD}),
        ("editMessageReplyMarkup", {"reply_markup": KEYBOARD}),
    ]:
        assert await _call(fake, method, chat_id="5", message_id=message_id, **params) == (
            400,
            NOT_MODIFIED,
        )
    # Another keyboard, or other text, is an edit.
    status, _ = await _call(
        fake, "editMessageText", chat_id="5", message_id=message_id, text="Done!"
    )
    assert status == 200
