"""Hostile input gets an answer, never the apology: odd numbers, forged buttons, a bare "/",
buttons tapped twice. Through the real bot and the fake Bot API, polling and webhook."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.runtime.app import SummitApp
from tests.e2e import ADMIN_ID, bot_settings, running_bot
from tests.fakes.telegram_api import FakeBotAPI
from tests.webhook_bots import free_port

TOKEN = "123456:TEST-token-for-e2e"
APOLOGY = "Sorry, something went wrong"
SECRET = "webhook-Secret_0123456789"
OUT_OF_DATE = "This button is out of date."
MUTE_USAGE = "Send /mute with a duration, for example /mute 2h or /mute 1d (at most 30 days)."
FLIGHTS_USAGE = (
    "Send /flights and a person, ICAO hex, registration or callsign, and how many "
    "flights (up to 20), for example /flights witkoff 5."
)
RETRY_USAGE = "Send /deadletters retry all, or the numbers to retry."
# Spaces that str.split() splits on but that are no ASCII space.
UNICODE_SPACES = ["\u00a0", "\u2003", "\u3000", "\u2028"]


# The bots migrate database_url at their start anyway: it starts migrated (tests/conftest.py).
pytestmark = pytest.mark.migrated_store


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token=TOKEN) as server:
        server.limits_enabled = False
        yield server


@pytest.fixture
async def app(fake: FakeBotAPI, sqlite_url: str) -> AsyncIterator[SummitApp]:
    async with running_bot(bot_settings(fake, sqlite_url)) as application:
        yield application


@pytest.fixture
async def app_on_each_store(fake: FakeBotAPI, database_url: str) -> AsyncIterator[SummitApp]:
    """The bot on SQLite and on PostgreSQL, whose ids overflow at other bounds."""
    async with running_bot(bot_settings(fake, database_url)) as application:
        yield application


def _no_apology(fake: FakeBotAPI) -> None:
    said = [s.plain_text or "" for s in fake.sent]
    assert not [text for text in said if text.startswith(APOLOGY)], said


def _no_handler_errors(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


async def _settled(fake: FakeBotAPI, chat_id: int) -> None:
    """Wait until every update sent to the chat so far was handled.

    Updates of one chat are handled one at a time, in order: once a /help sent now is
    answered, whatever came before it is done (a sleep would race the bot's pacing).
    """
    await _reply(fake, chat_id, "/help")


async def _reply(fake: FakeBotAPI, chat_id: int, text: str, **kwargs: object) -> str:
    before = len([s for s in fake.sent_to(chat_id) if not s.method.startswith("edit")])
    fake.user_message(chat_id, text, **kwargs)  # type: ignore[arg-type]
    messages = await fake.wait_for_messages(chat_id, before + 1)
    return messages[-1].plain_text or ""


UNUSUAL_NUMBERS = [
    ("/mute 99999999999d", MUTE_USAGE),
    ("/mute 99999999999999999999999999m", MUTE_USAGE),
    ("/mute " + "9" * 5000 + "h", MUTE_USAGE),
    ("/mute ٣h", MUTE_USAGE),
    ("/flights witkoff ²", FLIGHTS_USAGE),
    ("/flights witkoff ٣", FLIGHTS_USAGE),
    ("/flights witkoff " + "7" * 5000, FLIGHTS_USAGE),
    ("/flights witkoff 99999999999999999999", FLIGHTS_USAGE),
    ("/deadletters retry 99999999999999999999", RETRY_USAGE),
    ("/deadletters retry 4294967296", RETRY_USAGE),
    ("/deadletters retry 2147483648", RETRY_USAGE),  # beyond PostgreSQL's integer
    ("/deadletters retry " + "5" * 5000, RETRY_USAGE),
    ("/deadletters retry ²", RETRY_USAGE),
    ("/deadletters retry 1 x", RETRY_USAGE),
]


async def test_unusual_numbers_get_the_usage_text(
    fake: FakeBotAPI, app_on_each_store: SummitApp, caplog: pytest.LogCaptureFixture
) -> None:
    # One group per message, all sent at once: replies in one chat are paced.
    chats = [-4700 - i for i in range(len(UNUSUAL_NUMBERS))]
    for chat, (text, _) in zip(chats, UNUSUAL_NUMBERS, strict=True):
        fake.user_message(chat, text, user_id=ADMIN_ID, chat_type="group")
    for chat, (text, answer) in zip(chats, UNUSUAL_NUMBERS, strict=True):
        [reply] = await fake.wait_for_messages(chat, 1)
        assert reply.plain_text == answer, text[:40]
    _no_apology(fake)
    _no_handler_errors(caplog)


# Numbers where a command reads an optional page: answered as a query, never the apology.
ODD_PAGES = ["/status putin ²", "/status putin ٣", "/fleet government ²", "/status putin 99999"]


async def test_odd_page_numbers_are_answered(
    fake: FakeBotAPI, app: SummitApp, caplog: pytest.LogCaptureFixture
) -> None:
    chats = [4650 + i for i in range(len(ODD_PAGES))]
    for chat, text in zip(chats, ODD_PAGES, strict=True):
        fake.user_message(chat, text)
    for chat in chats:
        await fake.wait_for_messages(chat, 1)
    _no_apology(fake)
    _no_handler_errors(caplog)


async def test_sane_numbers_still_work(fake: FakeBotAPI, app: SummitApp) -> None:
    assert (await _reply(fake, ADMIN_ID, "/mute 90min")).startswith("Alerts are muted until")
    assert await _reply(fake, ADMIN_ID, "/deadletters retry 1 2") == "0 alerts queued again."
    assert await _reply(fake, ADMIN_ID, "/deadletters retry all") == "0 alerts queued again."


FORGED = [
    "weather:today",  # no handler claims it: the catch-all answers
    "v1:sub:rm:3",  # a button of another version's format
    "sub:rm:²",
    "sub:rm:99999999999999999999",
    "sub:rm:2147483648",
    "sub:rm:" + "9" * 50,
    "dl:forged",
]


async def test_forged_button_data_is_answered_quietly(
    fake: FakeBotAPI, app_on_each_store: SummitApp, caplog: pytest.LogCaptureFixture
) -> None:
    chats = [4610 + i for i in range(len(FORGED))]
    for chat in chats:
        fake.user_message(chat, "/subscriptions", user_id=ADMIN_ID, chat_type="group")
    menus = [(await fake.wait_for_messages(chat, 1))[0] for chat in chats]
    for menu, data in zip(menus, FORGED, strict=True):
        fake.callback_press(
            menu.chat_id, menu.message_id, data, user_id=ADMIN_ID, check_button=False
        )
    for chat in chats:
        await _settled(fake, chat)
        # Nothing else followed: no message, no edit (but /help's answer).
        assert [s.method for s in fake.sent_to(chat)] == ["sendMessage"] * 2
    assert [a.text for a in fake.answered_callbacks] == [OUT_OF_DATE] * len(FORGED)
    _no_handler_errors(caplog)


async def test_a_slash_and_a_unicode_space_is_ignored_and_the_chat_goes_on(
    fake: FakeBotAPI, app: SummitApp, caplog: pytest.LogCaptureFixture
) -> None:
    chats = [4620 + i for i in range(len(UNICODE_SPACES))]
    for chat, space in zip(chats, UNICODE_SPACES, strict=True):
        fake.user_message(chat, "/" + space)
        fake.user_message(chat, "/" + space + "help")
    for chat in chats:
        await _settled(fake, chat)
        assert len(fake.sent_to(chat)) == 1  # /help's answer only
    _no_handler_errors(caplog)


@pytest.mark.parametrize(
    ("command", "data"),
    [("/lang", "lang:en"), ("/subscribe", "sub:kind:person")],  # the ticked language, a kind
)
async def test_a_second_tap_on_an_already_shown_button_only_answers_the_press(
    fake: FakeBotAPI, app: SummitApp, caplog: pytest.LogCaptureFixture, command: str, data: str
) -> None:
    await _reply(fake, 4602, command)
    menu = fake.sent_to(4602)[-1]
    for _ in range(3):
        fake.callback_press(4602, menu.message_id, data, check_button=False)
    await _settled(fake, 4602)
    assert len(fake.answered_callbacks) == 3
    methods = [s.method for s in fake.sent_to(4602)]
    assert methods == ["sendMessage", "editMessageText", "sendMessage"]
    _no_apology(fake)
    _no_handler_errors(caplog)


async def test_a_second_tap_on_a_remove_button_only_answers_the_press(
    fake: FakeBotAPI, app: SummitApp, caplog: pytest.LogCaptureFixture
) -> None:
    await _reply(fake, 4603, "/subscribe person witkoff")
    await _reply(fake, 4603, "/subscriptions")
    menu = fake.sent_to(4603)[-1]
    assert menu.reply_markup is not None
    [[button]] = menu.reply_markup["inline_keyboard"]
    fake.callback_press(4603, menu.message_id, button["callback_data"])
    # The stale button, tapped again before the edit reached the phone.
    fake.callback_press(4603, menu.message_id, button["callback_data"], check_button=False)
    await _settled(fake, 4603)
    assert [a.text for a in fake.answered_callbacks] == ["Removed.", OUT_OF_DATE]
    [edit] = [s for s in fake.sent_to(4603) if s.method == "editMessageText"]
    assert edit.plain_text == "This chat follows nothing yet. Send /subscribe to choose."
    _no_apology(fake)
    _no_handler_errors(caplog)


# ----------------------------------------------------------------------------- webhook mode


@pytest.fixture
async def webhook_app(fake: FakeBotAPI, sqlite_url: str) -> AsyncIterator[str]:
    """The bot in webhook mode; yields the local URL Telegram's POSTs reach."""
    webhook_port = free_port()
    url = f"http://127.0.0.1:{webhook_port}/telegram/updates"
    fake.webhook_targets = [url]
    settings = bot_settings(
        fake,
        sqlite_url,
        SUMMITWATCH_WEBHOOK_URL="https://summitwatch.example.org/telegram/updates",
        SUMMITWATCH_WEBHOOK_SECRET=SECRET,
        SUMMITWATCH_WEBHOOK_LISTEN="127.0.0.1",
        SUMMITWATCH_WEBHOOK_PORT=str(webhook_port),
    )
    async with running_bot(settings):
        yield url


def _update(update_id: int, chat_id: int, text: str) -> dict[str, object]:
    sender = {"id": chat_id, "is_bot": False, "first_name": "Mallory"}
    message = {
        "message_id": update_id,
        "date": 0,
        "chat": {"id": chat_id, "type": "private", "first_name": "Mallory"},
        "from": sender,
        "text": text,
    }
    return {"update_id": update_id, "message": message}


async def test_webhook_answers_a_slash_and_a_unicode_space_at_once(
    fake: FakeBotAPI, webhook_app: str, caplog: pytest.LogCaptureFixture
) -> None:
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
    timeout = aiohttp.ClientTimeout(total=5)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        for number, space in enumerate(UNICODE_SPACES):
            body = json.dumps(_update(990101 + number, 4630 + number, "/" + space))
            async with session.post(webhook_app, data=body, headers=headers) as response:
                assert response.status == 200
    # The same through the fake's own pushes: each confirmed, and the chats go on.
    chats = [4640 + i for i in range(len(UNICODE_SPACES))]
    for chat, space in zip(chats, UNICODE_SPACES, strict=True):
        fake.user_message(chat, "/" + space)
    for chat in chats:
        await _settled(fake, chat)
    await fake.wait_until(lambda: not fake.pending_updates)
    assert {post.status for post in fake.webhook_posts} == {200}
    _no_handler_errors(caplog)
