"""Refusals for those without rights, on commands and on buttons, through the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.runtime.app import SummitApp
from storage.chats import get_chat
from tests.e2e import bot_settings, running_bot, services_of
from tests.fakes.telegram_api import FakeBotAPI

GROUP = -1007008009
MEMBER = 41


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token="123456:TEST-token-for-e2e") as server:
        server.limits_enabled = False
        yield server


@pytest.fixture
async def app(fake: FakeBotAPI, sqlite_url: str) -> AsyncIterator[SummitApp]:
    async with running_bot(bot_settings(fake, sqlite_url)) as application:
        yield application


async def test_a_group_member_may_not_mute_the_group(fake: FakeBotAPI, app: SummitApp) -> None:
    fake.add_chat(GROUP, chat_type="supergroup", title="Desk")
    for n, command in enumerate(("/mute 2h", "/unmute"), start=1):
        fake.user_message(GROUP, command, user_id=MEMBER, language_code="ru")
        replies = await fake.wait_for_messages(GROUP, n)
        assert replies[-1].plain_text == "Изменить это могут только администраторы группы."
    async with services_of(app).sessions() as session:
        chat = await get_chat(session, GROUP)
    assert chat is not None and chat.muted_until is None


async def test_a_group_member_pressing_a_language_button_gets_an_alert(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    fake.add_chat(GROUP, chat_type="supergroup", title="Desk")
    fake.user_message(GROUP, "/lang", user_id=MEMBER, language_code="az")
    [menu] = await fake.wait_for_messages(GROUP, 1)
    fake.callback_press(GROUP, menu.message_id, "lang:ru", user_id=MEMBER, language_code="az")
    await fake.wait_until(lambda: bool(fake.answered_callbacks))
    [answer] = fake.answered_callbacks
    assert answer.show_alert
    assert answer.text == "Bunu yalnız qrupun administratorları dəyişə bilər."
    # An alert, not a message in the group, and the language is unchanged.
    assert [s.method for s in fake.sent_to(GROUP)] == ["sendMessage"]
    async with services_of(app).sessions() as session:
        chat = await get_chat(session, GROUP)
    assert chat is not None and chat.locale is None


async def test_a_forged_dead_letter_button_is_refused_for_a_non_admin(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    fake.user_message(MEMBER, "/start", language_code="en")
    [greeting] = await fake.wait_for_messages(MEMBER, 1)
    # Button data can be forged by a modified client: the handler, not the keyboard, decides.
    fake.callback_press(MEMBER, greeting.message_id, "dl:retry:all", check_button=False)
    await fake.wait_until(lambda: bool(fake.answered_callbacks))
    [answer] = fake.answered_callbacks
    assert answer.show_alert
    assert answer.text == "Only the bot's administrators can do this."
