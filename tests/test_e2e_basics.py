"""End to end through real HTTP: /start, /help, /lang in three languages, groups, menus."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.runtime.app import SummitApp
from handlers.catalog import COMMANDS
from storage.chats import get_chat
from tests.e2e import bot_settings, running_bot, services_of
from tests.fakes.telegram_api import FakeBotAPI

GROUP = -100200300


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token="123456:TEST-token-for-e2e") as server:
        yield server


@pytest.fixture
async def app(fake: FakeBotAPI, sqlite_url: str) -> AsyncIterator[SummitApp]:
    async with running_bot(bot_settings(fake, sqlite_url)) as application:
        yield application


@pytest.mark.parametrize(
    ("language", "greeting", "hint"),
    [
        ("en", "Hello, Ann! I am summitwatch.", "Send /help"),
        ("ru-RU", "Здравствуйте, Ann! Я — summitwatch.", "Список команд — /help"),
        ("az", "Salam, Ann! Mən summitwatch-am.", "Əmrlərin siyahısı üçün /help"),
    ],
)
async def test_start_greets_in_the_users_language(
    fake: FakeBotAPI, app: SummitApp, language: str, greeting: str, hint: str
) -> None:
    fake.user_message(1001, "/start", first_name="Ann", language_code=language)
    [reply] = await fake.wait_for_messages(1001, 1)
    assert reply.parse_mode == "HTML"
    assert reply.plain_text is not None
    assert reply.plain_text.startswith(greeting)
    assert hint in reply.plain_text


async def test_user_supplied_text_is_escaped(fake: FakeBotAPI, app: SummitApp) -> None:
    fake.user_message(1002, "/start", first_name="<b>Eve</b> & co")
    [reply] = await fake.wait_for_messages(1002, 1)
    assert reply.text is not None and "&lt;b&gt;Eve&lt;/b&gt; &amp; co" in reply.text


@pytest.mark.parametrize(
    ("language", "title", "line"),
    [
        (
            "en",
            "Commands",
            "/subscribe [kind key] [in @channel] — Follow a person, aircraft, venue or source",
        ),
        ("ru", "Команды", "/lang [@channel] [en|ru|az] — Выбрать язык чата"),
        ("az", "Əmrlər", "/mute 2h|1d — Bildirişləri bir müddət saxlayın"),
    ],
)
async def test_help_lists_every_command(
    fake: FakeBotAPI, app: SummitApp, language: str, title: str, line: str
) -> None:
    fake.user_message(1003, "/help", language_code=language)
    [reply] = await fake.wait_for_messages(1003, 1)
    assert reply.plain_text is not None
    lines = reply.plain_text.split("\n")
    assert lines[0] == title
    assert line in lines
    # The commands, then a blank line and how topics and channels are used.
    commands = lines[1 : lines.index("")]
    assert len(commands) == len(COMMANDS)
    assert any("/channel add @channel" in line for line in lines[len(commands) + 2 :])


async def test_lang_buttons_switch_the_chat_language(fake: FakeBotAPI, app: SummitApp) -> None:
    fake.user_message(1004, "/lang", language_code="en")
    [menu] = await fake.wait_for_messages(1004, 1)
    assert menu.reply_markup is not None
    labels = [b["text"] for b in menu.reply_markup["inline_keyboard"][0]]
    assert labels == ["✓ English", "Русский", "Azərbaycanca"]
    fake.callback_press(1004, menu.message_id, "lang:ru")
    await fake.wait_until(lambda: any(s.method == "editMessageText" for s in fake.sent_to(1004)))
    edited = [s for s in fake.sent_to(1004) if s.method == "editMessageText"][-1]
    assert edited.plain_text == "Готово: в этом чате я буду говорить по-русски."
    assert fake.answered_callbacks[-1].text == "Готово: в этом чате я буду говорить по-русски."
    # The chat's choice now wins over the user's English client.
    fake.user_message(1004, "/help", language_code="en")
    replies = await fake.wait_for_messages(1004, 2)
    assert replies[-1].plain_text is not None and replies[-1].plain_text.startswith("Команды")
    async with services_of(app).sessions() as session:
        chat = await get_chat(session, 1004)
    assert chat is not None and chat.locale == "ru"


async def test_lang_argument_form_and_bad_argument(fake: FakeBotAPI, app: SummitApp) -> None:
    fake.user_message(1005, "/lang az")
    [done] = await fake.wait_for_messages(1005, 1)
    assert done.plain_text == "Hazırdır: bu söhbətdə azərbaycanca danışacağam."
    fake.user_message(1005, "/lang klingon")
    replies = await fake.wait_for_messages(1005, 2)
    assert replies[-1].plain_text == (
        "Mən ingiliscə, rusca və azərbaycanca danışıram. "
        "/lang en, /lang ru və ya /lang az göndərin."
    )


async def test_group_commands_with_bot_name_and_admin_rights(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    fake.add_chat(GROUP, chat_type="supergroup", title="Analysts")
    fake.user_message(GROUP, "/help@summitwatch_test_bot", user_id=5, language_code="ru")
    [reply] = await fake.wait_for_messages(GROUP, 1)
    assert reply.chat_id == GROUP
    assert reply.plain_text is not None and reply.plain_text.startswith("Команды")
    # A plain member may not change the group's language ...
    fake.user_message(GROUP, "/lang az", user_id=5)
    replies = await fake.wait_for_messages(GROUP, 2)
    assert replies[-1].plain_text == "Only the group's administrators can change this."
    # ... an administrator may.
    fake.set_member_status(GROUP, 6, "administrator")
    fake.user_message(GROUP, "/lang az", user_id=6)
    replies = await fake.wait_for_messages(GROUP, 3)
    assert replies[-1].plain_text == "Hazırdır: bu söhbətdə azərbaycanca danışacağam."


async def test_command_menus_are_published_per_language_and_scope(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    private_ru = fake.commands_for("all_private_chats", "ru")
    group_az = fake.commands_for("all_group_chats", "az")
    default_private = fake.commands_for("all_private_chats", "")
    assert {"command": "lang", "description": "Выбрать язык чата"} in private_ru
    assert {"command": "help", "description": "Bütün əmrlər"} in group_az
    assert [c["command"] for c in default_private][:3] == ["start", "help", "subscribe"]
    assert "deadletters" not in [c["command"] for c in group_az]


async def test_allowed_chats_refuse_others_politely(fake: FakeBotAPI, sqlite_url: str) -> None:
    settings = bot_settings(fake, sqlite_url, SUMMITWATCH_ALLOWED_CHATS="2001")
    async with running_bot(settings):
        fake.user_message(2002, "/start", language_code="ru")
        [refusal] = await fake.wait_for_messages(2002, 1)
        assert refusal.plain_text == (
            "Извините, этот бот работает только для своей команды и недоступен в этом чате."
        )
        fake.user_message(2001, "/start")
        [welcome] = await fake.wait_for_messages(2001, 1)
        assert welcome.plain_text is not None and welcome.plain_text.startswith("Hello")
