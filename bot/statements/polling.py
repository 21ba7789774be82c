"""The statement poller: fetch due sources, store what is new, alert what matches.

One round (`StatementPoller.run_once`, scheduled every few seconds by the
composition root; each source keeps its own interval inside `FeedFetcher`):

1. At the first round, the shipped sources are seeded into `sources`
   (idempotent, see `source_store`) and their stored health is loaded, so
   backoff and failure counts survive a restart.
2. The watchlist (people and venues in the store) is read; the matcher is
   rebuilt off the event loop only when it changed.
3. Every due source is polled through one guarded HTTP session opened for the
   round (SSRF guard, body cap, conditional GET, one request per host).
4. For each poll, in one transaction: health is recorded; each item is stored
   once (dedup by guid or link, then by content hash; an edit becomes a new
   revision); a new or edited item is matched, its mentions replaced, and a
   match raises a `StatementEvent` (unique dedup key) routed to the outbox.
   Then delivery is woken.

Nothing here raises for a bad source: a failed poll is health, not a crash.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aiohttp.abc import AbstractResolver
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.parts import SourcePart
from bot.alerts.record import record_event
from bot.kernel.config import Settings
from bot.links.linker import DEFAULT_WINDOW, link_statement
from bot.net.guarded_http import new_guarded_session
from bot.net.http import DEFAULT_MAX_BODY
from bot.net.ssrf import AddressPolicy
from bot.statements import forms_apart, statement_event
from bot.statements.configured import configured_sources, feed_addresses
from bot.statements.fetch import FeedFetcher, FetchResult, FetchStatus
from bot.statements.items import FeedItem
from bot.statements.matcher import Matcher
from bot.statements.source_store import load_health, load_targets, record_fetch, seed_sources
from bot.statements.sources import FeedTarget, SourceSpec
from bot.statements.watchlist import Watchlist, load_watchlist
from storage.models import Source, StatementEvent
from storage.statements import (
    Change,
    ItemValues,
    has_statements,
    known_hashes,
    replace_mentions,
    store_item,
)
from storage.types import utcnow

log = logging.getLogger("summitwatch.statements")

POLL_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class PollPolicy:
    """What is alerted and how requests are bounded.

    Attributes:
        max_age: a newly seen item published longer ago than this is stored, not alerted.
        baseline_age: in a source's first poll, only items this recent are alerted.
        timeout_s: total time per request.
        max_body: the body cap in bytes.
    """

    max_age: timedelta = timedelta(days=2)
    baseline_age: timedelta = timedelta(hours=6)
    timeout_s: float = POLL_TIMEOUT_S
    max_body: int = DEFAULT_MAX_BODY


@dataclass
class RoundReport:
    """What one round did (logs, tests, the `sources check` command)."""

    results: list[FetchResult] = field(default_factory=list)
    new: int = 0
    edited: int = 0
    duplicates: int = 0
    events: int = 0
    routed: int = 0
    unreadable: list[str] = field(default_factory=list)
    store_errors: list[str] = field(default_factory=list)


def _values(item: FeedItem) -> ItemValues:
    return ItemValues(
        guid=item.guid,
        url=item.url,
        title=item.title,
        summary=item.summary,
        published_at=item.published,
        language=item.language,
        content_hash=item.content_hash,
    )


class StatementPoller:
    """Polls statement sources and turns matching items into routed events.

    Args:
        sessions: the store.
        specs: the shipped sources (seeded at the first round; HTML selectors).
        addresses: which addresses feeds may be fetched from.
        clock: the current time, aware UTC (tests move it by hand).
        delivery_clock: the delivery worker's clock; alerts are queued due at its now.
        wake: called after events were routed (wakes the delivery worker).
        policy: freshness and request bounds.
        rng: randomness for backoff jitter.
        resolver: DNS resolver for the HTTP session (tests); aiohttp's by default.
        link_window: a statement is linked to landings this far before or after it.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        specs: tuple[SourceSpec, ...],
        addresses: AddressPolicy,
        *,
        clock: Callable[[], datetime] = utcnow,
        delivery_clock: Callable[[], datetime] = utcnow,
        wake: Callable[[], None] = lambda: None,
        policy: PollPolicy | None = None,
        rng: random.Random | None = None,
        resolver: AbstractResolver | None = None,
        link_window: timedelta = DEFAULT_WINDOW,
    ) -> None:
        self._sessions = sessions
        self._link_window = link_window
        self._specs = specs
        self._addresses = addresses
        self._clock = clock
        self._delivery_clock = delivery_clock
        self._wake = wake
        self._policy = policy or PollPolicy()
        self._rng = rng
        self._resolver = resolver
        self._fetcher: FeedFetcher | None = None
        self._watchlist: Watchlist | None = None
        self._matcher: Matcher | None = None
        self._round = asyncio.Lock()
        self._write = asyncio.Lock()
        self._reported_unreadable: set[str] = set()

    @property
    def fetcher(self) -> FeedFetcher | None:
        """The fetcher, once the first round started (health in memory)."""
        return self._fetcher

    async def run_once(self, *, force: bool = False) -> RoundReport | None:
        """Poll every due source once (every source when `force`).

        Returns:
            What the round did; None when the previous round is still running.
        """
        if self._round.locked():
            return None
        async with self._round:
            fetcher = await self._start()
            report = RoundReport()
            async with self._sessions() as session:
                targets, report.unreadable = await load_targets(session, self._specs)
                watchlist = await load_watchlist(session)
            self._report_unreadable(report.unreadable)
            matcher = await self._matcher_for(watchlist)
            due = [t for t in targets if force or fetcher.is_due(t)]
            if not due:
                return report
            async with new_guarded_session(self._addresses, resolver=self._resolver) as http:
                fetcher.use_session(http)
                outcomes = await asyncio.gather(
                    *(
                        self._poll(fetcher, target, matcher, watchlist, report, force)
                        for target in due
                    ),
                    return_exceptions=True,
                )
            for target, outcome in zip(due, outcomes, strict=True):
                # A store error in one source's transaction leaves the others alone.
                if isinstance(outcome, Exception):
                    log.error("statement source %s: storing failed", target.name, exc_info=outcome)
                    report.store_errors.append(target.name)
            if report.routed:
                self._wake()
            return report

    async def _start(self) -> FeedFetcher:
        if self._fetcher is not None:
            return self._fetcher
        async with self._sessions.begin() as session:
            seeded = await seed_sources(session, self._specs)
            health = await load_health(session)
        if seeded.inserted or seeded.updated:
            log.info(
                "statement sources: %d added, %d updated from the shipped list",
                len(seeded.inserted),
                len(seeded.updated),
            )
        # The round opens the HTTP session (`use_session`).
        self._fetcher = FeedFetcher(
            None,
            clock=self._clock,
            rng=self._rng,
            timeout_s=self._policy.timeout_s,
            max_body=self._policy.max_body,
            initial_health=health,
        )
        return self._fetcher

    async def _matcher_for(self, watchlist: Watchlist) -> Matcher:
        if self._matcher is None or watchlist.terms != (
            self._watchlist.terms if self._watchlist else None
        ):
            # Every name through pymorphy3, in a child process: about 0.2 s.
            self._matcher = await forms_apart.build_matcher(watchlist.terms)
        self._watchlist = watchlist
        return self._matcher

    def _report_unreadable(self, names: list[str]) -> None:
        for name in names:
            if name not in self._reported_unreadable:
                log.warning("statement source %s cannot be polled (no layout or language)", name)
                self._reported_unreadable.add(name)

    async def _poll(
        self,
        fetcher: FeedFetcher,
        target: FeedTarget,
        matcher: Matcher,
        watchlist: Watchlist,
        report: RoundReport,
        force: bool,
    ) -> None:
        result = await fetcher.poll(target, force=force)
        if result is None:
            return
        report.results.append(result)
        # One writer at a time: SQLite has one, and it keeps rounds easy to reason about.
        async with self._write, self._sessions.begin() as session:
            row = await record_fetch(session, result)
            if row is None or result.status is not FetchStatus.OK:
                return
            await self._store(session, row, target, result, matcher, watchlist, report)

    async def _store(
        self,
        session: AsyncSession,
        row: Source,
        target: FeedTarget,
        result: FetchResult,
        matcher: Matcher,
        watchlist: Watchlist,
        report: RoundReport,
    ) -> None:
        if row.id is None:
            return
        baseline = not await has_statements(session, row.id)
        listing_zone = target.selectors.timezone if target.selectors else None
        source = statement_event.SourceInfo(
            name=row.name,
            official=row.official,
            country=row.country,
            timezone=statement_event.source_zone(row.country, listing_zone),
        )
        known = await known_hashes(
            session,
            row.id,
            [item.guid for item in result.items],
            [item.url or "" for item in result.items],
        )
        for item in result.items:
            if known.get(item.guid, known.get(item.url or "")) == item.content_hash:
                continue  # unchanged since the last poll: most items of every poll
            stored = await store_item(session, row.id, _values(item), now=result.at)
            if stored.change is Change.DUPLICATE:
                report.duplicates += 1
            if stored.change in (Change.UNCHANGED, Change.DUPLICATE):
                continue
            report.new += stored.change is Change.NEW
            report.edited += stored.change is Change.EDITED
            statement = stored.statement
            statement_id = statement.id or 0
            found = matcher.match_item(item)
            await replace_mentions(
                session,
                statement_id,
                [(hit.kind.value, hit.key, hit.matched_text) for hit in found.hits],
            )
            fresh = statement_event.is_fresh(
                item,
                now=result.at,
                max_age=self._policy.max_age,
                baseline=baseline,
                baseline_age=self._policy.baseline_age,
            )
            if not found or not fresh:
                if found:
                    await self._link(session, statement_id, source)
                continue
            dedup_key, thread_key = statement_event.keys(statement_id, found)
            alert = statement_event.alert(
                item,
                found,
                statement_id=statement_id,
                revision=statement.revision,
                source=source,
                fetched_at=statement.fetched_at,
                names=watchlist.names,
            )
            recorded = await record_event(
                session,
                alert,
                # Outbox rows are due by the delivery worker's clock, not by the feed
                # clock (a test's or a demo's may run ahead of or behind it).
                self._delivery_clock(),
                row=StatementEvent(
                    dedup_key=dedup_key,
                    statement_id=statement_id,
                    revision=statement.revision,
                    thread_key=thread_key,
                    data=alert.to_json(),
                    detected_at=result.at,
                ),
            )
            # After the statement's own alert, so the pair's alert follows it.
            await self._link(session, statement_id, source)
            if recorded is None:
                continue  # an edit that changed wording only: what matched was alerted
            report.events += 1
            report.routed += recorded.routed

    async def _link(
        self, session: AsyncSession, statement_id: int, source: statement_event.SourceInfo
    ) -> None:
        # The landing may have come first: this statement completes the pair.
        await link_statement(
            session,
            statement_id=statement_id,
            source=SourcePart(source.name, source.official, source.country, source.timezone),
            now=self._delivery_clock(),
            window=self._link_window,
        )


def statement_job(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    wake: Callable[[], None] = lambda: None,
    *,
    delivery_clock: Callable[[], datetime] = utcnow,
) -> Callable[[], Coroutine[None, None, None]]:
    """The periodic job: a plain async function polling due sources once per call.

    The poller (and the sources file) is set up at the first call, inside the
    running loop; a failing round is logged and the next call tries again.

    Args:
        sessions: the store.
        settings: the sources file, its base URL and the feeds' address policy.
        wake: wakes the delivery worker after a round queued alerts.
        delivery_clock: the delivery worker's clock, which the alerts are queued by.
    """
    poller: StatementPoller | None = None

    async def poll_statements() -> None:
        nonlocal poller
        try:
            if poller is None:
                poller = StatementPoller(
                    sessions,
                    configured_sources(settings),
                    feed_addresses(settings),
                    delivery_clock=delivery_clock,
                    wake=wake,
                    link_window=settings.link_window,
                )
            await poller.run_once()
        except Exception:
            log.exception("statement polling round failed")

    return poll_statements
