"""FeedFetcher over real HTTP to the fake feed server: conditional GET, every fault,
backoff and Retry-After on an injected clock, one request per host, health, and the
`/source add` check."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from bot.net.guarded_http import GuardedSession, new_guarded_session
from bot.net.http import USER_AGENT
from bot.net.ssrf import AddressPolicy
from bot.statements.feed_health import FeedHealth
from bot.statements.fetch import FeedFetcher, FetchResult, FetchStatus, check_new_source
from bot.statements.parsing import ProblemKind
from bot.statements.sources import FeedTarget, load_sources
from tests.fakes.feeds import FakeFeeds, FaultKind, Style
from tests.statement_fakes import FAKE_ONLY, T0, Clock, feeds_on

PUBLISHED = datetime(2026, 7, 11, 9, 0, tzinfo=UTC)
INTERVAL = 300


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
async def fake(clock: Clock) -> AsyncIterator[FakeFeeds]:
    async with feeds_on(clock) as server:
        yield server


@pytest.fixture
async def session() -> AsyncIterator[GuardedSession]:
    async with new_guarded_session(FAKE_ONLY) as guarded:
        yield guarded


@pytest.fixture
def fetcher(session: GuardedSession, clock: Clock) -> FeedFetcher:
    return FeedFetcher(session, clock=clock, rng=random.Random(7), timeout_s=0.5)


def publish_kremlin(fake: FakeFeeds, path: str = "/kremlin/feed") -> FeedTarget:
    url = fake.add_feed(path, "atom", title="Новости", language="ru", site="kremlin.example")
    fake.add_item(path, "Телефонный разговор", "Обсуждены вопросы.", published=PUBLISHED)
    fake.add_item(path, "Встреча с посланником", "Состоялась встреча.", published=PUBLISHED)
    return FeedTarget(name="kremlin-ru", kind="rss", url=url, language="ru", interval_s=INTERVAL)


async def poll_now(fetcher: FeedFetcher, target: FeedTarget) -> FetchResult:
    result = await fetcher.poll(target, force=True)
    assert result is not None
    return result


# ---------------------------------------------------------------- conditional GET


async def test_second_poll_sends_the_validators_and_gets_304(
    fake: FakeFeeds, fetcher: FeedFetcher, clock: Clock
) -> None:
    target = publish_kremlin(fake)
    first = await fetcher.poll(target)
    assert first is not None and first.status is FetchStatus.OK
    assert [i.title for i in first.items] == ["Телефонный разговор", "Встреча с посланником"]
    assert first.items[0].guid == "http://kremlin.example/events/president/news/900001"
    assert first.etag and first.last_modified
    assert "if-none-match" not in fake.requests[0].headers

    clock.advance(INTERVAL)
    second = await fetcher.poll(target)
    assert second is not None and second.status is FetchStatus.NOT_MODIFIED
    assert second.items == ()
    assert fake.requests[1].headers["if-none-match"] == first.etag
    assert fake.requests[1].headers["if-modified-since"] == first.last_modified
    assert fake.requests[1].status == 304
    assert (second.etag, second.last_modified) == (first.etag, first.last_modified)


async def test_an_item_edited_after_publication_comes_back_with_its_guid(
    fake: FakeFeeds, fetcher: FeedFetcher, clock: Clock
) -> None:
    target = publish_kremlin(fake)
    first = await poll_now(fetcher, target)
    clock.advance(INTERVAL)
    fake.edit_item("/kremlin/feed", 900001, title="Телефонный разговор с Президентом")
    fake.duplicate_item("/kremlin/feed", 900002)
    edited = await poll_now(fetcher, target)
    assert edited.status is FetchStatus.OK
    assert edited.etag != first.etag
    before = {i.guid: i.content_hash for i in first.items}
    after = {i.guid: i.content_hash for i in edited.items}
    assert after.keys() == before.keys()  # the duplicate is dropped, the guid kept
    changed = [guid for guid in after if after[guid] != before[guid]]
    assert changed == ["http://kremlin.example/events/president/news/900001"]


async def test_without_an_etag_last_modified_alone_gives_304(
    fake: FakeFeeds, fetcher: FeedFetcher, clock: Clock
) -> None:
    # Like mod.gov.az: no ETag header at all.
    url = fake.add_feed("/mod/rss", "rss", language="az", site="mod.example", send_etag=False)
    fake.add_item("/mod/rss", "Nazirlik məlumat yayıb", published=PUBLISHED)
    target = FeedTarget(name="mod-az", kind="rss", url=url, language="az")
    first = await poll_now(fetcher, target)
    assert first.status is FetchStatus.OK and first.etag is None and first.last_modified
    clock.advance(INTERVAL)
    second = await poll_now(fetcher, target)
    assert second.status is FetchStatus.NOT_MODIFIED
    assert "if-none-match" not in fake.requests[1].headers
    assert fake.requests[1].headers["if-modified-since"] == first.last_modified


async def test_stored_validators_are_sent_by_a_fresh_fetcher(
    fake: FakeFeeds, session: GuardedSession, clock: Clock
) -> None:
    target = publish_kremlin(fake)
    first = await poll_now(FeedFetcher(session, clock=clock), target)
    # A restart: the validators come back from the store with the target.
    stored = FeedTarget(
        name=target.name,
        kind="rss",
        url=target.url,
        language="ru",
        etag=first.etag,
        last_modified=first.last_modified,
    )
    again = await poll_now(FeedFetcher(session, clock=clock), stored)
    assert again.status is FetchStatus.NOT_MODIFIED


async def test_requests_carry_the_user_agent_and_accept_feeds(
    fake: FakeFeeds, fetcher: FeedFetcher
) -> None:
    await poll_now(fetcher, publish_kremlin(fake))
    headers = fake.requests[0].headers
    assert headers["user-agent"] == USER_AGENT
    assert "application/rss+xml" in headers["accept"]


async def test_a_source_is_not_polled_before_its_interval(
    fake: FakeFeeds, fetcher: FeedFetcher, clock: Clock
) -> None:
    target = publish_kremlin(fake)
    assert await fetcher.poll(target) is not None
    clock.advance(INTERVAL - 1)
    assert not fetcher.is_due(target)
    assert await fetcher.poll(target) is None
    assert fetcher.next_try_at(target) == datetime.fromtimestamp(T0 + INTERVAL, UTC)
    clock.advance(1)
    assert await fetcher.poll(target) is not None
    assert len(fake.requests) == 2


# ---------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("style", "language", "title"),
    [
        ("rss", "az", "Prezident nümayəndə heyəti ilə görüşüb"),
        ("atom", "ru", "Встреча с посланником"),
        ("wordpress", "en", "Secretary's Meeting With a Foreign Minister"),
    ],
)
async def test_each_publisher_format_is_read(
    fake: FakeFeeds, fetcher: FeedFetcher, style: Style, language: str, title: str
) -> None:
    url = fake.add_feed("/f", style, language=language, site="pub.example")
    fake.add_item("/f", title, "Text.", number=912345, published=PUBLISHED)
    result = await poll_now(fetcher, FeedTarget("src", "rss", url, language))
    assert result.status is FetchStatus.OK, result.error
    [item] = result.items
    assert item.title == title and item.published == PUBLISHED
    if style == "wordpress":
        assert item.guid == "https://pub.example/?p=912345"
        assert item.url is not None and "utm_" not in item.url


async def test_the_listing_page_is_read_with_the_shipped_president_selectors(
    fake: FakeFeeds, fetcher: FeedFetcher
) -> None:
    spec = next(s for s in load_sources() if s.name == "president-az-en")
    url = fake.add_feed("/en/news/category/all", "listing", site="president.example")
    fake.add_item("/en/news/category/all", "Ilham Aliyev received a delegation", number=990001)
    target = FeedTarget("president-az-en", "html", url, "en", selectors=spec.selectors)
    result = await poll_now(fetcher, target)
    assert result.status is FetchStatus.OK, result.error
    [item] = result.items
    assert item.title == "Ilham Aliyev received a delegation"
    assert item.url == fake.url("/en/articles/view/990001")
    # "11 July 2026" at midnight in Baku.
    assert item.published == datetime(2026, 7, 10, 20, 0, tzinfo=UTC)


@pytest.mark.parametrize("declared", [True, False])
async def test_windows_1251_feeds_declared_or_not(
    fake: FakeFeeds, fetcher: FeedFetcher, declared: bool
) -> None:
    url = fake.add_feed(
        "/tass", "rss", language="ru", encoding="windows-1251", declare_encoding=declared
    )
    fake.add_item("/tass", "Заявление министерства иностранных дел", "Текст заявления.")
    result = await poll_now(fetcher, FeedTarget("tass-ru", "rss", url, "ru"))
    assert result.status is FetchStatus.OK
    assert result.items[0].title == "Заявление министерства иностранных дел"
    guessed = [p for p in result.problems if p.kind is ProblemKind.ENCODING]
    assert bool(guessed) is not declared


# ---------------------------------------------------------------- faults


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    error: str
    http_status: int | None


FAULTS = [
    Fault("timeout", "no answer within 0.5s", None),
    Fault("500", "HTTP 500 Internal Server Error", 500),
    Fault("502", "HTTP 502 Bad Gateway", 502),
    Fault("503", "HTTP 503 Service Unavailable", 503),
    Fault("403", "HTTP 403 Forbidden", 403),
    Fault("429", "HTTP 429 Too Many Requests (retry after 120s)", 429),
    Fault("billion_laughs", "unsafe XML: the document declares XML entities", 200),
    Fault("xxe", "unsafe XML: the document declares XML entities", 200),
    Fault("waf_block", "not a feed: an HTML page, not a feed (title: 'Access Denied')", 200),
    Fault("oversized", "over the 4194304 cap", None),
]


@pytest.mark.parametrize("fault", FAULTS, ids=[f.kind for f in FAULTS])
async def test_each_fault_fails_cleanly_and_keeps_the_last_good_validators(
    fake: FakeFeeds, fetcher: FeedFetcher, clock: Clock, fault: Fault
) -> None:
    target = publish_kremlin(fake)
    good = await poll_now(fetcher, target)
    clock.advance(INTERVAL)
    fake.fail_next("/kremlin/feed", fault.kind)

    result = await poll_now(fetcher, target)

    assert result.status is FetchStatus.FAILED
    assert result.error is not None and fault.error in result.error
    assert result.http_status == fault.http_status
    assert result.items == ()
    assert (result.etag, result.last_modified) == (good.etag, good.last_modified)
    assert result.retry_in_s is not None and result.retry_in_s >= INTERVAL
    health = fetcher.health("kremlin-ru")
    assert health.consecutive_failures == 1
    assert health.last_error == result.error
    assert health.last_error_at == clock()
    assert health.last_success_at == datetime.fromtimestamp(T0, UTC)
    assert not fetcher.is_due(target)
    # The next good answer is still conditional on the last good body.
    clock.advance((fetcher.next_try_at(target) - clock()).total_seconds())
    assert fetcher.is_due(target)
    recovered = await poll_now(fetcher, target)
    assert recovered.status is FetchStatus.NOT_MODIFIED
    assert fetcher.health("kremlin-ru").consecutive_failures == 0


async def test_a_large_feed_is_read_whole(fake: FakeFeeds, fetcher: FeedFetcher) -> None:
    # About 1.1 MB, like mod.gov.az's feed.
    url = fake.add_feed("/mod/rss", "rss", language="az", site="mod.example", send_etag=False)
    for number in range(2000):
        fake.add_item("/mod/rss", f"Xəbər {number}", "Mətn. " * 80, published=PUBLISHED)
    assert len(fake.feed("/mod/rss").body()) > 1_000_000
    result = await poll_now(fetcher, FeedTarget("mod-az", "rss", url, "az"))
    assert result.status is FetchStatus.OK
    assert len(result.items) == 2000
    assert result.problems == ()


async def test_a_chunked_body_over_the_cap_is_refused(
    fake: FakeFeeds, fetcher: FeedFetcher
) -> None:
    target = publish_kremlin(fake)
    fake.fail_next("/kremlin/feed", "oversized_stream")
    result = await poll_now(fetcher, target)
    assert result.status is FetchStatus.FAILED
    assert result.error == "body is over the 4194304 byte cap"


async def test_malformed_xml_keeps_the_items_before_the_damage(
    fake: FakeFeeds, fetcher: FeedFetcher
) -> None:
    target = publish_kremlin(fake)
    fake.fail_next("/kremlin/feed", "malformed_xml")
    result = await poll_now(fetcher, target)
    # Not a failure: the parser is lenient and says what it skipped.
    assert result.status is FetchStatus.OK
    assert "Whole item" in [i.title for i in result.items]
    assert ProblemKind.MALFORMED in {p.kind for p in result.problems}


async def test_a_404_is_a_failure(fake: FakeFeeds, fetcher: FeedFetcher) -> None:
    result = await poll_now(fetcher, FeedTarget("gone", "rss", fake.url("/nothing"), "en"))
    assert result.status is FetchStatus.FAILED
    assert result.error == "HTTP 404 Not Found"


async def test_a_refused_connection_is_a_failure(fetcher: FeedFetcher) -> None:
    # Port 9 (discard) on loopback: nothing listens there.
    result = await poll_now(fetcher, FeedTarget("down", "rss", "http://127.0.0.1:9/feed", "en"))
    assert result.status is FetchStatus.FAILED
    assert result.error == "connection failed"


async def test_backoff_grows_and_a_success_resets_it(
    fake: FakeFeeds, fetcher: FeedFetcher, clock: Clock
) -> None:
    target = publish_kremlin(fake)
    fake.fail_next("/kremlin/feed", "503", count=5)
    delays: list[float] = []
    for _ in range(5):
        result = await fetcher.poll(target)
        assert result is not None and result.status is FetchStatus.FAILED
        assert result.retry_in_s is not None
        delays.append(result.retry_in_s)
        wait = (fetcher.next_try_at(target) - clock()).total_seconds()
        assert wait == pytest.approx(result.retry_in_s, abs=0.1)
        clock.advance(wait - 1)
        assert await fetcher.poll(target) is None  # still backing off
        clock.advance(1)
    assert delays == sorted(delays)
    assert delays[0] == INTERVAL
    assert delays[-1] >= 4 * INTERVAL
    assert fetcher.health("kremlin-ru").consecutive_failures == 5
    assert len(fake.requests) == 5

    ok = await fetcher.poll(target)
    assert ok is not None and ok.status is FetchStatus.OK
    assert fetcher.health("kremlin-ru").consecutive_failures == 0
    assert fetcher.health("kremlin-ru").last_error == "HTTP 503 Service Unavailable"
    assert fetcher.next_try_at(target) == clock() + (
        datetime.fromtimestamp(INTERVAL, UTC) - datetime.fromtimestamp(0, UTC)
    )


@pytest.mark.parametrize(("retry_after", "expected"), [(7200, 7200.0), (10**9, 6 * 3600.0)])
async def test_retry_after_is_honoured_within_a_ceiling(
    fake: FakeFeeds, fetcher: FeedFetcher, clock: Clock, retry_after: int, expected: float
) -> None:
    target = publish_kremlin(fake)
    fake.fail_next("/kremlin/feed", "429", retry_after=retry_after)
    result = await poll_now(fetcher, target)
    assert result.retry_in_s == expected
    clock.advance(expected - 1)
    assert await fetcher.poll(target) is None
    clock.advance(1)
    again = await fetcher.poll(target)
    assert again is not None and again.status is FetchStatus.OK


async def test_failure_counts_survive_a_restart_through_initial_health(
    fake: FakeFeeds, session: GuardedSession, clock: Clock
) -> None:
    target = publish_kremlin(fake)
    stored = FeedHealth(consecutive_failures=4, last_error="HTTP 503 Service Unavailable")
    fetcher = FeedFetcher(
        session, clock=clock, rng=random.Random(1), initial_health={"kremlin-ru": stored}
    )
    assert fetcher.is_due(target)  # a restart tries at once
    fake.fail_next("/kremlin/feed", "503")
    result = await poll_now(fetcher, target)
    assert fetcher.health("kremlin-ru").consecutive_failures == 5
    # The fifth failure in a row backs off like one: at least 8 intervals.
    assert result.retry_in_s is not None and result.retry_in_s >= 8 * INTERVAL


# ---------------------------------------------------------------- one request per host


async def test_sources_on_one_host_are_never_fetched_at_the_same_time(
    fake: FakeFeeds, fetcher: FeedFetcher
) -> None:
    fake.latency = 0.1
    targets = []
    styles: tuple[Style, ...] = ("rss", "atom", "wordpress", "rss")
    for number, style in enumerate(styles):
        url = fake.add_feed(f"/feed{number}", style)
        fake.add_item(f"/feed{number}", f"Item {number}", published=PUBLISHED)
        targets.append(FeedTarget(f"source-{number}", "rss", url, "en"))
    results = await asyncio.gather(*(fetcher.poll(t) for t in targets))
    assert all(r is not None and r.status is FetchStatus.OK for r in results)
    assert len(fake.requests) == 4
    assert fake.overlapping() == []
    assert fake.max_in_flight == 1


async def test_sources_on_different_hosts_are_fetched_together(
    fake: FakeFeeds, fetcher: FeedFetcher
) -> None:
    # The same fake under two host names: the per-host limit does not join them.
    fake.latency = 0.3
    url = fake.add_feed("/feed", "rss")
    fake.add_item("/feed", "Item", published=PUBLISHED)
    by_name = url.replace("127.0.0.1", "localhost")
    targets = [FeedTarget("a", "rss", url, "en"), FeedTarget("b", "rss", by_name, "en")]
    results = await asyncio.gather(*(fetcher.poll(t) for t in targets))
    assert all(r is not None and r.status is FetchStatus.OK for r in results)
    assert fake.max_in_flight == 2


async def test_overlapping_rounds_fetch_a_source_once(
    fake: FakeFeeds, fetcher: FeedFetcher
) -> None:
    fake.latency = 0.1
    target = publish_kremlin(fake)
    first, second = await asyncio.gather(fetcher.poll(target), fetcher.poll(target))
    assert [first is None, second is None].count(True) == 1
    assert len(fake.requests) == 1


# ---------------------------------------------------------------- /source add


async def test_a_new_feed_is_accepted_with_its_items(
    fake: FakeFeeds, session: GuardedSession
) -> None:
    url = fake.add_feed("/apa/rss", "rss", title="APA", language="az", site="apa.example")
    fake.add_item("/apa/rss", "Nazir görüşüb", number=990001, published=PUBLISHED)
    check = await check_new_source(url, "az", session)
    assert check.ok and check.kind == "rss" and check.reason is None
    assert check.feed_title == "APA"
    assert [i.title for i in check.items] == ["Nazir görüşüb"]
    assert check.etag is not None and check.last_modified is not None


async def test_a_listing_page_is_accepted_only_with_a_known_layout(
    fake: FakeFeeds, session: GuardedSession
) -> None:
    spec = next(s for s in load_sources() if s.name == "president-az-en")
    url = fake.add_feed("/ru/news/category/all", "listing", language="ru")
    fake.add_item("/ru/news/category/all", "Ильхам Алиев принял делегацию", number=990002)
    without = await check_new_source(url, "ru", session)
    assert not without.ok
    assert without.reason is not None
    assert without.reason.startswith("not a feed: an HTML page")
    assert without.reason.endswith("(and no listing layout is configured for this site)")
    with_layout = await check_new_source(url, "ru", session, selectors=spec.selectors)
    assert with_layout.ok and with_layout.kind == "html"
    assert [i.title for i in with_layout.items] == ["Ильхам Алиев принял делегацию"]


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("waf_block", "not a feed: an HTML page, not a feed (title: 'Access Denied')"),
        ("oversized", "body of 5242880 bytes is over the 4194304 cap"),
        ("xxe", "unsafe XML"),
        ("403", "HTTP 403 Forbidden"),
        ("redirect", "refused: 10.0.0.1 is a private address"),
    ],
)
async def test_a_new_source_is_refused_with_a_reason(
    fake: FakeFeeds, session: GuardedSession, fault: FaultKind, reason: str
) -> None:
    url = fake.add_feed("/feed", "rss")
    fake.fail_next("/feed", fault, location="http://10.0.0.1/feed")
    check = await check_new_source(url, "en", session)
    assert not check.ok and check.kind is None
    assert check.reason is not None and reason in check.reason


async def test_a_new_source_on_a_private_address_is_refused_before_any_request(
    fake: FakeFeeds,
) -> None:
    url = fake.add_feed("/feed", "rss")
    async with new_guarded_session(AddressPolicy()) as strict:
        check = await check_new_source(url, "en", strict)
    assert check.reason == "refused: 127.0.0.1 is a loopback address"
    assert fake.requests == []


async def test_a_new_source_in_an_unknown_language_is_refused(
    fake: FakeFeeds, session: GuardedSession
) -> None:
    check = await check_new_source(fake.add_feed("/feed", "rss"), "de", session)
    assert check.reason == "unsupported language 'de'"
    assert fake.requests == []
