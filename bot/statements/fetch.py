"""Poll statement sources politely: conditional GET, one request per host, backoff.

`FeedFetcher.poll(target)` fetches one source when it is due and returns a
`FetchResult`:

- Conditional GET: the last ETag and Last-Modified go out as If-None-Match and
  If-Modified-Since; a 304 is "not_modified" and nothing is parsed.
- One request at a time per host (an `asyncio.Semaphore` per host name), so the
  five feeds of one publisher never hit it at once.
- Each source waits its own interval between polls; after a failure it waits
  longer, with jittered exponential backoff (`bot.net.http.Backoff`, starting from
  the source's interval) and at least as long as Retry-After asks (capped, so a
  hostile header cannot silence a source for a year).
- The body is capped (4 MB by default: the largest feed seen, mod.gov.az's, is
  about 1.1 MB) and parsed off the event loop (`asyncio.to_thread`: a 1 MB feed
  costs about 0.3 s of CPU).
- Every request goes through a `GuardedSession`, which refuses private
  addresses on the first request, on each redirect and at DNS time.

Failures never raise: a timeout, an HTTP error, an oversized or unsafe body, a
WAF page answered with 200 or a refused address all come back as a failed
result with a short reason, and the source's `FeedHealth` is updated.

`check_new_source` is the one-off check behind `/source add`.
"""

from __future__ import annotations

import asyncio
import http
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

import aiohttp

from bot.net.guarded_http import GuardedSession, RefusedURL
from bot.net.http import (
    DEFAULT_MAX_BODY,
    DEFAULT_TIMEOUT_S,
    Backoff,
    FetchError,
    FetchHTTPStatus,
    Response,
    fetch,
)
from bot.statements.feed_health import FeedHealth, FetchResult, FetchStatus
from bot.statements.items import FeedItem
from bot.statements.parsing import (
    HtmlSelectors,
    ParsedFeed,
    ParseProblem,
    ProblemKind,
    parse_feed,
    parse_html_listing,
)
from bot.statements.sources import MIN_INTERVAL_S, SOURCE_LANGUAGES, FeedKind, FeedTarget

__all__ = [
    "FeedFetcher",
    "FetchResult",
    "FetchStatus",
    "SourceCheck",
    "check_new_source",
    "describe_error",
]

log = logging.getLogger(__name__)

DEFAULT_BACKOFF_MAX_S = 3600.0
DEFAULT_MAX_RETRY_AFTER_S = 6 * 3600.0
# Widths of the `sources.etag` and `sources.last_modified` columns: a longer
# validator is not kept (a cut one would never match).
_MAX_ETAG_CHARS = 512
_MAX_LAST_MODIFIED_CHARS = 128
_ACCEPT = {
    "rss": (
        "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
        "text/xml;q=0.9, */*;q=0.5"
    ),
    "html": "text/html, application/xhtml+xml;q=0.9, */*;q=0.5",
}
# aiohttp errors whose own text may carry a URL (and so a private feed's token):
# described by a fixed phrase instead.
_CLIENT_ERRORS: tuple[tuple[type[BaseException], str], ...] = (
    (aiohttp.ClientConnectorDNSError, "DNS lookup failed"),
    (aiohttp.ClientConnectorCertificateError, "TLS certificate rejected"),
    (aiohttp.ClientSSLError, "TLS error"),
    (aiohttp.ClientConnectorError, "connection failed"),
    (aiohttp.ServerDisconnectedError, "the server closed the connection"),
    (aiohttp.TooManyRedirects, "too many redirects"),
    (aiohttp.NonHttpUrlRedirectClientError, "redirect to a non-HTTP URL refused"),
    (aiohttp.InvalidUrlRedirectClientError, "redirect to an invalid URL"),
    (aiohttp.InvalidURL, "invalid URL (or redirect to one)"),
    (aiohttp.ClientPayloadError, "the body was cut off or badly encoded"),
    (aiohttp.ClientResponseError, "malformed HTTP answer"),
)


# Items of a one-off check carry this as their source name.
_PROBE_NAME = "new-source"
_NO_LAYOUT_HINT = " (and no listing layout is configured for this site)"


def _utcnow() -> datetime:
    return datetime.now(UTC)


def describe_error(error: FetchError) -> str:
    """One line for health and logs, free of URLs and headers.

    "HTTP 503 Service Unavailable (retry after 120s)", "no answer within 15s",
    "refused: 10.0.0.5 is a private address", "connection failed".
    """
    if isinstance(error, FetchHTTPStatus):
        try:
            text = f"HTTP {error.status} {http.HTTPStatus(error.status).phrase}"
        except ValueError:
            text = f"HTTP {error.status}"
    elif isinstance(error, RefusedURL):
        text = f"refused: {error.reason}"
    else:
        cause = error.__cause__
        text = next(
            (phrase for kind, phrase in _CLIENT_ERRORS if isinstance(cause, kind)), error.reason
        )
    if error.retry_after is not None:
        text += f" (retry after {error.retry_after:g}s)"
    return text


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """A response header, whatever its case (`Response.headers` is a plain dict)."""
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


def _validator(value: str | None, limit: int) -> str | None:
    if value is None or not value.strip() or len(value) > limit:
        return None
    return value.strip()


def _host_key(url: str) -> str:
    try:
        return (urlsplit(url).hostname or url).lower()
    except ValueError:
        return url


def _parse(body: bytes, target: FeedTarget, content_type: str | None) -> ParsedFeed:
    if target.selectors is not None and target.kind == "html":
        return parse_html_listing(
            body,
            source=target.name,
            language=target.language,
            selectors=target.selectors,
            base_url=target.url,
            content_type=content_type,
        )
    return parse_feed(
        body,
        source=target.name,
        language=target.language,
        content_type=content_type,
        base_url=target.url,
    )


@dataclass
class _State:
    """What the fetcher remembers about one source between polls."""

    health: FeedHealth
    backoff: Backoff
    url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_attempt: float | None = None


@dataclass(frozen=True, slots=True)
class _Answer:
    """A response, or the error in its place, and how long it took."""

    outcome: Response | FetchError
    latency_ms: float

    @property
    def error(self) -> FetchError | None:
        return self.outcome if isinstance(self.outcome, FetchError) else None


class FeedFetcher:
    """Polls statement sources, one request per host at a time.

    Args:
        session: the guarded HTTP session (`new_guarded_session`); None until
            `use_session` gives one (a poller opening one per round).
        clock: the current time, aware UTC; intervals, backoff and health use
            it, so tests move time without sleeping.
        rng: randomness for the backoff jitter (seed it in tests).
        timeout_s: total time allowed per request, redirects included.
        max_body: the body cap in bytes.
        backoff_max_s: the longest backoff after repeated failures.
        max_retry_after_s: the longest Retry-After honoured.
        initial_health: stored health by source name (`source_store.load_health`),
            so failure counts, and with them the backoff, survive a restart.

    Conditional-GET validators: the fetcher remembers the ones it received
    last; a target's `etag`/`last_modified` are used only for a source it has
    not fetched yet (a fresh process) or whose URL changed.
    """

    def __init__(
        self,
        session: GuardedSession | None,
        *,
        clock: Callable[[], datetime] = _utcnow,
        rng: random.Random | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_body: int = DEFAULT_MAX_BODY,
        backoff_max_s: float = DEFAULT_BACKOFF_MAX_S,
        max_retry_after_s: float = DEFAULT_MAX_RETRY_AFTER_S,
        initial_health: Mapping[str, FeedHealth] | None = None,
    ) -> None:
        self._session: GuardedSession | None = session
        self._clock = clock
        self._rng = rng or random.Random()  # noqa: S311 (jitter, not cryptography)
        self._timeout_s = timeout_s
        self._max_body = max_body
        self._backoff_max_s = backoff_max_s
        self._max_retry_after_s = max_retry_after_s
        self._initial_health = dict(initial_health or {})
        self._states: dict[str, _State] = {}
        self._hosts: dict[str, asyncio.Semaphore] = {}

    def use_session(self, session: GuardedSession) -> None:
        """Fetch through `session` from now on.

        The poller opens one session per round and closes it after, so no
        connection outlives a round (nor the bot's shutdown); what the fetcher
        remembers (validators, backoff, intervals) stays.
        """
        self._session = session

    def health(self, name: str) -> FeedHealth:
        """The current health of a source (empty if never polled nor given)."""
        state = self._states.get(name)
        if state is not None:
            return state.health
        return self._initial_health.get(name, FeedHealth())

    def next_try_at(self, target: FeedTarget) -> datetime:
        """When `target` is next due: after its interval and any backoff."""
        state = self._state(target)
        at = state.backoff.next_allowed
        if state.last_attempt is not None:
            at = max(at, state.last_attempt + _interval(target))
        return datetime.fromtimestamp(at, UTC)

    def is_due(self, target: FeedTarget) -> bool:
        """Whether `target` may be polled now."""
        return self._due(self._state(target), target, self._clock().timestamp())

    async def poll(self, target: FeedTarget, *, force: bool = False) -> FetchResult | None:
        """Fetch and parse one source if it is due.

        Waits for the host's turn first (one request per host at a time) and
        checks again that the source is due, so overlapping rounds do not
        fetch a source twice.

        Args:
            target: the source.
            force: poll even if the interval or the backoff says not yet
                (`summitwatch sources check`); the host's turn is still kept.

        Returns:
            The result, or None when the source was not due.
        """
        state = self._state(target)
        if not force and not self._due(state, target, self._clock().timestamp()):
            return None
        async with self._host(target.url):
            at = self._clock()
            if not force and not self._due(state, target, at.timestamp()):
                return None
            state.last_attempt = at.timestamp()
            answer = await self._get(target, state)
        result = await self._result(target, state, at, answer)
        return self._settle(target, state, result, answer)

    # ------------------------------------------------------------------ internals

    def _state(self, target: FeedTarget) -> _State:
        state = self._states.get(target.name)
        if state is None:
            health = self._initial_health.get(target.name, FeedHealth())
            state = _State(
                health=health,
                backoff=Backoff(
                    base_s=float(_interval(target)),
                    max_s=self._backoff_max_s,
                    failures=health.consecutive_failures,
                    rng=random.Random(self._rng.random()),  # noqa: S311
                ),
            )
            self._states[target.name] = state
        if state.url != target.url:
            # A new source, or its URL changed: the validators we hold belong to
            # the old URL, the target's (from the store) to this one.
            state.url = target.url
            state.etag = _validator(target.etag, _MAX_ETAG_CHARS)
            state.last_modified = _validator(target.last_modified, _MAX_LAST_MODIFIED_CHARS)
        state.backoff.base_s = float(_interval(target))
        return state

    def _due(self, state: _State, target: FeedTarget, now: float) -> bool:
        if not state.backoff.ready(now):
            return False
        return state.last_attempt is None or now >= state.last_attempt + _interval(target)

    def _host(self, url: str) -> asyncio.Semaphore:
        key = _host_key(url)
        semaphore = self._hosts.get(key)
        if semaphore is None:
            semaphore = self._hosts[key] = asyncio.Semaphore(1)
        return semaphore

    async def _get(self, target: FeedTarget, state: _State) -> _Answer:
        headers = {"Accept": _ACCEPT[target.kind]}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        if self._session is None:
            raise RuntimeError("FeedFetcher has no session: call use_session first")
        return await _timed_fetch(
            self._session, target.url, headers, timeout_s=self._timeout_s, max_body=self._max_body
        )

    async def _result(
        self, target: FeedTarget, state: _State, at: datetime, answer: _Answer
    ) -> FetchResult:
        # A failure keeps the validators we had; only a success replaces them.
        failed = FetchResult(
            source=target.name,
            status=FetchStatus.FAILED,
            at=at,
            etag=state.etag,
            last_modified=state.last_modified,
            latency_ms=round(answer.latency_ms, 1),
        )
        response = answer.outcome
        if isinstance(response, FetchError):
            status = response.status if isinstance(response, FetchHTTPStatus) else None
            return replace(failed, error=describe_error(response), http_status=status)
        failed = replace(failed, http_status=response.status)
        etag = _validator(_header(response.headers, "ETag"), _MAX_ETAG_CHARS)
        modified = _validator(_header(response.headers, "Last-Modified"), _MAX_LAST_MODIFIED_CHARS)
        if response.status == http.HTTPStatus.NOT_MODIFIED:
            return replace(
                failed,
                status=FetchStatus.NOT_MODIFIED,
                etag=etag or state.etag,
                last_modified=modified or state.last_modified,
            )
        if not 200 <= response.status < 300:
            return replace(failed, error=f"unexpected HTTP {response.status}")
        parsed = await asyncio.to_thread(
            _parse, response.body, target, _header(response.headers, "Content-Type")
        )
        failed = replace(failed, problems=parsed.problems, feed_title=parsed.feed_title)
        if parsed.error is not None:
            return replace(failed, error=_parse_error(parsed.error))
        return replace(
            failed, status=FetchStatus.OK, items=parsed.items, etag=etag, last_modified=modified
        )

    def _settle(
        self, target: FeedTarget, state: _State, result: FetchResult, answer: _Answer
    ) -> FetchResult:
        """Update validators, backoff and health; the result with its retry delay."""
        if result.succeeded:
            state.etag = result.etag
            state.last_modified = result.last_modified
            state.backoff.succeeded()
            state.health = state.health.after(result)
            return result
        retry_after = answer.error.retry_after if answer.error is not None else None
        if retry_after is not None:
            retry_after = min(retry_after, self._max_retry_after_s)
        now = result.at.timestamp()
        delay = state.backoff.failed(now, retry_after)
        # The interval is a floor too: a failure never brings the next try forward.
        delay = max(delay, float(_interval(target)))
        state.backoff.next_allowed = now + delay
        result = replace(result, retry_in_s=round(delay, 1))
        state.health = state.health.after(result)
        log.warning(
            "statement source %s failed (%d in a row): %s; next try in %.0f s",
            target.name,
            state.health.consecutive_failures,
            result.error,
            delay,
        )
        return result


def _interval(target: FeedTarget) -> int:
    return max(MIN_INTERVAL_S, target.interval_s)


def _parse_error(problem: ParseProblem) -> str:
    prefix = {
        ProblemKind.NOT_A_FEED: "not a feed",
        ProblemKind.UNSAFE_XML: "unsafe XML",
        ProblemKind.BAD_SELECTORS: "bad selectors",
        ProblemKind.BROKEN_XML: "broken XML",
    }.get(problem.kind, problem.kind.value)
    return f"{prefix}: {problem.detail}"


async def _timed_fetch(
    session: GuardedSession,
    url: str,
    headers: Mapping[str, str],
    *,
    timeout_s: float,
    max_body: int,
) -> _Answer:
    started = time.perf_counter()
    try:
        response = await fetch(
            session.http,
            url,
            headers=headers,
            timeout_s=timeout_s,
            max_body=max_body,
            allow_status=frozenset({http.HTTPStatus.NOT_MODIFIED}),
        )
    except FetchError as error:
        return _Answer(error, (time.perf_counter() - started) * 1000)
    return _Answer(response, response.latency_ms)


@dataclass(frozen=True, slots=True)
class SourceCheck:
    """What `check_new_source` found.

    Attributes:
        url: the URL checked.
        kind: "rss" or "html" when accepted, else None.
        reason: why it is refused (SSRF, fetch failure, too big, not a feed);
            None when accepted.
        feed_title: the feed's or page's own title, a default for the name.
        items: what it holds now (to show a sample, and to mark as seen so the
            new source does not flood its first poll).
        problems: non-fatal parser remarks (encoding guessed, bad dates).
        etag: the validator to store with the new row.
        last_modified: likewise.
    """

    url: str
    kind: FeedKind | None
    reason: str | None
    feed_title: str | None = None
    items: tuple[FeedItem, ...] = ()
    problems: tuple[ParseProblem, ...] = field(default=())
    etag: str | None = None
    last_modified: str | None = None

    @property
    def ok(self) -> bool:
        """True when the URL can be added."""
        return self.reason is None


async def check_new_source(
    url: str,
    language: str,
    session: GuardedSession,
    *,
    selectors: HtmlSelectors | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_body: int = DEFAULT_MAX_BODY,
) -> SourceCheck:
    """Fetch a URL once and say whether it can be added as a source.

    Refused, with a reason fit to show the admin: a URL the SSRF check bars;
    a fetch that fails (timeout, HTTP error, redirect to a barred address); a
    body over `max_body`; a body that is neither a feed nor, when `selectors`
    are given (see `sources.selectors_for_url`), a listing page they read.

    Args:
        url: the URL the admin gave.
        language: the language of its items ("en", "ru", "az").
        session: the guarded session; its policy is the SSRF check.
        selectors: listing selectors to try when the body is not a feed.
        timeout_s: total time for the request.
        max_body: the body cap in bytes.

    Returns:
        The verdict; never raises for a bad URL or a bad answer.
    """
    url = url.strip()
    if language not in SOURCE_LANGUAGES:
        return SourceCheck(url, None, f"unsupported language {language!r}")
    if reason := await session.policy.check_url(url):
        return SourceCheck(url, None, f"refused: {reason}")
    answer = await _timed_fetch(
        session,
        url,
        {"Accept": _ACCEPT["rss"]},
        timeout_s=timeout_s,
        max_body=max_body,
    )
    response = answer.outcome
    if isinstance(response, FetchError):
        return SourceCheck(url, None, describe_error(response))
    if not 200 <= response.status < 300:
        return SourceCheck(url, None, f"unexpected HTTP {response.status}")
    content_type = _header(response.headers, "Content-Type")
    kind: FeedKind = "rss"
    probe = FeedTarget(name=_PROBE_NAME, kind=kind, url=url, language=language)
    parsed = await asyncio.to_thread(_parse, response.body, probe, content_type)
    failure = parsed.error
    if failure is not None and failure.kind is ProblemKind.NOT_A_FEED and selectors is not None:
        kind = "html"
        probe = FeedTarget(
            name=_PROBE_NAME, kind=kind, url=url, language=language, selectors=selectors
        )
        parsed = await asyncio.to_thread(_parse, response.body, probe, content_type)
        failure = parsed.error
    if failure is not None:
        hint = "" if selectors is not None else _NO_LAYOUT_HINT
        return SourceCheck(
            url, None, _parse_error(failure) + hint, parsed.feed_title, problems=parsed.problems
        )
    return SourceCheck(
        url,
        kind,
        None,
        parsed.feed_title,
        parsed.items,
        parsed.problems,
        _validator(_header(response.headers, "ETag"), _MAX_ETAG_CHARS),
        _validator(_header(response.headers, "Last-Modified"), _MAX_LAST_MODIFIED_CHARS),
    )
