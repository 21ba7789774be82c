"""The shared HTTP client policy for every source we poll (ADS-B providers, feeds).

One aiohttp session for the process; every request has a total timeout, a cap on the
body it will read, a descriptive User-Agent, and turns failures into one small
exception hierarchy that callers map to source health. Backoff and Retry-After live
here too, so every poller waits the same polite way.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import aiohttp

from bot import __version__

USER_AGENT = (
    f"summitwatch/{__version__} (+https://github.com/summitwatch/summitwatch; "
    "Telegram bot for analysts; polite polling)"
)
DEFAULT_TIMEOUT_S = 15.0
DEFAULT_MAX_BODY = 4 * 1024 * 1024


class FetchError(Exception):
    """A request did not give us a usable answer; `reason` is short and safe to show."""

    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class FetchTimeout(FetchError):
    """No answer in time."""


class FetchTooLarge(FetchError):
    """The body exceeded the cap; we stopped reading."""


class FetchHTTPStatus(FetchError):
    """An HTTP error status (4xx/5xx)."""

    def __init__(self, status: int, *, retry_after: float | None = None) -> None:
        super().__init__(f"HTTP {status}", retry_after=retry_after)
        self.status = status


@dataclass(frozen=True)
class Response:
    """What a successful request returned."""

    status: int
    body: bytes
    headers: Mapping[str, str]
    latency_ms: float


def new_session() -> aiohttp.ClientSession:
    """The process-wide session: pooled connections, our User-Agent."""
    return aiohttp.ClientSession(
        headers={"User-Agent": USER_AGENT},
        connector=aiohttp.TCPConnector(limit=32, limit_per_host=4, ttl_dns_cache=300),
    )


def retry_after_seconds(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds to wait from Retry-After (seconds or an HTTP date) or OpenSky's header."""
    for name in ("X-Rate-Limit-Retry-After-Seconds", "Retry-After"):
        value = headers.get(name)
        if value is None:
            continue
        value = value.strip()
        if value.isdigit():
            return float(value)
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())
    return None


async def fetch(
    session: aiohttp.ClientSession,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_body: int = DEFAULT_MAX_BODY,
    allow_status: frozenset[int] = frozenset({304}),
) -> Response:
    """GET `url`; the body is read up to `max_body` bytes. 2xx and `allow_status` succeed."""
    started = time.perf_counter()
    try:
        async with session.get(
            url,
            headers=dict(headers or {}),
            params=dict(params or {}),
            timeout=aiohttp.ClientTimeout(total=timeout_s),
            allow_redirects=True,
        ) as answer:
            if answer.status >= 400 and answer.status not in allow_status:
                raise FetchHTTPStatus(
                    answer.status, retry_after=retry_after_seconds(answer.headers)
                )
            declared = answer.content_length
            if declared is not None and declared > max_body:
                raise FetchTooLarge(f"body of {declared} bytes is over the {max_body} cap")
            # read(n) returns what is buffered, not n bytes: read in chunks to the end.
            chunks, size = [], 0
            async for chunk in answer.content.iter_chunked(64 * 1024):
                size += len(chunk)
                if size > max_body:
                    raise FetchTooLarge(f"body is over the {max_body} byte cap")
                chunks.append(chunk)
            body = b"".join(chunks)
            return Response(
                status=answer.status,
                body=body,
                headers=dict(answer.headers),
                latency_ms=(time.perf_counter() - started) * 1000,
            )
    except TimeoutError as exc:
        raise FetchTimeout(f"no answer within {timeout_s:g}s") from exc
    except aiohttp.ClientError as exc:
        raise FetchError(f"{type(exc).__name__}") from exc


@dataclass
class Backoff:
    """Jittered exponential backoff with a ceiling; Retry-After wins when longer."""

    base_s: float = 5.0
    max_s: float = 900.0
    failures: int = 0
    next_allowed: float = 0.0
    rng: random.Random = field(default_factory=random.Random)

    def failed(self, now: float, retry_after: float | None = None) -> float:
        """Record a failure; the delay until the next try."""
        self.failures += 1
        ceiling = min(self.max_s, self.base_s * 2 ** (self.failures - 1))
        delay = self.rng.uniform(ceiling / 2, ceiling)
        if retry_after is not None:
            delay = max(delay, retry_after)
        self.next_allowed = now + delay
        return delay

    def succeeded(self) -> None:
        """A success resets the backoff."""
        self.failures = 0
        self.next_allowed = 0.0

    def ready(self, now: float) -> bool:
        """Whether a try is allowed now."""
        return now >= self.next_allowed
