"""Replies go out at once; alert fan-out keeps one message a second per chat (issue 13).

The real bot against the fake Bot API with its flood control on. What the pacer decided
is read from its counters (`SendPacer.held`: sends it made wait); the fake's timestamps
only back that up with bounds far from both the old behaviour (a second per reply) and
any plausible scheduling delay.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

import pytest

from bot.alerts.pacing import SendPacer
from bot.alerts.ratelimiter import PacedRateLimiter
from bot.runtime.app import SummitApp
from tests.alerting import store_landing, subscribe_chats
from tests.e2e import bot_settings, running_bot, services_of
from tests.fakes.telegram_api import FakeBotAPI
from tests.test_e2e_status import _store_flight


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token="123456:TEST-token-for-e2e") as server:
        yield server  # flood control stays on: these tests are about it


@pytest.fixture
async def app(fake: FakeBotAPI, sqlite_url: str) -> AsyncIterator[SummitApp]:
    async with running_bot(bot_settings(fake, sqlite_url)) as application:
        yield application


def _pacer(app: SummitApp) -> SendPacer:
    limiter = app.bot.rate_limiter
    assert isinstance(limiter, PacedRateLimiter)
    return limiter.pacer


async def test_five_commands_at_once_are_all_answered_at_once(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    chat = 5001
    pacer = _pacer(app)
    for _ in range(5):
        fake.user_message(chat, "/help", language_code="en")
    replies = await fake.wait_for_messages(chat, 5, timeout=10)
    assert pacer.held == 0  # no reply was made to wait
    assert fake.count("sendMessage", 429) == 0
    # Before: 0.03, 1.03, 2.03, 3.05, 4.05 s. Now the fifth follows the first closely.
    assert replies[-1].at - replies[0].at < 0.5


async def test_status_text_and_its_map_arrive_together(fake: FakeBotAPI, app: SummitApp) -> None:
    chat = 5002
    await _store_flight(app)
    pacer = _pacer(app)
    for asked in (1, 2):  # the second map is drawn warm: only drawing separates the two
        fake.user_message(chat, "/status witkoff", language_code="en")
        *_, text, picture = await fake.wait_for_messages(chat, 2 * asked, timeout=15)
    assert (text.method, picture.method) == ("sendMessage", "sendPhoto")
    assert pacer.held == 0
    # Before, the map always waited out the text's second (a gap of 1 s at least).
    assert picture.at - text.at < 0.9


async def test_alert_fan_out_still_keeps_one_message_a_second_per_chat(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    chat = 5003
    sessions = services_of(app).sessions
    await subscribe_chats(sessions, [(chat, "en")])
    fake.user_message(chat, "/help", language_code="en")
    await fake.wait_for_messages(chat, 1, timeout=10)
    for n in range(3):
        await store_landing(sessions, key=f"ffa001:PACE{n}", callsign=f"PACE{n}")
    services_of(app).wake_delivery()
    sent = await fake.wait_for_messages(chat, 4, timeout=15)
    # Each alert waits a second after the message before it, the reply included.
    gaps = [b.at - a.at for a, b in itertools.pairwise(sent)]
    assert all(gap >= 1.0 for gap in gaps), gaps
    assert _pacer(app).held >= 3
    assert fake.count("sendMessage", 429) == 0


async def test_a_flood_wait_on_a_reply_is_honoured(fake: FakeBotAPI, app: SummitApp) -> None:
    chat = 5004
    fake.fail_next("sendMessage", 429, parameters={"retry_after": 1})
    fake.user_message(chat, "/help", language_code="en")
    [reply] = await fake.wait_for_messages(chat, 1, timeout=10)
    [refused] = [r for r in fake.requests if r.method == "sendMessage" and r.status == 429]
    assert reply.at - refused.at >= 1.0  # retried only after retry_after
    # The pause holds the chat, replies included, until it ends.
    fake.user_message(chat, "/help", language_code="en")
    await fake.wait_for_messages(chat, 2, timeout=10)
    assert len([r for r in fake.requests if r.method == "sendMessage" and r.status == 429]) == 1
