"""Forum topics end to end: the real bot against the fake Bot API (real HTTP).

A forum supergroup follows different things in different topics; every answer lands
in the topic it was asked in (text, split pages, photos, button edits); alerts go to
the topic that subscribed; a deleted or closed topic's alert goes to General once,
with a note, and the topic is listed as broken.

Delivery runs on a virtual clock (`tests.fakes.clock`): the alerts to one forum wait
out its one message a second in virtual time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from bot.runtime.app import SummitApp
from storage.models import Aircraft, ForumTopic, OutboxRow, OutboxStatus, Subscription
from tests.alerting import store_landing
from tests.e2e import VIRTUAL_TIME, bot_settings, running_bot, services_of
from tests.fakes.clock import VirtualClock
from tests.fakes.telegram_api import FakeBotAPI, Sent
from tests.test_e2e_export import _flights as recent_flights
from tests.test_e2e_status import _store_flight

FORUM = -1009000000001
ADMIN = 10001
NOTE = "This alert was meant for the topic “Flights”, which is closed or deleted."


@pytest.fixture
async def clock() -> AsyncIterator[VirtualClock]:
    async with VirtualClock().running() as virtual:
        yield virtual


@pytest.fixture
async def fake(clock: VirtualClock) -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token="123456:TEST-token-for-e2e") as server:
        server.clock = clock.seconds
        server.sleep = clock.sleep
        server.limits_enabled = False  # about where messages land, not pacing
        server.make_forum(FORUM, title="Analyst desk")
        server.set_member_status(FORUM, ADMIN, "administrator")
        yield server


@pytest.fixture
async def app(fake: FakeBotAPI, sqlite_url: str, clock: VirtualClock) -> AsyncIterator[SummitApp]:
    settings = bot_settings(fake, sqlite_url, SUMMITWATCH_DELIVERY_RATE="1000", **VIRTUAL_TIME)
    async with running_bot(settings, delivery_clock=clock, delivery_sleep=clock.sleep) as bot:
        yield bot


def _in_topic(sent: Sent) -> int | None:
    """The topic a message landed in, as the fake stored it (None: General)."""
    return sent.message.get("message_thread_id")


async def _ask(fake: FakeBotAPI, text: str, thread: int | None, n: int = 1) -> list[Sent]:
    before = len([s for s in fake.sent_to(FORUM) if not s.method.startswith("edit")])
    fake.user_message(FORUM, text, user_id=ADMIN, thread_id=thread)
    messages = await fake.wait_for_messages(FORUM, before + n, timeout=15)
    return messages[before:]


async def _alerts(fake: FakeBotAPI, count: int) -> list[Sent]:
    """Wait until `count` landing alerts were sent to the forum; all of them."""
    await fake.wait_until(lambda: len(_landings(fake)) >= count, timeout=30)
    return _landings(fake)


def _landings(fake: FakeBotAPI) -> list[Sent]:
    return [s for s in fake.sent_to(FORUM) if "Landed at Baku" in (s.plain_text or "")]


async def test_every_answer_lands_in_the_topic_it_was_asked_in(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    flights = fake.create_forum_topic(FORUM, "Flights")
    await _store_flight(app)  # /status answers with text and a map
    async with services_of(app).sessions.begin() as session:
        # Enough aircraft that /watchlist needs several messages.
        for number in range(120):
            session.add(
                Aircraft(
                    hex=f"fe{number:04x}",
                    registration=f"TEST-{number:03d}",
                    type_code="GLF6",
                    operator="Test Government Flight Detachment",
                    source="test data",
                )
            )

    [answer] = await _ask(fake, "/help", flights)
    assert _in_topic(answer) == flights and answer.extra["message_thread_id"] == flights

    text, picture = await _ask(fake, "/status witkoff", flights, n=2)
    assert (text.method, picture.method) == ("sendMessage", "sendPhoto")
    assert _in_topic(text) == _in_topic(picture) == flights

    await recent_flights(app)
    [document] = await _ask(fake, "/export ffa001", flights)
    assert document.method == "sendDocument" and _in_topic(document) == flights

    fake.user_message(FORUM, "/watchlist", user_id=ADMIN, thread_id=flights)
    await fake.wait_until(
        lambda: sum("TEST-119" in (s.plain_text or "") for s in fake.sent_to(FORUM)) == 1,
        timeout=15,
    )
    pages = [s for s in fake.sent_to(FORUM) if s.message_id > document.message_id]
    assert len(pages) >= 2  # split: every page in the topic
    assert {_in_topic(page) for page in pages} == {flights}

    # Buttons: the keyboard's edits stay in the topic, and the pick subscribes the topic.
    [menu] = await _ask(fake, "/subscribe", flights)
    assert _in_topic(menu) == flights
    fake.callback_press(FORUM, menu.message_id, "sub:kind:person", user_id=ADMIN)
    edited = await fake.wait_for(
        lambda s: s.method == "editMessageText" and s.message_id == menu.message_id
    )
    assert _in_topic(edited) == flights
    fake.callback_press(FORUM, menu.message_id, "sub:add:person:witkoff", user_id=ADMIN)
    await fake.wait_for(
        lambda s: s.method == "editMessageText" and "this topic now follows" in (s.text or "")
    )
    async with services_of(app).sessions() as session:
        rows = (await session.exec(select(Subscription).where(Subscription.chat_id == FORUM))).all()
    assert [(s.thread_id, s.key) for s in rows] == [(flights, "witkoff")]

    # In General: all of the chat's subscriptions, grouped by topic.
    [general] = await _ask(fake, "/subscriptions", None)
    assert _in_topic(general) is None
    assert "Topic “Flights”:" in (general.plain_text or "")


async def test_topics_follow_their_own_things_and_a_deleted_one_falls_back_once(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    flights = fake.create_forum_topic(FORUM, "Flights")
    kremlin = fake.create_forum_topic(FORUM, "Kremlin")
    async with services_of(app).sessions.begin() as session:
        session.add(Aircraft(hex="ffa001", registration="DEMO1", source="test data"))

    [reply] = await _ask(fake, "/subscribe aircraft demo1", flights)
    assert (
        reply.plain_text
        == "Subscribed: this topic now follows DEMO1 (ffa001); its alerts come here."
    )
    [reply] = await _ask(fake, "/subscribe all", kremlin)
    assert _in_topic(reply) == kremlin

    [listing] = await _ask(fake, "/subscriptions", flights)
    assert listing.plain_text == "This topic follows:\n• aircraft: DEMO1 (ffa001)"
    [listing] = await _ask(fake, "/subscriptions", None)
    assert listing.plain_text == (
        "Topic “Flights”:\n• aircraft: DEMO1 (ffa001)\n\nTopic “Kremlin”:\n• everything: everything"
    )

    # One landing, two topics: one alert in each, none in General.
    await store_landing(services_of(app).sessions)
    services_of(app).wake_delivery()
    first = await _alerts(fake, 2)
    assert sorted(_in_topic(s) or 0 for s in first) == sorted([flights, kremlin])

    # The Flights topic is deleted: its next alert goes to General once, with a note.
    fake.delete_forum_topic(FORUM, flights)
    await store_landing(services_of(app).sessions, key="ffa001:landing:2")
    services_of(app).wake_delivery()
    second = (await _alerts(fake, 4))[2:]
    assert sorted(_in_topic(s) or 0 for s in second) == sorted([0, kremlin])
    [fallback] = [s for s in second if _in_topic(s) is None]
    assert (fallback.plain_text or "").startswith("⚠️ " + NOTE)
    refused = [r for r in fake.requests if r.status == 400 and r.chat_id == FORUM]
    assert [r.description for r in refused] == ["Bad Request: message thread not found"]

    async with services_of(app).sessions() as session:
        topic = await session.get(ForumTopic, (FORUM, flights))
        rows = (await session.exec(select(OutboxRow))).all()
    assert topic is not None and topic.broken_at is not None
    # Nothing lost: every row went out (a send is recorded `sent` with the next claim).
    assert {row.status for row in rows} <= {OutboxStatus.SENT, OutboxStatus.SENDING}
    assert len(rows) == 4

    [listing] = await _ask(fake, "/subscriptions", None)
    assert "⚠️ Broken: the topic is closed or deleted, so its alerts go to General." in (
        listing.plain_text or ""
    )

    # From now on the broken topic's alerts are routed to General: once, no note, no retry.
    await store_landing(services_of(app).sessions, key="ffa001:landing:3")
    services_of(app).wake_delivery()
    third = (await _alerts(fake, 6))[4:]
    assert sorted(_in_topic(s) or 0 for s in third) == sorted([0, kremlin])
    assert not any(NOTE in (s.plain_text or "") for s in third)
    assert len([r for r in fake.requests if r.status == 400 and r.chat_id == FORUM]) == 1


async def test_a_closed_topic_whose_alert_general_has_anyway_adds_only_the_note(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    flights = fake.create_forum_topic(FORUM, "Flights")
    async with services_of(app).sessions.begin() as session:
        session.add(Aircraft(hex="ffa001", registration="DEMO1", source="test data"))
    await _ask(fake, "/subscribe aircraft demo1", flights)
    [reply] = await _ask(fake, "/subscribe aircraft demo1", None)
    assert reply.plain_text == "Subscribed: this chat now follows DEMO1 (ffa001)."

    fake.close_forum_topic(FORUM, flights)
    await store_landing(services_of(app).sessions)
    services_of(app).wake_delivery()
    await fake.wait_until(
        lambda: any(NOTE in (s.plain_text or "") for s in fake.sent_to(FORUM)), timeout=30
    )
    await fake.wait_until(lambda: len(_landings(fake)) >= 1, timeout=30)
    # General got the landing once, from its own subscription, and the note on its own.
    assert len(_landings(fake)) == 1
    assert {_in_topic(s) for s in _landings(fake)} == {None}
    refused = [r.description for r in fake.requests if r.status == 400 and r.chat_id == FORUM]
    assert refused == ["Bad Request: TOPIC_CLOSED"]
