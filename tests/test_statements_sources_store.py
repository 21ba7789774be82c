"""Statement sources in the store (SQLite and PostgreSQL): seeding never undoes an
operator, poll results land in the row, and a restart resumes conditional GET."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.net.guarded_http import new_guarded_session
from bot.net.ssrf import AddressPolicy
from bot.statements.feed_health import FeedHealth
from bot.statements.fetch import FeedFetcher, FetchResult, FetchStatus
from bot.statements.source_store import (
    load_health,
    load_targets,
    record_fetch,
    retire_source,
    seed_sources,
)
from bot.statements.sources import SourceSpec, load_sources
from storage.models import Source, SourceKind
from tests.fakes.feeds import FakeFeeds

SHIPPED = load_sources()
AT = datetime(2026, 7, 11, 12, 0, tzinfo=UTC)
Sessions = async_sessionmaker[AsyncSession]


async def row(sessions: Sessions, name: str) -> Source:
    async with sessions() as session:
        found = (await session.exec(select(Source).where(Source.name == name))).first()
    assert found is not None
    return found


async def test_seeding_inserts_every_shipped_source_once(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        report = await seed_sources(session, SHIPPED)
    assert report.inserted == tuple(s.name for s in SHIPPED)
    async with sessions.begin() as session:
        again = await seed_sources(session, SHIPPED)
    assert (again.inserted, again.updated) == ((), ())
    assert again.unchanged == tuple(s.name for s in SHIPPED)
    mfa = await row(sessions, "mfa-az-en")
    assert (mfa.kind, mfa.language, mfa.country, mfa.official, mfa.interval_s) == (
        SourceKind.HTML,
        "en",
        "AZ",
        True,
        600,
    )


async def test_seeding_keeps_health_validators_and_operator_choices(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        await seed_sources(session, SHIPPED)
        kremlin = (await session.exec(select(Source).where(Source.name == "kremlin-en"))).one()
        kremlin.etag = '"v1"'
        kremlin.last_modified = "Sat, 11 Jul 2026 12:00:00 GMT"
        kremlin.consecutive_failures = 3
        kremlin.last_error = "HTTP 503 Service Unavailable"
        kremlin.last_success_at = AT
        kremlin.items_seen = 20
        kremlin.interval_s = 900
        kremlin.enabled = False
    async with sessions.begin() as session:
        report = await seed_sources(session, SHIPPED)
    assert "kremlin-en" in report.unchanged
    kept = await row(sessions, "kremlin-en")
    assert (kept.etag, kept.last_modified) == ('"v1"', "Sat, 11 Jul 2026 12:00:00 GMT")
    assert (kept.consecutive_failures, kept.last_error, kept.items_seen) == (
        3,
        "HTTP 503 Service Unavailable",
        20,
    )
    assert kept.last_success_at == AT
    assert (kept.interval_s, kept.enabled) == (900, False)


async def test_a_moved_url_refreshes_the_row_and_drops_its_validators(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        await seed_sources(session, SHIPPED)
        kremlin = (await session.exec(select(Source).where(Source.name == "kremlin-en"))).one()
        kremlin.etag = '"old-url"'
        kremlin.consecutive_failures = 2
    moved = [
        dataclasses.replace(s, url="https://en.kremlin.ru/events/president/news/feed")
        if s.name == "kremlin-en"
        else s
        for s in SHIPPED
    ]
    async with sessions.begin() as session:
        report = await seed_sources(session, moved)
    assert report.updated == ("kremlin-en",)
    refreshed = await row(sessions, "kremlin-en")
    assert refreshed.url == "https://en.kremlin.ru/events/president/news/feed"
    assert (refreshed.etag, refreshed.consecutive_failures) == (None, 2)


async def test_a_retired_source_is_not_revived_and_an_admins_row_is_kept(
    sessions: Sessions,
) -> None:
    async with sessions.begin() as session:
        # An admin added a source under a name that a later release ships.
        session.add(
            Source(name="apa-en", kind=SourceKind.RSS, url="https://mirror.example/apa", added_by=7)
        )
    async with sessions.begin() as session:
        first = await seed_sources(session, SHIPPED)
        assert await retire_source(session, "report-az")
        assert not await retire_source(session, "no-such-source")
    async with sessions.begin() as session:
        again = await seed_sources(session, SHIPPED)
    assert first.kept == again.kept == ("apa-en",)
    assert "report-az" in again.unchanged
    assert (await row(sessions, "report-az")).enabled is False
    assert (await row(sessions, "apa-en")).url == "https://mirror.example/apa"


@pytest.fixture
async def seeded(sessions: Sessions) -> Sessions:
    async with sessions.begin() as session:
        await seed_sources(session, SHIPPED)
    return sessions


def result(status: FetchStatus, **fields: object) -> FetchResult:
    return FetchResult(source="tass-en", status=status, at=AT, **fields)  # type: ignore[arg-type]


async def test_poll_results_update_health_and_validators_only_on_success(seeded: Sessions) -> None:
    async with seeded.begin() as session:
        await record_fetch(
            session,
            result(
                FetchStatus.OK,
                etag='"a"',
                last_modified="Sat, 11 Jul 2026 11:00:00 GMT",
                latency_ms=120.04,
                items=(),
            ),
        )
    stored = await row(seeded, "tass-en")
    assert (stored.etag, stored.last_success_at, stored.latency_ms) == ('"a"', AT, 120.0)

    later = AT + timedelta(minutes=5)
    async with seeded.begin() as session:
        await record_fetch(
            session,
            FetchResult(
                source="tass-en",
                status=FetchStatus.FAILED,
                at=later,
                error="HTTP 503 Service Unavailable",
                etag=None,
            ),
        )
        await record_fetch(
            session,
            FetchResult(
                source="tass-en", status=FetchStatus.FAILED, at=later, error="no answer within 15s"
            ),
        )
    failed = await row(seeded, "tass-en")
    assert failed.etag == '"a"'  # a failure never replaces the validators
    assert (failed.consecutive_failures, failed.last_error) == (2, "no answer within 15s")
    assert (failed.last_error_at, failed.last_success_at) == (later, AT)

    async with seeded.begin() as session:
        await record_fetch(
            session,
            FetchResult(
                source="tass-en",
                status=FetchStatus.NOT_MODIFIED,
                at=later,
                etag='"a"',
                last_modified="Sat, 11 Jul 2026 11:00:00 GMT",
            ),
        )
    recovered = await row(seeded, "tass-en")
    assert (recovered.consecutive_failures, recovered.last_success_at) == (0, later)
    assert recovered.last_error == "no answer within 15s"  # kept for the operator


async def test_a_result_for_an_unknown_source_is_ignored(seeded: Sessions) -> None:
    async with seeded.begin() as session:
        gone = FetchResult(source="gone", status=FetchStatus.OK, at=AT)
        assert await record_fetch(session, gone) is None


async def test_targets_are_the_enabled_feeds_with_their_selectors(seeded: Sessions) -> None:
    async with seeded.begin() as session:
        await retire_source(session, "report-en")
        session.add(
            Source(
                name="odd-page",
                kind=SourceKind.HTML,
                url="https://odd.example/",
                language="en",
                added_by=7,
            )
        )
        session.add(Source(name="adsb.lol", kind=SourceKind.READSB, url="https://adsb.example"))
    async with seeded() as session:
        targets, unreadable = await load_targets(session, SHIPPED)
    names = [t.name for t in targets]
    assert names == sorted(s.name for s in SHIPPED if s.name != "report-en")
    assert unreadable == ["odd-page"]
    by_name = {t.name: t for t in targets}
    spec: SourceSpec = next(s for s in SHIPPED if s.name == "president-az-ru")
    assert by_name["president-az-ru"].selectors == spec.selectors
    assert by_name["tass-en"].selectors is None


async def test_a_page_an_admin_added_is_read_with_its_sites_shipped_layout(
    seeded: Sessions,
) -> None:
    shipped = next(s for s in SHIPPED if s.name == "president-az-en")
    async with seeded.begin() as session:
        session.add(
            Source(
                name="president-az-de",
                kind=SourceKind.HTML,
                url="https://www.president.az/de/news",
                language="en",
                added_by=7,
            )
        )
    async with seeded() as session:
        targets, unreadable = await load_targets(session, SHIPPED)
    added = next(t for t in targets if t.name == "president-az-de")
    assert added.kind == "html" and added.selectors == shipped.selectors
    assert unreadable == []


async def test_stored_health_reads_back(seeded: Sessions) -> None:
    async with seeded.begin() as session:
        await record_fetch(
            session, result(FetchStatus.FAILED, error="HTTP 403 Forbidden", latency_ms=80.0)
        )
    async with seeded() as session:
        health = await load_health(session)
    assert set(health) == {s.name for s in SHIPPED}
    assert health["tass-en"] == FeedHealth(
        last_error_at=AT, last_error="HTTP 403 Forbidden", consecutive_failures=1
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeFeeds]:
    async with FakeFeeds() as server:
        yield server


async def test_a_restart_resumes_conditional_get_from_the_store(
    seeded: Sessions, fake: FakeFeeds
) -> None:
    url = fake.add_feed("/tass", "rss", language="en", site="tass.example")
    fake.add_item("/tass", "Statement by the ministry", published=AT)
    async with seeded.begin() as session:
        tass = (await session.exec(select(Source).where(Source.name == "tass-en"))).one()
        tass.url = url
    policy = AddressPolicy.build(allow=["127.0.0.1"])  # the fake's address, explicitly
    for expected in (FetchStatus.OK, FetchStatus.NOT_MODIFIED):
        # A new process each time: targets and health come from the store.
        async with seeded() as session:
            targets, _ = await load_targets(session, SHIPPED)
            health = await load_health(session)
        target = next(t for t in targets if t.name == "tass-en")
        async with new_guarded_session(policy) as http:
            outcome = await FeedFetcher(http, initial_health=health).poll(target, force=True)
        assert outcome is not None and outcome.status is expected
        async with seeded.begin() as session:
            await record_fetch(session, outcome)
    assert "if-none-match" in fake.requests[1].headers
    stored = await row(seeded, "tass-en")
    assert (stored.items_seen, stored.consecutive_failures) == (1, 0)
