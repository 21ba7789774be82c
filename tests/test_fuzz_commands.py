"""Seeded fuzzing of every command and every button through the real bot and the fake Bot API.

A few hundred messages: each command of handlers.catalog.COMMANDS with random and hostile
arguments (huge numbers, digits of other scripts, Unicode spaces, RTL marks, HTML-ish
text, empty, very long, @mentions), in private chats and groups, from bot admins and
others; then forged presses of every callback-data pattern the handlers register. The
bot must never fail: no handler exception is logged, no apology is sent, every command
is answered and every press of one of our buttons is answered.

The seed is fixed so a failure can be replayed; it is printed with every failure
(`SUMMITWATCH_FUZZ_SEED=N pytest tests/test_fuzz_commands.py` runs another).
"""

from __future__ import annotations

import logging
import os
import random
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest
from telegram.ext import CallbackQueryHandler

from bot.runtime.app import SummitApp
from handlers.catalog import COMMANDS
from tests.e2e import ADMIN_ID, bot_settings, running_bot
from tests.fakes.telegram_api import FakeBotAPI
from tests.webhook_bots import free_port

# Fixed, so a failure replays; SUMMITWATCH_FUZZ_SEED tries another one locally.
SEED = int(os.environ.get("SUMMITWATCH_FUZZ_SEED", "20261207"))
# (messages, presses) per mode; webhook mode runs fewer, its own paths being few.
ROUNDS = {"polling": (300, 100), "webhook": (150, 50)}
BOT_NAME = "summitwatch_test_bot"
APOLOGY = "Sorry, something went wrong"
# A command's answer may take a moment (a map is drawn, a source checked): generous.
REPLY_TIMEOUT_S = 30.0

_HUGE = ["9" * 11, "9" * 20, "1" + "0" * 400, "7" * 5000, "-1", "0", "00000000000000000001"]
_DIGITS = ["²", "٣", "５", "߁", "۹۹", "Ⅻ", "½", "𝟗"]
_SPACES = ["\u00a0", "\u2003", "\u3000", "\u2028", "\u200b", "\t", "\n"]
_MARKS = ["\u200f", "\u202e", "\u200e", "\ufeff", "\u2066"]
_HTML = ["<b>", "</pre>", "&amp;", "<script>alert(1)</script>", "a & b", '"><a href=x>', "<"]
_WORDS = [
    "witkoff", "Уиткофф", "uitkoff", "baku", "Баку", "putin", "all", "retry", "add", "remove",
    "set", "history", "en", "ru", "az", "person", "aircraft", "venue", "source", "operator",
    "category", "a1b2c3", "000000", "0x1f", "ffa001", "DEMO1", "believed", "confirmed", "|",
    "—", "--", "kremlin-en", "icc", "not_party", "http://127.0.0.1/feed", "ftp://x",
    "javascript:alert(1)", "http://[::1]/", "2h", "1d", "90m", "31d", "0h", "1h30m",
]  # fmt: skip
_MENTIONS = ["@" + BOT_NAME, "@someone", "@", "@@", "@" + "x" * 40]
_LANGUAGES = ["en", "ru", "az", None, "xx", "ru-RU"]
_ADMIN_COMMANDS = {"deadletters", "track", "untrack", "source", "venue"}
_ODD_MESSAGES = ["/", "/ ", "//", "/@", "/@" + BOT_NAME, "/" + "a" * 40, "/nosuchcommand 1"]
_ODD_MESSAGES += ["/" + space for space in _SPACES] + ["/" + space + "help" for space in _SPACES]


# Channels as typed: the fixture's (linked by nobody, the bot its administrator), unknown
# ones, and malformed ids and names.
CHANNEL = -1001234567890
FORUM_BASE = -1009000000000
_CHANNELS = ["@desk_alerts", "@no_such_channel", str(CHANNEL), "-100", "-100abc", "@", "@x!"]


def _in_channel(rng: random.Random) -> list[str]:
    """Sometimes `in <channel>` after a command's arguments."""
    return ["in", rng.choice(_CHANNELS)] if rng.random() < 0.3 else []


@dataclass(frozen=True)
class Sent:
    """One fuzzed message and who sent it where."""

    chat_id: int
    user_id: int
    text: str
    language: str | None
    answered: bool  # a command for this bot: it must be answered
    topic: bool = False  # written in a forum topic: every answer must land in it


def _argument(rng: random.Random) -> str:
    kind = rng.randrange(9)
    if kind == 0:
        return rng.choice(_HUGE)
    if kind == 1:
        return rng.choice(_DIGITS) * rng.randint(1, 3)
    if kind == 2:
        return rng.choice(_WORDS) + rng.choice(_MARKS)
    if kind == 3:
        return rng.choice(_HTML)
    if kind == 4:
        return rng.choice(_MENTIONS)
    if kind == 5:
        return "".join(rng.choice("аəxЖ1 -_") for _ in range(rng.randint(100, 1500)))
    if kind == 6:
        return rng.choice(_WORDS) + rng.choice(_SPACES) + rng.choice(_WORDS)
    return rng.choice(_WORDS)


def _number(rng: random.Random) -> str:
    """Mostly numbers that used to break a command: too big, or digits of other scripts."""
    return rng.choice([*_HUGE, *_HUGE, *_DIGITS, "5", "20"])


# Arguments shaped like each command's usage, so the number paths are reached often.
_SHAPED: dict[str, Callable[[random.Random], list[str]]] = {
    "mute": lambda r: [_number(r) + r.choice(["d", "h", "m", "min", "w"])],
    "flights": lambda r: [r.choice(["witkoff", "ffa001", "DEMO1"]), _number(r)],
    "deadletters": lambda r: ["retry", *(_number(r) for _ in range(r.randint(1, 3)))],
    "status": lambda r: [r.choice(["putin", "aliyev", "witkoff", _number(r)]), _number(r)],
    "fleet": lambda r: [r.choice(["government", "россия", "azərbaycan", "x"]), _number(r)],
    "subscribe": lambda r: [r.choice(_WORDS), _argument(r), *_in_channel(r)],
    "unsubscribe": lambda r: [r.choice(_WORDS), _number(r)],
    "lang": lambda r: [r.choice(["en", "ru", "az", "EN", "ru-RU", *_DIGITS]), *_in_channel(r)],
    "channel": lambda r: [
        r.choice(["add", "remove", "list", "link", "sil", "удалить", _argument(r)]),
        r.choice([*_CHANNELS, _number(r), _argument(r)]),
    ],
    "track": lambda r: [r.choice(["a1b2c3", "000000", _number(r)]), "witkoff", "believed"],
    "untrack": lambda r: [r.choice(["a1b2c3", _number(r)]), _argument(r)],
    "source": lambda r: [r.choice(["add", "remove"]), r.choice(_WORDS), r.choice(_LANGUAGES) or ""],
    "venue": lambda r: ["set", "baku", "icc", _argument(r), _argument(r)],
    "venues": lambda r: [r.choice(["all", _number(r)])],
    "statements": lambda r: [_argument(r)],
    "tz": lambda r: [
        r.choice(["Europe/Berlin", "asia/baku", "Mars/Base", "off", "../etc", _number(r)])
    ],
    "quiet": lambda r: [
        r.choice(["23:00-07:00", "23:00-23:00", "00:00-24:00", "25:00-1:00", "off", _number(r)]),
        r.choice(["landing", "statement", "22:00-02:00", _argument(r)]),
    ],
    "export": lambda r: [
        r.choice(["witkoff", "ffa001", "kremlin-en", "baku", _argument(r)]),
        _number(r),
        r.choice(["csv", "json", "xml", ""]),
    ],
    "timeline": lambda r: [
        r.choice(["witkoff", "Уиткоффа", "ffa001", "DEMO1", "Баку", "Bakıda", "GYD", "UBBB"]),
        r.choice([_number(r), "-3", "0", "91", "7"]),
    ],
    "webhook": lambda r: [
        r.choice(["add", "list", "remove", "ADD", _argument(r)]),
        r.choice(
            ["http://169.254.169.254/x", "http://[::1]/", "ftp://x", "javascript:1", _number(r)]
        ),
        r.choice(["landing", "sometimes", ""]),
    ],
    "digest": lambda r: [r.choice(["08:00", "8", "24:00", "off", "٠٨:٠٠", _number(r)])],
}


def _command_text(rng: random.Random, name: str) -> str:
    head = "/" + (name.upper() if rng.random() < 0.1 else name)
    if rng.random() < 0.3:
        head += "@" + BOT_NAME
    if name in _SHAPED and rng.random() < 0.6:
        words = _SHAPED[name](rng)
    else:
        words = [_argument(rng) for _ in range(rng.choice([0, 0, 1, 1, 2, 3, 5]))]
    separator = rng.choice([" ", " ", "  ", "\n", "\t"])
    return separator.join([head, *words])[:4096]


def _messages(rng: random.Random, count: int) -> list[Sent]:
    names = [command.name for command in COMMANDS]
    sent = []
    for number in range(count):
        name = names[number % len(names)]
        # Most commands that change shared data are for bot admins: ask as one more often.
        admin = rng.random() < (0.8 if name in _ADMIN_COMMANDS else 0.4)
        group = rng.random() < 0.5
        # Some group messages are written in a forum supergroup's topic.
        topic = group and rng.random() < 0.3
        # One chat per message: replies are matched to their command by chat.
        chat_id = -(5_000_000 + number) if group else 6_000_000 + number
        if topic:
            chat_id = FORUM_BASE - number
        user_id = ADMIN_ID if admin else (10_000 + number if group else chat_id)
        if not group and admin:
            chat_id = ADMIN_ID  # the admin's private chat: the one chat with many commands
        language = rng.choice(_LANGUAGES)
        if rng.random() < 0.08:
            sent.append(Sent(chat_id, user_id, rng.choice(_ODD_MESSAGES), language, False))
            continue
        text = _command_text(rng, name)
        sent.append(Sent(chat_id, user_id, text, language, True, topic))
    return sent


def _patterns(app: SummitApp) -> list[str]:
    prefixes = []
    for handlers in app.handlers.values():
        for handler in handlers:
            if isinstance(handler, CallbackQueryHandler) and isinstance(
                handler.pattern, re.Pattern
            ):
                prefixes.append(handler.pattern.pattern.removeprefix("^"))
    return sorted(prefixes)


def _callback_data(rng: random.Random, prefix: str) -> str:
    tails = [
        "",
        rng.choice(["en", "ru", "az", "xx", "kind:person", "kind:all", "kind:nope"]),
        "rm:" + _number(rng),
        "rm:" + _number(rng),
        "add:person:" + rng.choice(["witkoff", "nobody", "", "²"]),
        "add:" + rng.choice(["nope:x", "aircraft:" + _number(rng), "venue:baku"]),
        "retry:" + rng.choice(["all", _number(rng)]),
        rng.choice(["kind:person|", "kind:all|", "add:person:witkoff|", "to:", "ru|", "en|"])
        + rng.choice([str(CHANNEL), "-100", "x", _number(rng)]),
        rng.choice(_HTML + _MARKS + _SPACES),
        "x" * 80,
    ]
    data = prefix + rng.choice(tails)
    # Telegram refuses longer callback data, so no press ever carries more.
    while len(data.encode()) > 64:
        data = data[:-1]
    return data


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token="123456:TEST-token-for-e2e", bot_username=BOT_NAME) as server:
        server.limits_enabled = False
        yield server


@pytest.fixture(params=["polling", "webhook"])
async def app(
    request: pytest.FixtureRequest, fake: FakeBotAPI, sqlite_url: str
) -> AsyncIterator[SummitApp]:
    """The bot by long polling, and by webhook (where an update is answered once handled)."""
    webhook: dict[str, str] = {}
    if request.param == "webhook":
        port = free_port()
        fake.webhook_targets = [f"http://127.0.0.1:{port}/telegram/updates"]
        webhook = {
            "SUMMITWATCH_WEBHOOK_URL": "https://summitwatch.example.org/telegram/updates",
            "SUMMITWATCH_WEBHOOK_SECRET": "fuzz-Secret_0123456789",
            "SUMMITWATCH_WEBHOOK_LISTEN": "127.0.0.1",
            "SUMMITWATCH_WEBHOOK_PORT": str(port),
        }
    async with running_bot(bot_settings(fake, sqlite_url, **webhook)) as application:
        yield application


async def test_fuzzed_commands_and_buttons_never_fail(
    fake: FakeBotAPI, app: SummitApp, caplog: pytest.LogCaptureFixture
) -> None:
    rng = random.Random(SEED)
    where = f"(seed {SEED}; replay with SUMMITWATCH_FUZZ_SEED={SEED})"
    message_count, press_count = ROUNDS["webhook" if fake.webhook else "polling"]
    messages = _messages(rng, message_count)
    fake.add_channel(CHANNEL, username="desk_alerts", title="Desk alerts")
    topics: dict[int, int] = {}
    for message in messages:
        thread_id = None
        if message.topic:
            fake.add_chat(message.chat_id, chat_type="supergroup")
            fake.make_forum(message.chat_id)
            thread_id = topics[message.chat_id] = fake.create_forum_topic(message.chat_id, "Desk")
        fake.user_message(
            message.chat_id,
            message.text,
            user_id=message.user_id,
            language_code=message.language,
            chat_type=None if message.topic else "group" if message.chat_id < 0 else "private",
            thread_id=thread_id,
        )
    # Every command gets at least one message (a chat with n commands, at least n).
    commands = Counter(m.chat_id for m in messages if m.answered)
    unanswered = []
    for chat_id, count in commands.items():
        try:
            await fake.wait_for_messages(chat_id, count, timeout=REPLY_TIMEOUT_S)
        except TimeoutError:
            unanswered += [m.text[:80] for m in messages if m.chat_id == chat_id and m.answered]
    assert not unanswered, f"commands never answered {where}: {unanswered}"
    astray = [
        (s.plain_text or "")[:80]
        for chat_id, thread_id in topics.items()
        for s in fake.sent_to(chat_id)
        if s.message.get("message_thread_id") != thread_id
    ]
    assert not astray, f"answers outside the topic they were asked in {where}: {astray}"

    patterns = _patterns(app)
    assert {"lang:", "sub:", "dl:"} <= set(patterns), patterns
    answered = [m for m in messages if m.answered]
    presses = []
    for _ in range(press_count):
        message = rng.choice(answered)
        reply = fake.sent_to(message.chat_id)[0]
        data = _callback_data(rng, rng.choice(patterns))
        update = fake.callback_press(
            message.chat_id,
            reply.message_id,
            data,
            user_id=message.user_id if rng.random() < 0.7 else 10_001,
            language_code=rng.choice(_LANGUAGES),
            check_button=False,
        )
        presses.append((update["callback_query"]["id"], data))
    pending = {query_id for query_id, _ in presses}
    try:
        await fake.wait_until(
            lambda: pending <= {a.callback_query_id for a in fake.answered_callbacks},
            timeout=REPLY_TIMEOUT_S,
        )
    except TimeoutError:
        done = {a.callback_query_id for a in fake.answered_callbacks}
        missing = [data for query_id, data in presses if query_id not in done]
        pytest.fail(f"button presses never answered {where}: {missing}")

    apologies = [s.plain_text for s in fake.sent if (s.plain_text or "").startswith(APOLOGY)]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    failures = [
        f"{r.getMessage()}: {r.exc_info[1]!r}" if r.exc_info else r.getMessage() for r in errors
    ]
    assert not failures, f"handler errors {where}: {failures}"
    assert not apologies, f"apologies sent {where}: {len(apologies)}"
    # Every update was acknowledged (by webhook: answered 200 once handled).
    await fake.wait_until(lambda: not fake.pending_updates, timeout=REPLY_TIMEOUT_S)
