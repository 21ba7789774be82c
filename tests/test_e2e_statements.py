"""Statement watch end to end: the real bot polls the fake feeds (shipped sources served
from the fake through SUMMITWATCH_SOURCES_BASE_URL) and alerts through the fake Bot API;
/statements, /sources and /source add|remove in the chat."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import select

from bot.kernel.config import Settings
from bot.runtime.app import SummitApp
from bot.statements.polling import StatementPoller
from bot.statements.sources import load_sources
from storage.chats import ensure_chat
from storage.engine import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import Person, Source, Subscription, SubscriptionKind, Venue
from tests.e2e import ADMIN_ID, bot_settings, running_bot, services_of
from tests.fakes.feeds import FakeFeeds
from tests.fakes.telegram_api import FakeBotAPI
from tests.statement_fakes import FAKE_ONLY, Clock

KREMLIN_PATH = "/kremlin.ru/events/president/news/feed"
TITLE = "В Кремле состоялась встреча со Стивом Уиткоффом"
AZ_CHAT = 4242


@pytest.fixture
async def feeds() -> AsyncIterator[FakeFeeds]:
    async with FakeFeeds() as server:
        server.add_feed(KREMLIN_PATH, "atom", title="Новости", language="ru", site="kremlin.ru")
        server.add_item(
            KREMLIN_PATH,
            TITLE,
            "Глава государства принял Уиткоффа в Кремле. Обсуждалось урегулирование.",
        )
        yield server


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token="123456:TEST-token-for-e2e") as server:
        server.limits_enabled = False
        yield server


async def prepare_store(url: str) -> None:
    """An Azerbaijani-language chat following Witkoff, before the bot's first poll."""
    engine = create_engine(url)
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        async with sessions.begin() as session:
            existing = (await session.exec(select(Person).where(Person.slug == "witkoff"))).first()
            if existing is None:
                session.add(
                    Person(
                        slug="witkoff",
                        names={"en": "Steve Witkoff", "ru": "Стив Уиткофф", "az": "Stiv Uitkoff"},
                        aliases={"en": ["Witkoff"], "ru": ["Уиткофф"], "az": ["Uitkoff"]},
                    )
                )
            chat = await ensure_chat(session, AZ_CHAT, "private", None)
            chat.locale = "az"
            session.add(chat)
            await session.flush()
            session.add(Subscription(chat_id=AZ_CHAT, kind=SubscriptionKind.PERSON, key="witkoff"))
    finally:
        await engine.dispose()


def watching(fake: FakeBotAPI, feeds: FakeFeeds, url: str) -> Settings:
    return bot_settings(
        fake,
        url,
        SUMMITWATCH_STATEMENTS_ENABLED="true",
        SUMMITWATCH_STATEMENTS_TICK_S="0.2",
        SUMMITWATCH_SOURCES_BASE_URL=feeds.root_url,
        SUMMITWATCH_FEEDS_ALLOW="127.0.0.1/32",
        # No health endpoint: tests run side by side.
        SUMMITWATCH_HEALTH_PORT="0",
    )


@pytest.fixture
async def app(fake: FakeBotAPI, feeds: FakeFeeds, sqlite_url: str) -> AsyncIterator[SummitApp]:
    await prepare_store(sqlite_url)
    async with running_bot(watching(fake, feeds, sqlite_url)) as application:
        yield application


async def _first_round_recorded(app: SummitApp, timeout_s: float = 15.0) -> None:
    """Wait until every enabled source has recorded its first poll (success or failure)."""
    deadline = time.monotonic() + timeout_s
    while True:
        async with services_of(app).sessions() as session:
            sources = (await session.exec(select(Source).where(Source.enabled))).all()
        if all(s.last_success_at or s.last_error_at for s in sources):
            return
        if time.monotonic() > deadline:
            waiting = [s.name for s in sources if not (s.last_success_at or s.last_error_at)]
            raise AssertionError(f"sources never polled: {waiting}")
        await asyncio.sleep(0.05)


async def test_a_kremlin_item_reaches_an_azerbaijani_chat_in_an_azerbaijani_frame(
    fake: FakeBotAPI, feeds: FakeFeeds, app: SummitApp
) -> None:
    [alert] = await fake.wait_for_messages(AZ_CHAT, 1, timeout=30)
    lines = (alert.plain_text or "").split("\n")
    assert lines[0] == "🏛 kremlin-ru · rəsmi mənbə: Stiv Uitkoff, görüş"
    assert lines[1] == "Orijinal mətn (rus):"
    assert lines[2] == TITLE
    assert lines[3] == "Глава государства принял Уиткоффа в Кремле."
    assert lines[4].startswith("🕑 Dərc olunub: ") and "Moskva vaxtı ilə" in lines[4]
    assert "🔎 Şəxslər: Stiv Uitkoff («Стивом Уиткоффом»)" in lines
    assert lines[-1] == "Mənbədə oxuyun"
    # The link is the item's own, as the feed gave it.
    assert alert.text is not None
    assert '<a href="http://kremlin.ru/events/president/news/900001">' in alert.text
    # The shipped URL was served from the fake; the other shipped sources 404 there.
    assert feeds.requests_to(KREMLIN_PATH)
    # Each source of the tick is polled and recorded in its own transaction: the alert
    # can arrive before the sources polled beside kremlin-ru have recorded their failure.
    await _first_round_recorded(app)
    async with services_of(app).sessions() as session:
        kremlin = (await session.exec(select(Source).where(Source.name == "kremlin-ru"))).one()
        tass = (await session.exec(select(Source).where(Source.name == "tass-ru"))).one()
    assert kremlin.url == feeds.root_url + KREMLIN_PATH and kremlin.items_seen == 1
    assert tass.consecutive_failures == 1 and tass.last_error == "HTTP 404 Not Found"

    # /statements in the chat's language, filtered by a typed name.
    fake.user_message(AZ_CHAT, "/statements Уиткофф")
    replies = await fake.wait_for_messages(AZ_CHAT, 2, timeout=15)
    listing = replies[-1].plain_text or ""
    assert listing.startswith("Uyğun gələn son bəyanatlar:")
    assert TITLE in listing and "🔎 Stiv Uitkoff, görüş" in listing
    fake.user_message(AZ_CHAT, "/statements qwertyuiop")
    replies = await fake.wait_for_messages(AZ_CHAT, 3, timeout=15)
    assert (replies[-1].plain_text or "").startswith("“qwertyuiop” sorğusuna uyğun")
    fake.user_message(AZ_CHAT, "/statements kremlin-ru")
    replies = await fake.wait_for_messages(AZ_CHAT, 4, timeout=15)
    assert TITLE in (replies[-1].plain_text or "")

    # /status <person> gains the latest statements that mention the person.
    fake.user_message(AZ_CHAT, "/status witkoff")
    replies = await fake.wait_for_messages(AZ_CHAT, 5, timeout=15)
    status = (replies[-1].plain_text or "").split("\n")
    section = status.index("Stiv Uitkoff adının çəkildiyi son bəyanatlar:")
    assert status[section + 1].endswith("· kremlin-ru (ru)")
    assert status[section + 2].strip() == TITLE

    # /sources: every shipped source with its health, in a <pre> table.
    fake.user_message(AZ_CHAT, "/sources")
    replies = await fake.wait_for_messages(AZ_CHAT, 6, timeout=15)
    table = replies[-1]
    assert table.text is not None and "<pre>" in table.text
    rows = (table.plain_text or "").split("\n")
    assert rows[0].startswith("Bəyanat mənbələri (21):")
    assert any(r.startswith("kremlin-ru") and " ✓ " in r for r in rows)
    assert any(r.startswith("tass-ru") and " ✗1 " in r for r in rows)
    assert "• apa-az: HTTP 404 Not Found" in rows
    # 20 sources fail; the reply lists the first 12 errors and stays one message.
    assert len([r for r in rows if r.startswith("• ")]) == 12


async def test_source_add_and_remove_by_an_admin(
    fake: FakeBotAPI, feeds: FakeFeeds, app: SummitApp
) -> None:
    user = 9001
    feeds.add_feed("/apa/rss", "rss", title="APA", language="az", site="apa.az")
    feeds.add_item("/apa/rss", "Ceyhun Bayramov görüşüb", "Mətn.")
    feeds.add_feed("/page.html", "listing", title="A page", language="en", site="example.org")

    async def ask(text: str, sender: int = ADMIN_ID, count: int = 1) -> list[str]:
        before = len([s for s in fake.sent_to(user) if not s.method.startswith("edit")])
        fake.user_message(user, text, user_id=sender, language_code="en")
        messages = await fake.wait_for_messages(user, before + count, timeout=20)
        return [m.plain_text or "" for m in messages[before:]]

    assert await ask(f"/source add {feeds.url('/apa/rss')} az", sender=5) == [
        "Only the bot's administrators can do this."
    ]
    checking, added = await ask(f"/source add {feeds.url('/apa/rss')} az", count=2)
    assert checking == "Checking the address…"
    assert added == (
        "Added source 127-0-0-1-az (az): 1 items found now. "
        "New items will be alerted from the next poll."
    )
    assert (await ask(f"/source add {feeds.url('/apa/rss')} az", count=2))[1] == (
        "This address is already watched as 127-0-0-1-az."
    )
    _, private = await ask("/source add http://10.0.0.5/feed.xml ru", count=2)
    assert private.startswith("Refused: this address points into a private or local network")
    assert "10.0.0.5 is a private address" in private
    _, metadata = await ask("/source add http://169.254.169.254/latest/meta-data/", count=2)
    assert "cloud metadata" in metadata
    _, page = await ask(f"/source add {feeds.url('/page.html')}", count=2)
    assert page.startswith("This is neither an RSS/Atom feed nor a news listing")
    feeds.fail_next("/apa/other", "billion_laughs")
    _, bomb = await ask(f"/source add {feeds.url('/apa/other')} az", count=2)
    assert bomb.startswith("Refused: the feed declares XML entities")
    # No language given: read off the items (a Russian feed here), and said so.
    feeds.add_feed("/tass/rss", "rss", title="TASS", language="ru", site="tass.ru")
    feeds.add_item("/tass/rss", "Песков подтвердил встречу с Уиткоффом", "Встреча прошла в Кремле.")
    _, guessed = await ask(f"/source add {feeds.url('/tass/rss')}", count=2)
    assert guessed == (
        "Added source 127-0-0-1-ru (ru): 1 items found now. "
        "New items will be alerted from the next poll.\n"
        "Language: ru, read off its items. If that is wrong, remove the source "
        "and add it again with the language: /source add <url> en|ru|az"
    )
    assert (await ask(f"/source add {feeds.url('/apa/rss')} de"))[0] == (
        "Unknown language “de”. Use en, ru or az."
    )
    assert (await ask("/source wat"))[0].startswith("Usage: /source add <url> [en|ru|az]")

    async with services_of(app).sessions() as session:
        added_rows = (await session.exec(select(Source).where(Source.added_by == ADMIN_ID))).all()
    assert [(s.name, s.kind, s.language, s.enabled) for s in added_rows] == [
        ("127-0-0-1-az", "rss", "az", True),
        ("127-0-0-1-ru", "rss", "ru", True),
    ]

    assert (await ask("/source remove 127-0-0-1-az"))[0] == (
        "Source 127-0-0-1-az removed: it will not be polled again."
    )
    assert (await ask("/source remove nothing-here"))[0] == (
        "There is no source named “nothing-here”. See /sources."
    )
    async with services_of(app).sessions() as session:
        row = (await session.exec(select(Source).where(Source.name == "127-0-0-1-az"))).one()
    assert row.enabled is False


async def test_statements_off_means_no_feed_is_fetched(
    fake: FakeBotAPI, feeds: FakeFeeds, sqlite_url: str, tmp_path: Path
) -> None:
    settings = watching(fake, feeds, sqlite_url).model_copy(update={"statements_enabled": False})
    async with running_bot(settings):
        fake.user_message(AZ_CHAT, "/sources", language_code="en")
        [reply] = await fake.wait_for_messages(AZ_CHAT, 1, timeout=15)
    assert reply.plain_text == "No sources are configured."
    assert feeds.requests == []


async def test_an_edit_naming_a_new_place_edits_the_message_sent_before(
    fake: FakeBotAPI, feeds: FakeFeeds, sqlite_url: str
) -> None:
    await prepare_store(sqlite_url)
    settings = bot_settings(fake, sqlite_url, SUMMITWATCH_HEALTH_PORT="0")
    async with running_bot(settings) as application:
        services = services_of(application)
        async with services.sessions.begin() as session:
            baku = (await session.exec(select(Venue).where(Venue.slug == "baku"))).first()
            if baku is None:  # unless the venue knowledge was seeded at start
                session.add(
                    Venue(
                        slug="baku",
                        names={"en": "Baku", "ru": "Баку", "az": "Bakı"},
                        country="AZ",
                        lat=40.47,
                        lon=50.05,
                        timezone="Asia/Baku",
                    )
                )
        clock = Clock(time.time())
        spec = replace(load_sources()[1], url=feeds.url(KREMLIN_PATH))  # kremlin-ru
        assert spec.name == "kremlin-ru"
        poller = StatementPoller(
            services.sessions, (spec,), FAKE_ONLY, clock=clock, wake=services.wake_delivery
        )
        await poller.run_once()
        [first] = await fake.wait_for_messages(AZ_CHAT, 1, timeout=15)
        # Re-worded only: stored as a revision, nothing sent or edited.
        [item] = feeds.feed(KREMLIN_PATH).items
        feeds.edit_item(KREMLIN_PATH, item.number, title=TITLE + " (обновлено)")
        clock.advance(300)
        reworded = await poller.run_once()
        assert reworded is not None and reworded.edited == 1 and reworded.events == 0
        # Baku named: the message sent before is edited, in Azerbaijani.
        feeds.edit_item(KREMLIN_PATH, item.number, summary="Следующая встреча пройдёт в Баку.")
        clock.advance(300)
        moved = await poller.run_once()
        assert moved is not None and moved.events == 1
        await fake.wait_until(lambda: fake.count("editMessageText") == 1, timeout=15)
    edited = fake.sent_to(AZ_CHAT)[-1]
    assert edited.method == "editMessageText" and edited.message_id == first.message_id
    lines = (edited.plain_text or "").split("\n")
    assert lines[0] == "🏛 kremlin-ru · rəsmi mənbə: Stiv Uitkoff, Bakı, görüş"
    assert lines[1] == "✏️ Dərcdən sonra dəyişdirilib: xatırlananlar dəyişib."
    assert lines[3] == TITLE + " (обновлено)"
    assert "🔎 Yerlər: Bakı («Баку»)" in lines
    assert fake.count("sendMessage") == 1
