"""The statement poller end to end on the store: fake feeds over real HTTP, faults,
duplicates, edits, routing to the outbox, health, and the silence query (SQLite and
PostgreSQL)."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.text import html_to_plain
from bot.kernel.i18n import translator
from bot.statements.polling import PollPolicy, StatementPoller
from bot.statements.sources import SourceSpec, load_sources
from bot.statements.views import sources_table
from storage.engine import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import (
    Mention,
    OutboxRow,
    Person,
    Source,
    Statement,
    StatementEvent,
    StatementRevision,
    SubscriptionKind,
    Venue,
)
from storage.outbox import claim_due
from storage.statements import has_source_said, last_said, recent_statements
from tests.alerting import subscribe_chats
from tests.fakes.feeds import FakeFeeds, FaultKind
from tests.statement_fakes import FAKE_ONLY, T0, Clock, feeds_on

NOW = datetime.fromtimestamp(T0, UTC)
PATH = "/kremlin.ru/events/president/news/feed"
WITKOFF_TITLE = "Владимир Путин провёл встречу со Стивом Уиткоффом"
AZ_CHAT = 501
EN_CHAT = 502


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
async def fake(clock: Clock) -> AsyncIterator[FakeFeeds]:
    async with feeds_on(clock) as server:
        yield server


def kremlin_spec(fake: FakeFeeds) -> SourceSpec:
    return SourceSpec(
        name="kremlin-ru",
        kind="rss",
        url=fake.url(PATH),
        language="ru",
        country="RU",
        official=True,
        enabled=True,
        interval_s=300,
        as_of="2026",
        note="the test's fake",
    )


async def watch(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        session.add(
            Person(
                slug="steve-witkoff",
                names={"en": "Steve Witkoff", "ru": "Стив Уиткофф", "az": "Stiv Uitkoff"},
                aliases={"en": ["Witkoff"], "ru": ["Уиткофф"], "az": ["Uitkoff"]},
            )
        )
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
    await subscribe_chats(
        sessions, [(AZ_CHAT, "az"), (EN_CHAT, "en")], SubscriptionKind.PERSON, "steve-witkoff"
    )


async def make_poller(
    fake: FakeFeeds, sessions: async_sessionmaker[AsyncSession], clock: Clock, **feed: Any
) -> StatementPoller:
    await watch(sessions)
    fake.add_feed(PATH, **{"style": "atom", "language": "ru", "site": "kremlin.example", **feed})
    return StatementPoller(
        sessions,
        (kremlin_spec(fake),),
        FAKE_ONLY,
        clock=clock,
        policy=PollPolicy(timeout_s=0.5, max_body=1024 * 1024),
        rng=random.Random(3),
    )


@pytest.fixture
async def poller(
    fake: FakeFeeds, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> StatementPoller:
    """A poller on both stores."""
    return await make_poller(fake, sessions, clock)


@pytest.fixture
async def lite(sqlite_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A store on SQLite only, for faults that do not depend on the database."""
    engine = create_engine(sqlite_url)
    await upgrade(engine)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()


async def rows(sessions: async_sessionmaker[AsyncSession], model: type[Any]) -> list[Any]:
    async with sessions() as session:
        return list((await session.exec(select(model).order_by(model.id))).all())


async def source_row(sessions: async_sessionmaker[AsyncSession]) -> Source:
    async with sessions() as session:
        return (await session.exec(select(Source).where(Source.name == "kremlin-ru"))).one()


async def test_a_matching_item_is_stored_matched_routed_once(
    fake: FakeFeeds,
    poller: StatementPoller,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    fake.add_item(PATH, "Поздравление работникам нефтяной промышленности", "Текст поздравления.")
    fake.add_item(PATH, WITKOFF_TITLE, "Встреча прошла в Кремле. Обсуждались вопросы.")
    report = await poller.run_once()
    assert report is not None and report.new == 2 and report.events == 1
    statements = await rows(sessions, Statement)
    assert [s.language for s in statements] == ["ru", "ru"]
    [event] = await rows(sessions, StatementEvent)
    assert event.data["title"] == WITKOFF_TITLE
    assert event.data["lead"] == "Встреча прошла в Кремле."
    assert event.data["source"] == {
        "name": "kremlin-ru",
        "official": True,
        "country": "RU",
        "tz": "Europe/Moscow",
    }
    matched = {(m["kind"], m["key"], m["text"]) for m in event.data["matched"]}
    assert matched == {
        ("person", "steve-witkoff", "Стивом Уиткоффом"),
        ("keyword", "meeting", "встречу"),
    }
    outbox = await rows(sessions, OutboxRow)
    assert sorted(r.chat_id for r in outbox) == [AZ_CHAT, EN_CHAT]
    assert {r.thread_key for r in outbox} == {f"statement:{event.statement_id}"}
    mentions = await rows(sessions, Mention)
    assert {(m.kind, m.key) for m in mentions} >= {
        ("person", "steve-witkoff"),
        ("keyword", "meeting"),
    }
    source = await source_row(sessions)
    assert source.items_seen == 2 and source.consecutive_failures == 0
    assert source.last_success_at == NOW

    # Later rounds: 304, then nothing due; nothing stored or alerted twice.
    clock.advance(300)
    again = await poller.run_once()
    assert again is not None and [r.status.value for r in again.results] == ["not_modified"]
    clock.advance(100)
    idle = await poller.run_once()
    assert idle is not None and idle.results == []
    assert len(await rows(sessions, OutboxRow)) == 2
    assert len(fake.requests_to(PATH)) == 2


async def test_duplicates_in_a_feed_and_reposts_are_stored_once(
    fake: FakeFeeds,
    poller: StatementPoller,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    fake.add_item(PATH, WITKOFF_TITLE, "Текст.", number=900001)
    fake.duplicate_item(PATH, 900001)
    await poller.run_once()
    clock.advance(300)
    # The same text again under a new guid (a re-post).
    fake.add_item(PATH, WITKOFF_TITLE, "Текст.", number=900002)
    report = await poller.run_once()
    assert report is not None and report.duplicates == 1 and report.events == 0
    assert len(await rows(sessions, Statement)) == 1
    assert len(await rows(sessions, StatementEvent)) == 1
    assert len(await rows(sessions, OutboxRow)) == 2


async def test_an_edit_alerts_only_when_what_matched_changes(
    fake: FakeFeeds,
    poller: StatementPoller,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    fake.add_item(PATH, "Встреча со Стивом Уиткоффом", "Текст.", number=900001)
    await poller.run_once()
    # Re-worded: same person, same meeting word: stored as revision 2, not alerted.
    clock.advance(300)
    fake.edit_item(PATH, 900001, title="Встреча со Стивом Уиткоффом в Кремле")
    reworded = await poller.run_once()
    assert reworded is not None and reworded.edited == 1 and reworded.events == 0
    # Now Baku is named: a new event in the same thread (the message will be edited).
    clock.advance(300)
    fake.edit_item(PATH, 900001, summary="Следующая встреча пройдёт в Баку.")
    moved = await poller.run_once()
    assert moved is not None and moved.edited == 1 and moved.events == 1

    [statement] = await rows(sessions, Statement)
    assert statement.revision == 3
    history = await rows(sessions, StatementRevision)
    assert [(r.revision, r.title) for r in history] == [
        (1, "Встреча со Стивом Уиткоффом"),
        (2, "Встреча со Стивом Уиткоффом в Кремле"),
    ]
    first, second = await rows(sessions, StatementEvent)
    assert first.thread_key == second.thread_key == f"statement:{statement.id}"
    assert second.revision == 3
    assert {m["key"] for m in second.data["matched"]} == {"steve-witkoff", "meeting", "baku"}
    outbox = await rows(sessions, OutboxRow)
    assert [(r.event_id, r.chat_id) for r in outbox] == [
        (first.id, AZ_CHAT),
        (first.id, EN_CHAT),
        (second.id, AZ_CHAT),
        (second.id, EN_CHAT),
    ]
    mentions = {(m.kind, m.key) for m in await rows(sessions, Mention)}
    assert ("place", "baku") in mentions


async def test_the_first_poll_alerts_only_fresh_items(
    fake: FakeFeeds, poller: StatementPoller, sessions: async_sessionmaker[AsyncSession]
) -> None:
    fake.add_item(PATH, "Уиткофф прибыл в Москву", "Текст один.", published=NOW - timedelta(days=3))
    fake.add_item(PATH, WITKOFF_TITLE, "Текст два.", published=NOW - timedelta(hours=1))
    report = await poller.run_once()
    assert report is not None and report.new == 2 and report.events == 1
    [event] = await rows(sessions, StatementEvent)
    assert event.data["title"] == WITKOFF_TITLE
    # The old one is stored and matched: /statements and the silence query see it.
    async with sessions() as session:
        views = await recent_statements(session, topics=[("person", "steve-witkoff")])
    assert [v.title for v in views] == [WITKOFF_TITLE, "Уиткофф прибыл в Москву"]


FAULTS: list[tuple[FaultKind, str]] = [
    ("timeout", "no answer within 0.5s"),
    ("500", "HTTP 500 Internal Server Error"),
    ("503", "HTTP 503 Service Unavailable"),
    ("billion_laughs", "unsafe XML"),
    ("xxe", "unsafe XML"),
    ("oversized", "over the 1048576 cap"),
    ("oversized_stream", "over the 1048576 byte cap"),
    ("waf_block", "not a feed"),
]


@pytest.mark.parametrize(("kind", "error"), FAULTS, ids=[k for k, _ in FAULTS])
async def test_a_fault_is_health_not_a_crash_and_the_item_comes_once_after(
    fake: FakeFeeds,
    lite: async_sessionmaker[AsyncSession],
    clock: Clock,
    kind: FaultKind,
    error: str,
) -> None:
    poller = await make_poller(fake, lite, clock)
    fake.add_item(PATH, WITKOFF_TITLE, "Текст.")
    fake.fail_next(PATH, kind)
    report = await poller.run_once()
    assert report is not None and [r.status.value for r in report.results] == ["failed"]
    source = await source_row(lite)
    assert source.consecutive_failures == 1
    assert source.last_error is not None and error in source.last_error
    assert source.last_success_at is None
    assert await rows(lite, Statement) == []
    # After the backoff the source is polled again and the item alerted once.
    clock.advance(3600)
    recovered = await poller.run_once()
    assert recovered is not None and recovered.events == 1
    clock.advance(3600)
    await poller.run_once()
    source = await source_row(lite)
    assert source.consecutive_failures == 0 and source.last_error is not None
    assert len(await rows(lite, OutboxRow)) == 2


async def test_malformed_xml_keeps_what_is_readable_and_alerts_once_later(
    fake: FakeFeeds, lite: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    poller = await make_poller(fake, lite, clock)
    fake.add_item(PATH, WITKOFF_TITLE, "Текст.")
    fake.fail_next(PATH, "malformed_xml")
    report = await poller.run_once()
    assert report is not None and report.events == 0
    assert "Whole item" in [s.title for s in await rows(lite, Statement)]
    assert any(p.kind.value == "malformed" for p in report.results[0].problems)
    clock.advance(300)
    again = await poller.run_once()
    assert again is not None and again.events == 1
    assert len(await rows(lite, OutboxRow)) == 2


async def test_a_broken_feed_is_a_failing_source_with_its_reason(
    fake: FakeFeeds, lite: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    # Cut inside its first item: not "✓ 0 items" in /sources but failing, with the reason.
    poller = await make_poller(fake, lite, clock)
    fake.fail_next(PATH, "broken_xml")
    report = await poller.run_once()
    assert report is not None
    [result] = report.results
    assert not result.succeeded
    assert result.error == "broken XML: unclosed token; no item could be read"
    source = await source_row(lite)
    assert source.consecutive_failures == 1 and source.last_success_at is None
    lines = html_to_plain(sources_table([source], clock(), translator("en"))).split("\n")
    assert lines[2].split()[:2] == ["kremlin-ru", "✗1"]
    assert lines[-1] == "• kremlin-ru: broken XML: unclosed token; no item could be read"


@pytest.mark.parametrize("declared", [True, False])
async def test_a_windows_1251_feed_is_matched_in_russian(
    fake: FakeFeeds, lite: async_sessionmaker[AsyncSession], clock: Clock, declared: bool
) -> None:
    poller = await make_poller(
        fake, lite, clock, style="rss", encoding="windows-1251", declare_encoding=declared
    )
    fake.add_item(PATH, "Уиткофф прибыл в Баку", "Переговоры начнутся завтра.")
    report = await poller.run_once()
    assert report is not None and report.events == 1
    [event] = await rows(lite, StatementEvent)
    assert event.data["title"] == "Уиткофф прибыл в Баку"
    assert {m["key"] for m in event.data["matched"]} == {"steve-witkoff", "baku", "talks"}


async def test_silence_is_answered_per_source_topic_and_time(
    fake: FakeFeeds, poller: StatementPoller, sessions: async_sessionmaker[AsyncSession]
) -> None:
    published = NOW - timedelta(hours=2)
    fake.add_item(PATH, "Уиткофф прибыл в Баку", "Текст.", published=published)
    await poller.run_once()
    async with sessions() as session:
        witkoff = [("person", "steve-witkoff")]
        assert await last_said(session, "kremlin-ru", witkoff) == published
        assert await has_source_said(session, "kremlin-ru", witkoff, since=NOW - timedelta(days=1))
        assert not await has_source_said(session, "kremlin-ru", witkoff, since=NOW)
        assert await has_source_said(session, "kremlin-ru", [("place", "baku")], since=published)
        assert not await has_source_said(
            session, "kremlin-ru", [("person", "vladimir-putin")], since=NOW - timedelta(days=9)
        )
        assert await last_said(session, "mfa-az-en", witkoff) is None
        assert await last_said(session, "kremlin-ru") == published


async def test_a_restart_neither_repeats_alerts_nor_forgets_health(
    fake: FakeFeeds,
    poller: StatementPoller,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    fake.add_item(PATH, WITKOFF_TITLE, "Текст.")
    await poller.run_once()
    fake.fail_next(PATH, "503")
    clock.advance(300)
    await poller.run_once()
    # A new process: seeding again is a no-op, health and validators come from the store.
    restarted = StatementPoller(sessions, (kremlin_spec(fake),), FAKE_ONLY, clock=clock)
    clock.advance(3600)
    report = await restarted.run_once()
    assert report is not None and [r.status.value for r in report.results] == ["not_modified"]
    assert fake.requests_to(PATH)[-1].headers.get("if-none-match")
    assert report.events == 0
    assert len(await rows(sessions, Source)) == 1
    assert len(await rows(sessions, OutboxRow)) == 2
    source = await source_row(sessions)
    assert source.consecutive_failures == 0 and source.last_error == "HTTP 503 Service Unavailable"


async def test_a_listing_page_source_alerts_in_its_own_zone(
    fake: FakeFeeds, lite: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    await watch(lite)
    await subscribe_chats(lite, [(EN_CHAT, "en")], SubscriptionKind.SOURCE, "president-az-en")
    shipped = next(s for s in load_sources() if s.name == "president-az-en")
    url = fake.add_feed("/en/news/category/all", "listing", site="president.example")
    # The listing gives dates only ("11 July 2026"): midnight in Baku, 16 hours ago,
    # too old for a source's first poll (a baseline) but not for later ones.
    fake.add_item("/en/news/category/all", "Ilham Aliyev met Steve Witkoff", number=990001)
    poller = StatementPoller(lite, (replace(shipped, url=url),), FAKE_ONLY, clock=clock)
    baseline = await poller.run_once()
    assert baseline is not None and baseline.new == 1 and baseline.events == 0
    clock.advance(600)
    fake.add_item("/en/news/category/all", "Ilham Aliyev received Steve Witkoff", number=990002)
    report = await poller.run_once()
    assert report is not None and report.new == 1 and report.events == 1
    [event] = await rows(lite, StatementEvent)
    assert event.data["source"]["tz"] == "Asia/Baku"
    assert event.data["published"] == "2026-07-10T20:00:00+00:00"
    assert {m["key"] for m in event.data["matched"]} == {"steve-witkoff"}
    assert sorted(r.chat_id for r in await rows(lite, OutboxRow)) == [AZ_CHAT, EN_CHAT]


async def test_alerts_are_queued_by_the_delivery_clock_not_the_feed_clock(
    fake: FakeFeeds, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    """The outbox is the delivery worker's: its rows are due by that worker's clock, a
    virtual one here, apart from both the feed clock and the wall clock."""
    delivery = Clock(T0 + 9 * 86_400 + 17)
    await watch(sessions)
    fake.add_feed(PATH, style="atom", language="ru", site="kremlin.example")
    fake.add_item(PATH, WITKOFF_TITLE, "Встреча прошла в Кремле. Обсуждались вопросы.")
    poller = StatementPoller(
        sessions,
        (kremlin_spec(fake),),
        FAKE_ONLY,
        clock=clock,
        delivery_clock=delivery,
        policy=PollPolicy(timeout_s=0.5, max_body=1024 * 1024),
    )
    report = await poller.run_once()
    assert report is not None and report.events == 1
    queued = await rows(sessions, OutboxRow)
    assert {(r.next_attempt_at, r.created_at) for r in queued} == {(delivery(), delivery())}
    # The worker claims by its clock (`claim_due(now=clock())`): not due a second before.
    async with sessions.begin() as session:
        early = await claim_due(
            session, worker="w", limit=10, now=delivery() - timedelta(seconds=1)
        )
        due = await claim_due(session, worker="w", limit=10, now=delivery())
    assert early == [] and sorted(r.chat_id for r in due) == [AZ_CHAT, EN_CHAT]
