"""Subscriptions, mute and rights, end to end through the fake Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from bot.runtime.app import SummitApp
from storage.models import Aircraft, OutboxRow, OutboxStatus, Subscription
from storage.types import utcnow
from tests.alerting import store_landing
from tests.e2e import bot_settings, running_bot, services_of
from tests.fakes.telegram_api import FakeBotAPI
from tests.statement_fakes import Clock

GROUP = -1003004005


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token="123456:TEST-token-for-e2e") as server:
        # These tests are about commands, not pacing: let replies come quickly.
        server.limits_enabled = False
        yield server


@pytest.fixture
async def app(fake: FakeBotAPI, sqlite_url: str) -> AsyncIterator[SummitApp]:
    settings = bot_settings(fake, sqlite_url, SUMMITWATCH_DELIVERY_RATE="1000")
    async with running_bot(settings) as application:
        # Steve Witkoff and the other watched people are seeded from bot/data/watchlist.yaml.
        async with services_of(application).sessions.begin() as session:
            session.add(Aircraft(hex="ffa001", registration="DEMO1", source="test data"))
        yield application


async def _subscriptions(app: SummitApp) -> list[tuple[int, str, str]]:
    async with services_of(app).sessions() as session:
        rows = (await session.exec(select(Subscription))).all()
    return sorted((s.chat_id, s.kind, s.key) for s in rows)


async def _reply(fake: FakeBotAPI, chat_id: int, text: str, **kwargs: object) -> str:
    before = len([s for s in fake.sent_to(chat_id) if not s.method.startswith("edit")])
    fake.user_message(chat_id, text, **kwargs)  # type: ignore[arg-type]
    messages = await fake.wait_for_messages(chat_id, before + 1)
    return messages[-1].plain_text or ""


@pytest.mark.parametrize(
    ("command", "language", "answer"),
    [
        ("/subscribe person witkoff", "en", "Subscribed: this chat now follows Steve Witkoff."),
        (
            "/subscribe человек Уиткоффа",
            "ru",
            "Подписка оформлена: Стив Уиткофф. Оповещения будут приходить в этот чат.",
        ),
        (
            "/subscribe şəxs uitkoff",
            "az",
            "Abunə oldunuz: Stiv Uitkoff. Bildirişlər bu söhbətə gələcək.",
        ),
        ("/subscribe aircraft demo1", "en", "Subscribed: this chat now follows DEMO1 (ffa001)."),
        ("/subscribe all", "en", "Subscribed: this chat now follows everything."),
    ],
)
async def test_typed_subscribe_in_three_languages(
    fake: FakeBotAPI, app: SummitApp, command: str, language: str, answer: str
) -> None:
    assert await _reply(fake, 301, command, language_code=language) == answer
    assert len(await _subscriptions(app)) == 1
    assert (await _reply(fake, 301, command, language_code=language)).startswith(
        {
            "en": "This chat already follows",
            "ru": "Этот чат уже подписан",
            "az": "Bu söhbət artıq abunədir",
        }[language]
    )


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/subscribe person macron", "I found no person matching “macron”."),
        ("/subscribe planet mars", "Unknown category “planet”."),
        ("/subscribe person", "Which person? For example /subscribe person witkoff."),
        ("/subscribe person <script>", "I found no person matching “&lt;script&gt;”."),
    ],
)
async def test_bad_subscribe_input_gets_a_clear_answer_and_stores_nothing(
    fake: FakeBotAPI, app: SummitApp, command: str, answer: str
) -> None:
    reply = await _reply(fake, 302, command)
    assert reply.startswith(answer.replace("&lt;", "<").replace("&gt;", ">"))
    assert await _subscriptions(app) == []


async def test_buttons_subscribe_list_and_remove(fake: FakeBotAPI, app: SummitApp) -> None:
    fake.user_message(303, "/subscribe", language_code="ru")
    [menu] = await fake.wait_for_messages(303, 1)
    assert menu.plain_text == "За чем следить в этом чате?"
    fake.callback_press(303, menu.message_id, "sub:kind:person", language_code="ru")
    await fake.wait_until(lambda: fake.count("editMessageText") == 1)
    choices = fake.sent_to(303)[-1]
    assert choices.reply_markup is not None
    buttons = [b for row in choices.reply_markup["inline_keyboard"] for b in row]
    assert {"text": "Стив Уиткофф", "callback_data": "sub:add:person:witkoff"} in buttons
    fake.callback_press(303, menu.message_id, "sub:add:person:witkoff", language_code="ru")
    await fake.wait_until(lambda: fake.count("editMessageText") == 2)
    assert await _subscriptions(app) == [(303, "person", "witkoff")]

    listing = await _reply(fake, 303, "/subscriptions", language_code="ru")
    assert listing == "Этот чат следит за:\n• человек: Стив Уиткофф"
    listed = fake.sent_to(303)[-1]
    assert listed.reply_markup is not None
    [[remove]] = listed.reply_markup["inline_keyboard"]
    fake.callback_press(303, listed.message_id, remove["callback_data"], language_code="ru")
    await fake.wait_until(lambda: fake.count("editMessageText") == 3)
    assert fake.sent_to(303)[-1].plain_text == (
        "Этот чат пока ни за чем не следит. Отправьте /subscribe, чтобы выбрать."
    )
    assert await _subscriptions(app) == []


async def test_typed_unsubscribe(fake: FakeBotAPI, app: SummitApp) -> None:
    await _reply(fake, 304, "/subscribe person witkoff")
    assert await _reply(fake, 304, "/unsubscribe person witkoff") == (
        "Unsubscribed from Steve Witkoff."
    )
    assert await _reply(fake, 304, "/unsubscribe person witkoff") == (
        "This chat did not follow “witkoff”. See /subscriptions."
    )


async def test_only_group_admins_change_group_subscriptions(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    fake.add_chat(GROUP, chat_type="supergroup", title="Desk")
    assert await _reply(fake, GROUP, "/subscribe all", user_id=41) == (
        "Only the group's administrators can change this."
    )
    fake.set_member_status(GROUP, 42, "creator")
    assert await _reply(fake, GROUP, "/subscribe all", user_id=42) == (
        "Subscribed: this chat now follows everything."
    )
    assert await _reply(fake, GROUP, "/subscribe@summitwatch_test_bot all", user_id=777) == (
        "This chat already follows everything."  # 777 is a bot admin (SUMMITWATCH_ADMIN_IDS)
    )


async def test_mute_holds_alerts_and_unmute_summarises_in_the_new_language(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    await _reply(fake, 305, "/subscribe aircraft ffa001")
    muted = await _reply(fake, 305, "/mute 2h")
    assert muted.startswith("Alerts are muted until")
    await store_landing(services_of(app).sessions)
    services_of(app).wake_delivery()
    await asyncio.sleep(0.5)
    assert len(fake.sent_to(305)) == 2  # only the two replies: the alert is held
    await _reply(fake, 305, "/lang ru")  # the held alert is rendered in Russian later
    assert await _reply(fake, 305, "/unmute") == (
        "Оповещения снова включены. За время паузы пришло 1 оповещение; сводка ниже."
    )
    messages = await fake.wait_for_messages(305, 5)
    digest = messages[-1].plain_text or ""
    assert digest.startswith("🔕 Пока оповещения были отключены, пришло 1 оповещение:")
    assert "• 🛬 Посадка: Баку, Азербайджан" in digest


@pytest.mark.parametrize("duration", ["", "forever", "0h", "45d"])
async def test_bad_mute_durations(fake: FakeBotAPI, app: SummitApp, duration: str) -> None:
    assert await _reply(fake, 306, f"/mute {duration}".strip()) == (
        "Send /mute with a duration, for example /mute 2h or /mute 1d (at most 30 days)."
    )


@pytest.fixture
async def clock() -> Clock:
    """The delivery worker's clock, moved by hand from now."""
    return Clock(utcnow().timestamp())


@pytest.fixture
async def clocked_app(fake: FakeBotAPI, sqlite_url: str, clock: Clock) -> AsyncIterator[SummitApp]:
    settings = bot_settings(fake, sqlite_url, SUMMITWATCH_DELIVERY_RATE="1000")
    async with running_bot(settings, delivery_clock=clock) as application:
        async with services_of(application).sessions.begin() as session:
            session.add(Aircraft(hex="ffa001", registration="DEMO1", source="test data"))
        yield application


async def test_a_mute_runs_out_and_its_digest_comes_by_the_delivery_clock(
    fake: FakeBotAPI, clocked_app: SummitApp, clock: Clock
) -> None:
    """Two hours of mute pass on a virtual delivery clock, not on the wall clock."""
    await _reply(fake, 307, "/subscribe aircraft ffa001")
    assert (await _reply(fake, 307, "/mute 2h")).startswith("Alerts are muted until")
    await store_landing(services_of(clocked_app).sessions)
    assert clocked_app.job_queue is not None
    [expiry] = clocked_app.job_queue.get_jobs_by_name("end-expired-mutes")
    await expiry.run(clocked_app)
    clock.advance(2 * 3600 - 60)
    await expiry.run(clocked_app)  # a minute left: still muted, nothing digested
    assert await _digests(clocked_app) == []
    clock.advance(61)
    await expiry.run(clocked_app)
    # Due two seconds after the mute ended (so /unmute's answer would come first), by
    # the delivery clock the worker claims with.
    [(status, due)] = await _digests(clocked_app)
    assert status == OutboxStatus.PENDING and due == clock() + timedelta(seconds=2)
    clock.advance(2)
    services_of(clocked_app).wake_delivery()
    messages = await fake.wait_for_messages(307, 3)
    digest = messages[-1].plain_text or ""
    assert digest.startswith("🔕 While this chat was muted, 1 alert arrived:")


async def _digests(app: SummitApp) -> list[tuple[OutboxStatus, datetime]]:
    async with services_of(app).sessions() as session:
        rows = (await session.exec(select(OutboxRow).where(OutboxRow.event_type == "digest"))).all()
    return [(row.status, row.next_attempt_at) for row in rows]
