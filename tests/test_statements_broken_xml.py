"""A feed whose body is broken XML is a failure with its reason, not "✓ 0 items".

Through the fake feed server and the poll job, as in production: the poll fails, the
source's health counts it, and /sources shows it failing with the parser's words. A
body broken after readable items keeps them (see test_statements_polling); a clean
feed with no items stays healthy.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.text import html_to_plain
from bot.i18n import translator
from bot.statements.parsing import ProblemKind, parse_feed
from bot.statements.polling import PollPolicy, StatementPoller
from bot.statements.sources import SourceSpec
from bot.statements.views import sources_table
from storage.engine import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import Source
from tests.fakes.feeds import FakeFeeds
from tests.statement_fakes import FAKE_ONLY, T0, Clock, feeds_on

PATH = "/kremlin.ru/events/president/news/feed"


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
async def fake(clock: Clock) -> AsyncIterator[FakeFeeds]:
    async with feeds_on(clock) as server:
        yield server


@pytest.fixture
async def sessions(sqlite_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(sqlite_url)
    await upgrade(engine)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()


@pytest.fixture
def poller(
    fake: FakeFeeds, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> StatementPoller:
    fake.add_feed(PATH, style="atom", language="ru", site="kremlin.example")
    spec = SourceSpec(
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
    return StatementPoller(
        sessions,
        (spec,),
        FAKE_ONLY,
        clock=clock,
        policy=PollPolicy(timeout_s=0.5, max_body=1024 * 1024),
        rng=random.Random(3),
    )


async def _source(sessions: async_sessionmaker[AsyncSession]) -> Source:
    async with sessions() as session:
        return (await session.exec(select(Source).where(Source.name == "kremlin-ru"))).one()


async def _sources_lines(sessions: async_sessionmaker[AsyncSession], clock: Clock) -> list[str]:
    row = await _source(sessions)
    return html_to_plain(sources_table([row], clock(), translator("en"))).split("\n")


async def test_a_broken_feed_is_a_failing_source_with_its_reason(
    fake: FakeFeeds,
    poller: StatementPoller,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    fake.fail_next(PATH, "broken_xml")
    report = await poller.run_once()
    assert report is not None
    [result] = report.results
    assert not result.succeeded
    assert result.error == "broken XML: unclosed token; no item could be read"
    source = await _source(sessions)
    assert source.consecutive_failures == 1
    assert source.last_success_at is None
    lines = await _sources_lines(sessions, clock)
    assert lines[2].split()[:2] == ["kremlin-ru", "✗1"]
    assert lines[-1] == "• kremlin-ru: broken XML: unclosed token; no item could be read"


async def test_a_clean_feed_with_no_items_stays_healthy(
    poller: StatementPoller, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    report = await poller.run_once()
    assert report is not None and report.results[0].succeeded
    assert (await _sources_lines(sessions, clock))[2].split()[:2] == ["kremlin-ru", "✓"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'<rss version="2.0"><channel><title>x</ti', "unclosed token"),
        (b'<rss version="2.0"><channel><title>x</title>', "no element found"),
        (b'<rss version="2.0"><channel></channel></rss>junk<<', "not well-formed (invalid token)"),
        (b'<rss version="2.0"><channel><x:y>1</x:y></channel></rss>', "unbound prefix"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"><entry></entr></feed>', "mismatched tag"),
    ],
)
def test_broken_xml_without_a_readable_item_is_fatal(body: bytes, reason: str) -> None:
    parsed = parse_feed(body, source="s", language="en")
    assert parsed.error is not None
    assert parsed.error.kind is ProblemKind.BROKEN_XML
    assert parsed.error.detail == f"{reason}; no item could be read"
