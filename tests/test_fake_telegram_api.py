"""Tests of the fake Telegram Bot API, driven by the real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import random
import struct
import time
import zlib
from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    ChatMemberAdministrator,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes
from telegram.request import HTTPXRequest

from tests.fakes.telegram_api import DEFAULT_TOKEN, FakeBotAPI, FaultKind, Sent
from tests.fakes.telegram_text import (
    bot_command_entities,
    parse_text,
    trim_formatted,
    utf16_len,
)

TOKEN = DEFAULT_TOKEN


class ManualClock:
    """A clock a test moves by hand, so sliding windows can be tested without sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def png(width: int = 4, height: int = 3) -> bytes:
    """A valid RGB PNG of the given size."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data)
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + b"\xff\x80\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token=TOKEN) as api:
        yield api


@pytest.fixture
async def bot(fake: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url) as client:
        yield client


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns (an error under filterwarnings=error) whenever it builds a RetryAfter,
    # unless told to use timedeltas for time periods.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


def keyboard(*callback_data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d) for d in callback_data]])


# ------------------------------------------------------------------- basics and transport


async def test_get_me_describes_the_bot(bot: Bot) -> None:
    me = await bot.get_me()

    assert me.is_bot
    assert me.username == "summitwatch_test_bot"
    assert me.id == 123456
    assert me.can_join_groups
    assert me.can_read_all_group_messages is False


async def test_unknown_token_is_401_and_unknown_method_is_404(fake: FakeBotAPI) -> None:
    root = fake.base_url
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{root}123456:WRONG/getMe") as response:
            assert response.status == 401
            assert await response.json() == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }
        async with session.post(f"{root}{TOKEN}/sendTelepathy") as response:
            assert response.status == 404
            assert await response.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found",
            }

    # PTB checks the token with getMe when the bot is entered.
    with pytest.raises(InvalidToken):
        async with Bot("123456:WRONG", base_url=fake.base_url):
            pass
    assert fake.count("getMe", 401) == 2


async def test_json_query_and_urlencoded_bodies_are_understood(fake: FakeBotAPI) -> None:
    url = f"{fake.base_url}{TOKEN}"
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{url}/sendMessage", json={"chat_id": 7, "text": "json", "reply_markup": markup}
        ) as response:
            body = await response.json()
            assert body["ok"] is True
            assert body["result"]["reply_markup"] == markup
        async with session.get(f"{url}/SENDMESSAGE", params={"chat_id": "8", "text": "q"}) as r:
            assert (await r.json())["result"]["text"] == "q"
        form = {"chat_id": "9", "text": "form", "reply_markup": json.dumps(markup)}
        async with session.post(f"{url}/sendMessage", data=form) as response:
            assert (await response.json())["result"]["chat"]["id"] == 9

    assert [s.text for s in fake.sent] == ["json", "q", "form"]
    assert fake.sent[0].reply_markup == markup
    assert fake.sent[2].reply_markup == markup


# -------------------------------------------------------------------------- sending text


async def test_send_message_is_recorded_with_html_parse_mode(fake: FakeBotAPI, bot: Bot) -> None:
    fake.limits_enabled = False  # two messages to one chat within a second
    first = await bot.send_message(
        42, "<b>Jet</b> seen &amp; tracked", parse_mode="HTML", reply_markup=keyboard("more")
    )
    second = await bot.send_message(42, "again", disable_notification=True)
    elsewhere = await bot.send_message(43, "other chat")

    assert (first.message_id, second.message_id, elsewhere.message_id) == (1, 2, 1)
    assert first.text == "Jet seen & tracked"
    assert first.entities[0].type == "bold"
    assert (first.entities[0].offset, first.entities[0].length) == (0, 3)
    assert first.from_user is not None and first.from_user.username == "summitwatch_test_bot"
    assert abs(first.date.timestamp() - time.time()) < 5
    sent = fake.sent_to(42)
    assert [s.message_id for s in sent] == [1, 2]
    assert sent[0].method == "sendMessage"
    assert sent[0].text == "<b>Jet</b> seen &amp; tracked"
    assert sent[0].plain_text == "Jet seen & tracked"
    assert sent[0].parse_mode == "HTML"
    assert sent[0].reply_markup == {
        "inline_keyboard": [[{"text": "more", "callback_data": "more"}]]
    }
    assert sent[1].extra["disable_notification"] is True
    assert fake.requests[-1].ok


async def test_text_length_counts_utf16_after_markup(fake: FakeBotAPI, bot: Bot) -> None:
    fake.limits_enabled = False
    await bot.send_message(1, "x" * 4096)
    await bot.send_message(1, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    await bot.send_message(1, "😀" * 2048)  # 4096 UTF-16 code units

    for too_long in ("x" * 4097, "😀" * 2048 + "x"):
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(1, too_long)
    with pytest.raises(BadRequest, match=r"(?i)message caption is too long"):
        await bot.send_photo(1, png(), caption="c" * 1025)

    assert len(fake.sent) == 3
    assert fake.requests[-1].description == "Bad Request: message caption is too long"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<div>x</div>", 'unsupported start tag "div"'),
        ("<b>bold", 'can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("1 < 2", 'unsupported start tag "" at byte offset 2'),
        ("AT&T", 'unescaped "&" at byte offset 2'),
        ("<span>x</span>", 'tag "span" must have class "tg-spoiler"'),
    ],
)
async def test_bad_html_cannot_be_parsed(
    fake: FakeBotAPI, bot: Bot, text: str, reason: str
) -> None:
    with pytest.raises(BadRequest) as raised:
        await bot.send_message(5, text, parse_mode="HTML")

    # PTB capitalises Telegram's description after stripping "Bad Request: ".
    assert raised.value.message.lower().startswith("can't parse entities: ")
    assert reason.lower() in raised.value.message.lower()
    assert fake.sent == []


async def test_supported_html_and_markdown_v2(fake: FakeBotAPI, bot: Bot) -> None:
    fake.limits_enabled = False
    html = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike>"
        '<del>d</del><span class="tg-spoiler">p</span><tg-spoiler>q</tg-spoiler>'
        '<a href="https://example.org/?a=1&amp;b=2">a</a><code>c</code>'
        '<pre><code class="language-python">x = 1</code></pre><blockquote>q</blockquote>'
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    message = await bot.send_message(1, html, parse_mode="HTML")

    types = [entity.type for entity in message.entities]
    assert types.count("bold") == 2 and types.count("strikethrough") == 3
    assert "pre" in types and "blockquote" in types and "custom_emoji" in types
    link = next(entity for entity in message.entities if entity.type == "text_link")
    assert link.url == "https://example.org/?a=1&b=2"

    markdown = await bot.send_message(1, r"*bold* and \. escaped", parse_mode="MarkdownV2")
    assert markdown.text == "bold and . escaped"
    with pytest.raises(BadRequest, match=r"(?i)character '\.' is reserved"):
        await bot.send_message(1, "unescaped.", parse_mode="MarkdownV2")


async def test_empty_text_is_refused(bot: Bot) -> None:
    for text in ("   \n ", "<b></b>"):
        with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
            await bot.send_message(1, text, parse_mode="HTML")


# ------------------------------------------------------------------------- chat states


async def test_chat_states_map_to_telegram_errors(fake: FakeBotAPI, bot: Bot) -> None:
    fake.mark_blocked(100)
    fake.mark_kicked(-200)
    fake.mark_kicked(-1000000000300)
    fake.mark_unknown(400)
    fake.mark_deactivated(500)

    with pytest.raises(Forbidden, match=r"(?i)^forbidden: bot was blocked by the user$"):
        await bot.send_message(100, "hi")
    with pytest.raises(Forbidden, match=r"(?i)bot was kicked from the group chat"):
        await bot.send_message(-200, "hi")
    with pytest.raises(Forbidden, match=r"(?i)bot was kicked from the supergroup chat"):
        await bot.send_message(-1000000000300, "hi")
    with pytest.raises(BadRequest, match=r"(?i)^chat not found$"):
        await bot.send_message(400, "hi")
    with pytest.raises(Forbidden, match=r"(?i)user is deactivated"):
        await bot.send_message(500, "hi")

    fake.mark_ok(100)
    await bot.send_message(100, "welcome back")
    assert [s.chat_id for s in fake.sent] == [100]
    assert [r.status for r in fake.requests] == [200, 403, 403, 403, 400, 403, 200]


async def test_migrated_group_raises_chat_migrated(fake: FakeBotAPI, bot: Bot) -> None:
    new_id = fake.mark_migrated(-555)

    with pytest.raises(ChatMigrated) as raised:
        await bot.send_message(-555, "hello group")

    assert raised.value.new_chat_id == new_id == -1000000000555
    assert fake.requests[-1].description == (
        "Bad Request: group chat was upgraded to a supergroup chat"
    )
    message = await bot.send_message(new_id, "hello supergroup")
    assert message.chat.type == "supergroup"


# ----------------------------------------------------------------------- flood control


async def test_one_message_per_second_per_chat_after_a_short_burst(
    fake: FakeBotAPI, bot: Bot
) -> None:
    """Telegram tolerates short bursts in a chat, then holds it to one message a second."""
    clock = ManualClock()
    fake.clock = clock
    for i in range(fake.chat_burst):  # a burst of 20 at one instant goes through
        await bot.send_message(7, f"burst {i}")

    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(7, "too soon")
    assert raised.value.retry_after == dtm.timedelta(seconds=1)
    await bot.send_message(8, "another chat is fine")

    clock.now += 0.999
    with pytest.raises(RetryAfter):
        await bot.send_message(7, "still too soon")
    clock.now += 0.001
    await bot.send_message(7, "now")  # the bucket refilled one send
    with pytest.raises(RetryAfter):
        await bot.send_message(7, "and no more this second")

    assert len(fake.sent_to(7)) == fake.chat_burst + 1
    assert fake.count("sendMessage", 429) == 3
    refused = fake.requests[fake.chat_burst + 1]  # after getMe and the burst
    assert (refused.status, refused.description) == (429, "Too Many Requests: retry after 1")


async def test_a_burst_of_one_is_the_strict_second(fake: FakeBotAPI, bot: Bot) -> None:
    clock = ManualClock()
    fake.clock = clock
    fake.chat_burst = 1
    await bot.send_message(7, "first")
    with pytest.raises(RetryAfter):
        await bot.send_message(7, "too soon")
    clock.now += 1.0
    await bot.send_message(7, "now")
    assert [s.plain_text for s in fake.sent_to(7)] == ["first", "now"]


async def test_twenty_messages_per_minute_per_group(fake: FakeBotAPI, bot: Bot) -> None:
    clock = ManualClock()
    fake.clock = clock
    for i in range(20):
        await bot.send_message(-300, f"alert {i}")
        clock.now += 1.0  # respect the per-chat second

    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(-300, "one too many")
    # The first send happened 20 s ago, so it leaves the 60 s window in 40 s.
    assert raised.value.retry_after == dtm.timedelta(seconds=40)
    await bot.send_message(-301, "another group is fine")

    clock.now += 40.0
    await bot.send_message(-300, "window slid")
    assert len(fake.sent_to(-300)) == 21


async def test_thirty_messages_per_second_overall(fake: FakeBotAPI, bot: Bot) -> None:
    clock = ManualClock()
    fake.clock = clock
    for chat_id in range(1, 31):
        await bot.send_message(chat_id, "broadcast")

    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(31, "broadcast")
    assert raised.value.retry_after == dtm.timedelta(seconds=1)

    clock.now += 1.0
    for chat_id in range(1, 31):  # edits count per chat only, not in the overall window
        await bot.edit_message_text("edited", chat_id=chat_id, message_id=1)
    await bot.send_message(31, "broadcast")
    assert len([s for s in fake.sent if s.method == "sendMessage"]) == 31


async def test_limits_can_be_switched_off_and_tuned(fake: FakeBotAPI, bot: Bot) -> None:
    fake.limits_enabled = False
    for i in range(50):
        await bot.send_message(9, f"m{i}")
    fake.limits_enabled = True
    fake.reset_limits()
    fake.chat_burst = 3
    for i in range(3):
        await bot.send_message(9, f"burst {i}")
    with pytest.raises(RetryAfter):
        await bot.send_message(9, "fourth")
    assert len(fake.sent) == 53


# ------------------------------------------------------------------------------ photos


async def test_send_photo_is_multipart_and_recorded(fake: FakeBotAPI, bot: Bot) -> None:
    image = png(64, 48)

    message = await bot.send_photo(
        -1000000000777, image, caption="<i>Venue</i> map", parse_mode="HTML"
    )

    assert message.caption == "Venue map"
    assert message.caption_entities[0].type == "italic"
    biggest = message.photo[-1]
    assert (biggest.width, biggest.height, biggest.file_size) == (64, 48, len(image))
    [sent] = fake.sent
    assert sent.method == "sendPhoto"
    assert sent.photo_size == len(image)
    assert sent.caption == "<i>Venue</i> map"
    assert sent.plain_text == "Venue map"
    assert fake.file_bytes(biggest.file_id) == image

    downloaded = await (await bot.get_file(biggest.file_id)).download_as_bytearray()
    assert bytes(downloaded) == image

    resent = await bot.send_photo(-1000000000778, biggest.file_id)
    assert resent.photo[-1].file_id == biggest.file_id
    with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
        await bot.send_photo(1, b"not an image")


async def test_location_and_venue(fake: FakeBotAPI, bot: Bot) -> None:
    location = await bot.send_location(11, latitude=40.4093, longitude=49.8671)
    venue = await bot.send_venue(
        12, latitude=46.2044, longitude=6.1432, title="Palais des Nations", address="Geneva"
    )

    assert location.location is not None and location.location.latitude == 40.4093
    assert venue.venue is not None and venue.venue.title == "Palais des Nations"
    assert fake.sent[1].extra["latitude"] == 46.2044
    assert fake.sent[1].extra["title"] == "Palais des Nations"
    with pytest.raises(BadRequest):
        await bot.send_location(13, latitude=91.0, longitude=0.0)


# --------------------------------------------------------------------- updates and users


async def test_long_poll_wakes_on_injected_message_and_honours_offset(
    fake: FakeBotAPI, bot: Bot
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    started = time.monotonic()
    injected = fake.user_message(
        42, "/start@summitwatch_test_bot go", language_code="ru", first_name="Ilham"
    )

    [update] = await poll
    assert time.monotonic() - started < 1.0
    assert update.update_id == injected["update_id"]
    assert update.message is not None
    assert update.message.text == "/start@summitwatch_test_bot go"
    [entity] = update.message.entities
    assert (entity.type, entity.offset, entity.length) == ("bot_command", 0, 27)
    assert update.message.from_user is not None
    assert update.message.from_user.language_code == "ru"

    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [update.update_id]  # not confirmed yet
    fake.user_message(42, "second")
    confirmed = await bot.get_updates(offset=update.update_id + 1, timeout=0)
    assert [u.message.text for u in confirmed if u.message] == ["second"]
    assert [u["message"]["text"] for u in fake.pending_updates] == ["second"]
    assert await bot.get_updates(offset=confirmed[-1].update_id + 1, timeout=0) == ()
    assert fake.pending_updates == []


async def test_get_updates_limit_allowed_updates_and_conflict(fake: FakeBotAPI, bot: Bot) -> None:
    for i in range(3):
        fake.user_message(1, f"m{i}")

    assert len(await bot.get_updates(limit=2)) == 2
    assert await bot.get_updates(allowed_updates=["callback_query"]) == ()
    # allowed_updates is remembered until a call changes it.
    assert await bot.get_updates() == ()
    assert len(await bot.get_updates(allowed_updates=[])) == 3

    requests = HTTPXRequest(connection_pool_size=4)
    async with Bot(TOKEN, base_url=fake.base_url, get_updates_request=requests) as other:
        first = asyncio.create_task(other.get_updates(offset=10_000, timeout=5))
        await asyncio.sleep(0.05)
        second = asyncio.create_task(
            bot.get_updates(offset=10_000, timeout=dtm.timedelta(seconds=0.2))
        )
        with pytest.raises(Conflict, match=r"(?i)terminated by other getUpdates request"):
            await first
        assert await second == ()


async def test_group_privacy_mode_hides_plain_messages(fake: FakeBotAPI, bot: Bot) -> None:
    hidden = fake.user_message(-77, "just chatting", chat_title="Analysts")
    shown = fake.user_message(-77, "/status", chat_title="Analysts")
    foreign = fake.user_message(-77, "/status@other_bot")

    assert hidden["update_id"] is None and foreign["update_id"] is None
    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [shown["update_id"]]
    assert updates[0].message is not None and updates[0].message.chat.title == "Analysts"
    assert updates[0].message.chat.type == "group"


async def test_callback_press_answer_and_edit(fake: FakeBotAPI, bot: Bot) -> None:
    fake.limits_enabled = False
    message = await bot.send_message(5, "Pick a venue", reply_markup=keyboard("geneva", "baku"))
    press = fake.callback_press(5, message.message_id, "baku", language_code="az")

    [update] = await bot.get_updates()
    query = update.callback_query
    assert query is not None and query.data == "baku"
    assert query.from_user.language_code == "az"
    assert query.message is not None and query.message.message_id == message.message_id
    assert query.id == press["callback_query"]["id"]

    await bot.answer_callback_query(query.id, text="Baku selected")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query.id)
    [answer] = fake.answered_callbacks
    assert (answer.text, answer.data, answer.message_id) == ("Baku selected", "baku", 1)

    edited = await bot.edit_message_text("Baku it is", chat_id=5, message_id=message.message_id)
    assert isinstance(edited, type(message)) and edited.edit_date is not None
    assert edited.reply_markup is None  # an edit without reply_markup drops the keyboard
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Baku it is", chat_id=5, message_id=message.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("nope", chat_id=5, message_id=999)
    with pytest.raises(ValueError, match="no button"):
        fake.callback_press(5, message.message_id, "geneva")
    assert [s.method for s in fake.sent_to(5)] == ["sendMessage", "editMessageText"]


async def test_bot_added_to_group_and_blocked(fake: FakeBotAPI, bot: Bot) -> None:
    fake.bot_added_to_group(-900, title="Summit desk", status="administrator")
    fake.user_blocked_bot(901)

    updates = await bot.get_updates()
    kinds = [
        (u.my_chat_member.new_chat_member.status, u.my_chat_member.chat.id)
        for u in updates
        if u.my_chat_member
    ]
    assert kinds == [("administrator", -900), ("kicked", 901)]
    with pytest.raises(Forbidden):
        await bot.send_message(901, "hello?")
    await bot.send_message(-900, "thanks for adding me")


async def test_get_chat_member_statuses(fake: FakeBotAPI, bot: Bot) -> None:
    fake.set_member_status(-10, 1, "creator")
    fake.set_member_status(-10, 2, "administrator")
    fake.set_member_status(-10, 4, "left")

    owner = await bot.get_chat_member(-10, 1)
    admin = await bot.get_chat_member(-10, 2)
    member = await bot.get_chat_member(-10, 3)
    gone = await bot.get_chat_member(-10, 4)

    assert isinstance(owner, ChatMemberOwner)
    assert isinstance(admin, ChatMemberAdministrator)
    assert isinstance(member, ChatMemberMember)
    assert isinstance(gone, ChatMemberLeft)
    chat = await bot.get_chat(-10)
    assert chat.type == "group" and chat.title == "Group 10"


async def test_commands_are_stored_per_scope_and_language(fake: FakeBotAPI, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("venues", "Venues")])
    await bot.set_my_commands(
        [BotCommand("start", "Начать")], scope=BotCommandScopeAllGroupChats(), language_code="ru"
    )
    await bot.set_my_commands([BotCommand("admin", "Admin")], scope=BotCommandScopeChat(-5))

    assert [c["command"] for c in fake.commands_for()] == ["start", "venues"]
    assert fake.commands_for("all_group_chats", "ru") == [
        {"command": "start", "description": "Начать"}
    ]
    assert fake.commands_for({"type": "chat", "chat_id": -5}) == [
        {"command": "admin", "description": "Admin"}
    ]
    fetched = await bot.get_my_commands(scope=BotCommandScopeAllGroupChats(), language_code="ru")
    assert [c.description for c in fetched] == ["Начать"]
    assert await bot.get_my_commands(language_code="az") == ()
    await bot.delete_my_commands()
    assert fake.commands_for() == []
    with pytest.raises(BadRequest):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])


async def test_webhook_is_recorded_and_blocks_polling(fake: FakeBotAPI, bot: Bot) -> None:
    await bot.set_webhook("https://example.org/hook", max_connections=5)
    info = await bot.get_webhook_info()
    assert info.url == "https://example.org/hook" and info.max_connections == 5
    with pytest.raises(Conflict):
        await bot.get_updates()
    await bot.delete_webhook()
    assert fake.webhook is None
    assert await bot.get_updates() == ()


# ------------------------------------------------------------------------ fault injection


def expected_faults(seed: int, rate: float, kinds: tuple[FaultKind, ...], calls: int) -> list[str]:
    """The documented draw: one random() per call, then choice() of the kind if it fails."""
    rng = random.Random(seed)
    outcome: list[str] = []
    for _ in range(calls):
        outcome.append(rng.choice(kinds) if rng.random() < rate else "ok")
    return outcome


async def test_fault_injection_mix_is_reproducible(fake: FakeBotAPI) -> None:
    kinds: tuple[FaultKind, ...] = ("429", "500", "502", "timeout")
    fake.limits_enabled = False
    fake.fault_timeout = 0.5
    fake.inject_faults(rate=0.3, kinds=kinds, seed=1)
    request = HTTPXRequest(read_timeout=0.1, connection_pool_size=4)
    outcome: list[str] = []
    async with Bot(TOKEN, base_url=fake.base_url, request=request) as client:
        for i in range(40):
            try:
                await client.send_message(i + 1, "tick")
                outcome.append("ok")
            except RetryAfter:
                outcome.append("429")
            except TimedOut:
                outcome.append("timeout")
            except NetworkError as err:
                outcome.append("500" if "Internal Server Error" in err.message else "502")

    assert outcome == expected_faults(1, 0.3, kinds, 40)
    assert set(outcome) == {"ok", *kinds}
    assert len(fake.sent) == outcome.count("ok")
    delivered = {s.chat_id for s in fake.sent}
    assert delivered == {i + 1 for i, kind in enumerate(outcome) if kind == "ok"}
    statuses = [r.status for r in fake.requests if r.method == "sendMessage"]
    assert statuses.count(None) == outcome.count("timeout")
    assert statuses.count(429) == outcome.count("429")
    assert all(r.injected for r in fake.requests if r.status != 200 and r.method != "getMe")


async def test_fail_next_and_timeouts_are_not_delivered(fake: FakeBotAPI) -> None:
    fake.fault_timeout = 1.0
    fake.limits_enabled = False
    fake.fail_next("sendMessage", "timeout")
    fake.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    fake.fail_next("sendmessage", 429, parameters={"retry_after": 3})
    request = HTTPXRequest(read_timeout=0.2)
    async with Bot(TOKEN, base_url=fake.base_url, request=request) as client:
        started = time.monotonic()
        with pytest.raises(TimedOut):
            await client.send_message(1, "lost")
        assert time.monotonic() - started < 0.9
        with pytest.raises(Forbidden):
            await client.send_message(1, "refused")
        with pytest.raises(RetryAfter):
            await client.send_message(1, "throttled")
        await client.send_message(1, "delivered")

    assert [s.plain_text for s in fake.sent] == ["delivered"]
    assert [r.status for r in fake.requests[1:]] == [None, 403, 429, 200]
    assert fake.requests[3].description == "Too Many Requests: retry after 3"


# ------------------------------------------------------------------------- waiting helpers


async def test_wait_helpers_wake_on_sends(fake: FakeBotAPI, bot: Bot) -> None:
    async def later() -> None:
        await asyncio.sleep(0.05)
        await bot.send_message(3, "one")
        await bot.send_message(4, "two")
        await bot.send_message(-3, "<b>three</b>", parse_mode="HTML")

    task = asyncio.create_task(later())
    match = await fake.wait_for(lambda s: s.plain_text == "three", timeout=2)
    await task

    assert match.chat_id == -3
    assert len(await fake.wait_for(3)) == 3
    assert [s.plain_text for s in await fake.wait_for_messages(4, 1)] == ["two"]
    await fake.wait_until(lambda: fake.count("sendMessage") == 3)
    with pytest.raises(TimeoutError, match="2 messages to 4"):
        await fake.wait_for_messages(4, 2, timeout=0.05)


# ---------------------------------------------------------------- end to end and throughput


async def test_real_application_round_trip(fake: FakeBotAPI) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(
            "<b>Welcome</b>", parse_mode="HTML", reply_markup=keyboard("go")
        )

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer("Going")
        await update.callback_query.edit_message_text("Gone")

    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    fake.limits_enabled = False  # the handler edits its reply within the same second
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=dtm.timedelta(seconds=2))
        fake.user_message(77, "/start")
        [reply] = await fake.wait_for_messages(77, 1)
        fake.callback_press(77, reply.message_id, "go")
        edit = await fake.wait_for(lambda s: s.method == "editMessageText")
        await app.updater.stop()
        await app.stop()

    assert reply.plain_text == "Welcome"
    assert edit.plain_text == "Gone"
    assert [a.text for a in fake.answered_callbacks] == ["Going"]
    assert fake.pending_updates == []  # the shutdown poll confirmed everything


async def test_thousand_concurrent_sends_are_fast(fake: FakeBotAPI) -> None:
    fake.limits_enabled = False
    url = f"{fake.base_url}{TOKEN}/sendMessage"
    connector = aiohttp.TCPConnector(limit=32)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def send(chat_id: int) -> None:
            data = {"chat_id": str(chat_id), "text": "<b>fan-out</b>", "parse_mode": "HTML"}
            async with session.post(url, data=data) as response:
                assert response.status == 200
                await response.read()

        started = time.monotonic()
        await asyncio.gather(*(send(chat_id) for chat_id in range(1, 1001)))
        elapsed = time.monotonic() - started

    assert len(fake.sent) == 1000
    assert elapsed < 3.0, f"1000 sends took {elapsed:.2f} s"


async def test_reply_markup_edit_and_delete(fake: FakeBotAPI, bot: Bot) -> None:
    fake.limits_enabled = False
    message = await bot.send_message(6, "Menu", reply_markup=keyboard("a"))

    edited = await bot.edit_message_reply_markup(6, message.message_id, reply_markup=keyboard("b"))
    assert isinstance(edited, type(message))
    assert edited.reply_markup == keyboard("b")
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(6, message.message_id, reply_markup=keyboard("b"))
    assert await bot.delete_message(6, message.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(6, message.message_id)
    assert fake.deleted == [(6, message.message_id)]


async def test_stop_releases_a_pending_long_poll() -> None:
    fake = FakeBotAPI()
    await fake.start()
    url = f"{fake.base_url}{TOKEN}/getUpdates"
    async with aiohttp.ClientSession() as session:

        async def poll() -> object:
            async with session.post(url, data={"timeout": "30"}) as response:
                return await response.json()

        pending = asyncio.create_task(poll())
        await asyncio.sleep(0.05)
        started = time.monotonic()
        await fake.stop()
        assert await pending == {"ok": True, "result": []}
        assert time.monotonic() - started < 2.0


async def test_lenient_ampersand_matches_telegram(fake: FakeBotAPI, bot: Bot) -> None:
    fake.strict_ampersand = False
    message = await bot.send_message(1, "AT&T &lt;3", parse_mode="HTML")
    assert message.text == "AT&T <3"


def test_text_helpers() -> None:
    assert utf16_len("a😀é") == 4
    assert bot_command_entities("hi /help and /start@summitwatch_test_bot x/y") == [
        {"offset": 3, "length": 5, "type": "bot_command"},
        {"offset": 13, "length": 27, "type": "bot_command"},
    ]
    plain, entities = parse_text("  <b>bold</b> text \n", "HTML")
    assert trim_formatted(plain, entities) == (
        "bold text",
        [{"offset": 0, "length": 4, "type": "bold"}],
    )
    assert parse_text("*b* _i_ [l](https://x.org)", "Markdown") == (
        "b i l",
        [
            {"offset": 0, "length": 1, "type": "bold"},
            {"offset": 2, "length": 1, "type": "italic"},
            {"offset": 4, "length": 1, "type": "text_link", "url": "https://x.org"},
        ],
    )
    assert parse_text("😀<b>x</b>", "HTML")[1] == [{"offset": 2, "length": 1, "type": "bold"}]


def test_sent_is_immutable() -> None:
    record = Sent("sendMessage", 1, 1, "t", None, None, None, {}, 0.0)
    mutate: Callable[[], None] = lambda: setattr(record, "text", "x")  # noqa: E731
    with pytest.raises(AttributeError):
        mutate()
