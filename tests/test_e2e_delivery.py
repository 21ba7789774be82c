"""Alert delivery end to end: real bot, real HTTP, the fake Bot API and its failures.

Delivery and the fake run on a virtual clock (`tests.fakes.clock`): pacing, Telegram's
retry_after, retry backoff and the fake's held requests pass in virtual time, which
jumps whenever everything waits for it.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from bot.runtime.app import SummitApp
from storage.chats import get_chat
from storage.models import OutboxRow, OutboxStatus, Subscription
from tests.alerting import BAKU, store_landing, subscribe_chats
from tests.e2e import ADMIN_ID, VIRTUAL_TIME, bot_settings, running_bot, services_of
from tests.fakes.clock import VirtualClock
from tests.fakes.telegram_api import FakeBotAPI

FAST = {
    "SUMMITWATCH_DELIVERY_BACKOFF_S": "0.05",
    "SUMMITWATCH_TELEGRAM_TIMEOUT_S": "1.0",
    "SUMMITWATCH_DELIVERY_MAX_ATTEMPTS": "12",
    **VIRTUAL_TIME,
}


@pytest.fixture
async def clock() -> AsyncIterator[VirtualClock]:
    async with VirtualClock().running() as virtual:
        yield virtual


@pytest.fixture
async def fake(clock: VirtualClock) -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token="123456:TEST-token-for-e2e") as server:
        server.fault_timeout = 1.5
        server.clock = clock.seconds  # flood control and the `at` of every record
        server.sleep = clock.sleep  # how long an injected timeout holds a request
        yield server


@pytest.fixture
async def app(fake: FakeBotAPI, sqlite_url: str, clock: VirtualClock) -> AsyncIterator[SummitApp]:
    settings = bot_settings(fake, sqlite_url, **FAST)
    async with running_bot(settings, delivery_clock=clock, delivery_sleep=clock.sleep) as bot:
        yield bot


async def _outbox(app: SummitApp) -> list[OutboxRow]:
    async with services_of(app).sessions() as session:
        return list((await session.exec(select(OutboxRow))).all())


async def _settled(app: SummitApp) -> list[OutboxRow]:
    """Wait (30 s at most) until no row is pending or being sent; the rows then."""
    async with asyncio.timeout(30):
        while True:
            rows = await _outbox(app)
            if rows and all(r.status in (OutboxStatus.SENT, OutboxStatus.DEAD) for r in rows):
                return rows
            await asyncio.sleep(0.05)


async def _alert(app: SummitApp, **changes: object) -> None:
    await store_landing(services_of(app).sessions, **changes)  # type: ignore[arg-type]
    services_of(app).wake_delivery()


async def test_fan_out_renders_each_chat_in_its_own_language(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    await subscribe_chats(
        services_of(app).sessions, [(101, "en"), (102, "ru"), (103, "az"), (-1001500, None)]
    )
    await _alert(app)
    en, ru, az, group = [
        (await fake.wait_for_messages(chat, 1))[0].plain_text or ""
        for chat in (101, 102, 103, -1001500)
    ]
    assert "🛬 Landed at Baku, Azerbaijan — Heydar Aliyev International Airport (GYD)" in en
    assert "05:30 Baku time (01:30 UTC)" in en
    assert "From Moscow (VKO), departed 01:54 Moscow time (Mar 13, 22:54 UTC)" in en
    assert "Flight time: 2 h 36 min" in en
    assert "believed to carry Demo Envoy" in en
    assert "🛬 Посадка: Баку, Азербайджан" in ru
    assert "05:30 по местному времени (Баку), 01:30 UTC" in ru
    departure = "Откуда: Москва (VKO), вылет 01:54 по местному времени (Москва), 13 мар., 22:54 UTC"
    assert departure in ru
    assert "предположительно на борту: Демо-посланник" in ru
    assert "🛬 Eniş etdi: Bakı, Azərbaycan" in az
    assert "Bakı vaxtı ilə 05:30 (01:30 UTC)" in az
    assert "Uçuş müddəti: 2 saat 36 dəq" in az
    assert group.startswith("[DEMO DATA]")  # no /lang: the default language
    assert all(r.status == OutboxStatus.SENT for r in await _settled(app))


async def test_a_replayed_event_alerts_nobody_twice(fake: FakeBotAPI, app: SummitApp) -> None:
    await subscribe_chats(services_of(app).sessions, [(111, "en")])
    await _alert(app)
    await fake.wait_for_messages(111, 1)
    await _alert(app)  # same dedup key: stored once, routed once
    await _alert(app)
    assert len(await _outbox(app)) == 1
    assert len(fake.sent_to(111)) == 1


async def test_flood_wait_is_honoured_and_the_alert_arrives_once(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    await subscribe_chats(services_of(app).sessions, [(121, "en")])
    # Longer than what else could time a retry (the worker's idle poll of 1 s, the
    # backoff): only an honoured retry_after makes the alert wait this long.
    fake.fail_next("sendMessage", 429, parameters={"retry_after": 7})
    await _alert(app)
    [message] = await fake.wait_for_messages(121, 1, timeout=30)
    failures = [r for r in fake.requests if r.method == "sendMessage" and r.status == 429]
    assert len(failures) == 1
    assert 7.0 <= message.at - failures[0].at < 12.0  # retry_after, then an idle poll or two
    [row] = await _settled(app)
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 0)  # a flood wait is no attempt


async def test_server_errors_and_timeouts_are_retried(fake: FakeBotAPI, app: SummitApp) -> None:
    await subscribe_chats(services_of(app).sessions, [(131, "en")])
    fake.fail_next("sendMessage", 500)
    fake.fail_next("sendMessage", 502)
    fake.fail_next("sendMessage", "timeout")
    await _alert(app)
    await fake.wait_for_messages(131, 1, timeout=15)
    [row] = await _settled(app)
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 3)
    assert len(fake.sent_to(131)) == 1


async def test_blocked_chat_is_deactivated_keeps_subscriptions_and_returns_on_start(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    sessions = services_of(app).sessions
    await subscribe_chats(sessions, [(141, "en")])
    fake.mark_blocked(141)
    await _alert(app)
    [row] = await _settled(app)
    assert row.status == OutboxStatus.DEAD
    assert row.last_error == "403 Forbidden: bot was blocked by the user"
    async with sessions() as session:
        chat = await get_chat(session, 141)
        subscriptions = (await session.exec(select(Subscription))).all()
    assert chat is not None and not chat.active
    assert len(subscriptions) == 1
    # The user comes back: /start unblocks and reactivates the chat.
    fake.user_message(141, "/start")
    await fake.wait_for_messages(141, 1)
    async with sessions() as session:
        chat = await get_chat(session, 141)
    assert chat is not None and chat.active


async def test_migrated_group_moves_and_gets_the_alert(fake: FakeBotAPI, app: SummitApp) -> None:
    sessions = services_of(app).sessions
    fake.add_chat(-151, chat_type="group", title="Desk")
    new_id = fake.mark_migrated(-151)
    await subscribe_chats(sessions, [(-151, "ru")])
    await _alert(app)
    [message] = await fake.wait_for_messages(new_id, 1, timeout=10)
    assert message.plain_text is not None and "Посадка" in message.plain_text
    async with sessions() as session:
        subscriptions = (await session.exec(select(Subscription))).all()
        moved = await get_chat(session, new_id)
    assert [s.chat_id for s in subscriptions] == [new_id]
    assert moved is not None and moved.locale == "ru"


async def test_long_alert_is_split_on_line_boundaries(fake: FakeBotAPI, app: SummitApp) -> None:
    await subscribe_chats(services_of(app).sessions, [(161, "en")])
    delegation = [
        {"slug": f"member-{i}", "names": {"en": f"Delegation member number {i:03}"}}
        for i in range(200)
    ]
    await _alert(app, people=delegation)
    await _settled(app)
    messages = fake.sent_to(161)
    assert len(messages) == 3
    assert all(len(m.plain_text or "") <= 4096 for m in messages)
    joined = "\n".join(m.plain_text or "" for m in messages)
    assert "Delegation member number 199" in joined
    assert fake.count("sendMessage", 400) == 0


async def test_html_refused_is_resent_as_plain_text(fake: FakeBotAPI, app: SummitApp) -> None:
    await subscribe_chats(services_of(app).sessions, [(171, "en")])
    fake.fail_next("sendMessage", 400, "Bad Request: can't parse entities: unsupported start tag")
    await _alert(app)
    [message] = await fake.wait_for_messages(171, 1)
    assert message.parse_mode is None
    assert message.text is not None and message.text.startswith("[DEMO DATA]\n🛬 Landed at Baku")


async def test_confirmation_edits_the_probable_landing_message(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    await subscribe_chats(services_of(app).sessions, [(181, "en")])
    await _alert(app, key="ffa001:landing:p", thread_key="ffa001:flight:1", confidence="probable")
    [first] = await fake.wait_for_messages(181, 1)
    assert first.plain_text is not None and "Probable landing at Baku" in first.plain_text
    await _alert(app, key="ffa001:landing:c", thread_key="ffa001:flight:1")
    await fake.wait_until(lambda: fake.count("editMessageText") == 1)
    edited = fake.sent_to(181)[-1]
    assert edited.method == "editMessageText"
    assert edited.message_id == first.message_id
    assert edited.plain_text is not None and "🛬 Landed at Baku" in edited.plain_text
    assert fake.count("sendMessage") == 1


async def test_gives_up_to_dead_letters_then_admin_retries(
    fake: FakeBotAPI, sqlite_url: str, clock: VirtualClock
) -> None:
    settings = bot_settings(fake, sqlite_url, **{**FAST, "SUMMITWATCH_DELIVERY_MAX_ATTEMPTS": "2"})
    async with running_bot(settings, delivery_clock=clock, delivery_sleep=clock.sleep) as app:
        await subscribe_chats(services_of(app).sessions, [(191, "en")])
        fake.fail_next("sendMessage", 500, count=2)
        await _alert(app)
        rows = await _settled(app)
        assert rows[0].status == OutboxStatus.DEAD
        assert rows[0].last_error is not None and "gave up after 2 attempts" in rows[0].last_error
        fake.user_message(ADMIN_ID, "/deadletters")
        [listing] = await fake.wait_for_messages(ADMIN_ID, 1)
        assert (
            listing.plain_text is not None
            and "to chat 191 (flight, 2 attempts)" in listing.plain_text
        )
        fake.user_message(500, "/deadletters")  # not an admin
        [refusal] = await fake.wait_for_messages(500, 1)
        assert refusal.plain_text == "Only the bot's administrators can do this."
        fake.callback_press(ADMIN_ID, listing.message_id, "dl:retry:all")
        [alert] = await fake.wait_for_messages(191, 1, timeout=10)
        assert alert.plain_text is not None and "Landed at Baku" in alert.plain_text


async def test_random_faults_still_deliver_exactly_one_copy_each(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    chats = [(1000 + i, "en") for i in range(30)] + [(-1002000 - i, "ru") for i in range(10)]
    await subscribe_chats(services_of(app).sessions, chats)
    fake.inject_faults(rate=0.3, kinds=("429", "500", "502", "timeout"), seed=7)
    await _alert(app)
    await fake.wait_until(lambda: all(fake.sent_to(chat) for chat, _ in chats), timeout=45)
    fake.clear_faults()
    copies = Counter(s.chat_id for s in fake.sent if s.method == "sendMessage")
    assert copies == Counter({chat: 1 for chat, _ in chats})
    injected = Counter(r.status for r in fake.requests if r.injected)
    assert injected[429] and injected[500] + injected[502] and injected[None]
    assert all(r.status == OutboxStatus.SENT for r in await _settled(app))


TRACK = [[55.5915, 37.2615, 0], [50.0, 44.0, 39000], [45.0, 48.5, 30000], [40.4675, 50.0467, 0]]
BAKU_WITH_POSITION = {**BAKU, "lat": 40.4675, "lon": 50.0467}


async def test_landing_with_a_track_comes_with_its_map(fake: FakeBotAPI, app: SummitApp) -> None:
    await subscribe_chats(services_of(app).sessions, [(201, "ru")])
    await _alert(app, track=TRACK, airport=BAKU_WITH_POSITION)
    [photo] = await fake.wait_for_messages(201, 1, timeout=15)
    assert photo.method == "sendPhoto"
    assert photo.photo_size is not None and photo.photo_size > 10_000
    assert photo.plain_text is not None and "Посадка: Баку" in photo.plain_text  # the caption
    await _settled(app)
    assert len(fake.sent_to(201)) == 1


async def test_caption_over_1024_goes_as_photo_then_text(fake: FakeBotAPI, app: SummitApp) -> None:
    await subscribe_chats(services_of(app).sessions, [(202, "en")])
    delegation = [
        {"slug": f"member-{i}", "names": {"en": f"Delegation member number {i:03}"}}
        for i in range(60)
    ]
    await _alert(app, track=TRACK, people=delegation)
    await _settled(app)
    photo, *texts = fake.sent_to(202)
    assert photo.method == "sendPhoto" and not photo.caption
    assert [t.method for t in texts] == ["sendMessage"] * len(texts) and texts
    assert "Delegation member number 059" in "\n".join(t.plain_text or "" for t in texts)
    assert fake.count("sendPhoto", 400) == 0


async def test_a_chat_reads_its_alerts_in_the_order_they_happened(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    """Per-chat pacing holds the later alerts back; none of them may overtake another."""
    await subscribe_chats(services_of(app).sessions, [(101, "en")])
    callsigns = [f"SEQ{n}" for n in range(5)]
    for callsign in callsigns:
        await store_landing(services_of(app).sessions, key=f"ffa001:{callsign}", callsign=callsign)
    services_of(app).wake_delivery()
    sent = await fake.wait_for_messages(101, len(callsigns), timeout=15)
    seen = [next(c for c in callsigns if c in (s.plain_text or "")) for s in sent]
    assert seen == callsigns
