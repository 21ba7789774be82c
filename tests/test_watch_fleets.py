"""Following a whole fleet: routing by operator and category, lookup, and /subscribe."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.runtime.app import SummitApp
from bot.watch.importer import import_watchlist
from bot.watch.lookup import Choice, browse, describe, resolve
from handlers.subscriptions import choices_keyboard
from storage.chats import ensure_chat
from storage.fleets import fleet_key
from storage.models import OutboxRow, Subscription, SubscriptionKind
from tests.alerting import store_landing
from tests.e2e import bot_settings, running_bot, services_of
from tests.fakes.telegram_api import FakeBotAPI
from tests.test_watch_import import DATA

NOW = datetime(2026, 11, 28, 13, 0, tzinfo=UTC)
GOVERNMENT = "Examplestan Government (test data)"


async def _follow(
    sessions: async_sessionmaker[AsyncSession], chat_id: int, kind: SubscriptionKind, key: str
) -> None:
    async with sessions.begin() as session:
        await ensure_chat(session, chat_id, "private", None)
        await session.flush()
        session.add(Subscription(chat_id=chat_id, kind=kind, key=key))


def test_fleet_key_ignores_case_and_spacing() -> None:
    assert fleet_key("  Examplestan   GOVERNMENT ") == "examplestan government"
    assert len(fleet_key("x" * 300)) == 128


async def test_a_flight_event_reaches_its_operators_and_categorys_followers(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await import_watchlist(DATA, sessions, now=NOW, dry_run=False)
    await _follow(sessions, 1, SubscriptionKind.OPERATOR, fleet_key(GOVERNMENT))
    await _follow(sessions, 2, SubscriptionKind.CATEGORY, "governments")
    await _follow(sessions, 3, SubscriptionKind.OPERATOR, "examplestan air force (test data)")
    await _follow(sessions, 4, SubscriptionKind.CATEGORY, "other government")
    await store_landing(sessions)  # ffa001: the government's, category Governments
    async with sessions() as session:
        rows = (await session.exec(select(OutboxRow).order_by(col(OutboxRow.chat_id)))).all()
    assert [r.chat_id for r in rows] == [1, 2]


async def test_lookup_finds_fleets_by_name_and_lists_largest_first(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await import_watchlist(DATA, sessions, now=NOW, dry_run=False)
    async with sessions() as session:
        exact = await resolve(session, SubscriptionKind.OPERATOR, GOVERNMENT.upper(), "ru")
        several = await resolve(session, SubscriptionKind.OPERATOR, "examplestan", "en")
        category = await resolve(session, SubscriptionKind.CATEGORY, "governments", "az")
        none = await resolve(session, SubscriptionKind.CATEGORY, "submarines", "en")
        listed = await browse(session, SubscriptionKind.OPERATOR, "en")
        label = await describe(session, "operator", fleet_key(GOVERNMENT), "en")
    assert exact.unique == Choice(fleet_key(GOVERNMENT), GOVERNMENT)
    assert [c.label for c in several.choices] == [
        "Examplestan Air Force (test data)",
        GOVERNMENT,
    ]
    assert category.unique == Choice("governments", "Governments")
    assert none.choices == ()
    assert listed[0] == Choice(fleet_key(GOVERNMENT), GOVERNMENT)  # two aircraft, the most
    assert label == GOVERNMENT


def test_buttons_leave_out_keys_too_long_for_callback_data() -> None:
    long_key = fleet_key("Ministry of Extremely Long Names and Tests, Air Wing (test data)")
    keyboard = choices_keyboard(
        SubscriptionKind.OPERATOR, (Choice("short", "Short"), Choice(long_key, "Long"))
    )
    buttons = [b for row in keyboard.inline_keyboard for b in row]
    assert [(b.text, b.callback_data) for b in buttons] == [("Short", "sub:add:operator:short")]


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token="123456:TEST-token-for-e2e") as server:
        server.limits_enabled = False
        yield server


@pytest.fixture
async def app(fake: FakeBotAPI, sqlite_url: str) -> AsyncIterator[SummitApp]:
    settings = bot_settings(fake, sqlite_url, SUMMITWATCH_DELIVERY_RATE="1000")
    async with running_bot(settings) as application:
        await import_watchlist(DATA, services_of(application).sessions, now=NOW, dry_run=False)
        yield application


async def _reply(fake: FakeBotAPI, chat_id: int, text: str, language: str = "en") -> str:
    before = len(fake.sent_to(chat_id))
    fake.user_message(chat_id, text, language_code=language)
    messages = await fake.wait_for_messages(chat_id, before + 1)
    return messages[-1].plain_text or ""


async def test_subscribe_to_an_operator_then_its_aircraft_lands(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    answer = await _reply(fake, 501, f"/subscribe operator {GOVERNMENT}")
    assert answer == f"Subscribed: this chat now follows {GOVERNMENT}."
    answer = await _reply(fake, 502, "/subscribe категория governments", "ru")
    assert answer == "Подписка оформлена: Governments. Оповещения будут приходить в этот чат."
    listing = await _reply(fake, 501, "/subscriptions")
    assert listing == f"This chat follows:\n• operator: {GOVERNMENT}"
    ambiguous = await _reply(fake, 503, "/subscribe operator examplestan")
    assert ambiguous == "“examplestan” matches several. Choose one:"

    before = {chat_id: len(fake.sent_to(chat_id)) for chat_id in (501, 502, 503)}
    await store_landing(services_of(app).sessions)
    services_of(app).wake_delivery()
    for chat_id in (501, 502):
        messages = await fake.wait_for_messages(chat_id, before[chat_id] + 1)
        alert = messages[-1]
        assert "DEMO1" in (alert.plain_text or "")
    # Chat 503 chose no fleet: nothing but the question it was asked.
    assert len(fake.sent_to(503)) == before[503] == 1


async def test_unknown_kind_names_the_fleet_kinds(fake: FakeBotAPI, app: SummitApp) -> None:
    answer = await _reply(fake, 504, "/subscribe fleet examplestan")
    assert answer == (
        "Unknown category “fleet”. Use person, aircraft, operator, category, venue, source "
        "or all, for example /subscribe person witkoff."
    )
