"""What one poll of a statement source gave, and the source's health. Pure values.

`FetchResult` is what `FeedFetcher.poll` returns; `FeedHealth.after(result)` is
the health that follows from it, computed the same way in memory (the fetcher)
and in the store (`source_store.record_fetch`), so both agree after a restart.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from bot.statements.items import FeedItem
from bot.statements.parsing import ParseProblem

# The `sources.last_error` column is 1024 characters wide.
MAX_ERROR_CHARS = 1024


class FetchStatus(StrEnum):
    """How a poll ended."""

    OK = "ok"
    NOT_MODIFIED = "not_modified"
    FAILED = "failed"


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchResult:
    """One poll of one source.

    Attributes:
        source: the source's name.
        status: ok (a body was read and parsed), not_modified (304: nothing to
            parse), failed (see `error`).
        at: when the poll started, aware UTC.
        items: the items of an ok poll, in document order.
        etag: the validator to send next time (`If-None-Match`); on a failure
            the one we had, unchanged.
        last_modified: the same for `If-Modified-Since`.
        error: why it failed: short, fit for a health report; None otherwise.
        latency_ms: time until the answer (or the failure), parsing excluded.
        problems: what the parser reported (fatal ones make a failure).
        http_status: the HTTP status, when an answer came.
        retry_in_s: after a failure, the delay the backoff chose (Retry-After
            included) before the source is due again.
        feed_title: the feed's or page's own title, if any.
    """

    source: str
    status: FetchStatus
    at: datetime
    items: tuple[FeedItem, ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    latency_ms: float | None = None
    problems: tuple[ParseProblem, ...] = ()
    http_status: int | None = None
    retry_in_s: float | None = None
    feed_title: str | None = None

    @property
    def succeeded(self) -> bool:
        """True for ok and not_modified."""
        return self.status is not FetchStatus.FAILED


@dataclass(frozen=True, slots=True)
class FeedHealth:
    """How a source has been doing (the health columns of its `sources` row).

    Attributes:
        last_success_at: the last ok or not_modified poll, aware UTC.
        last_error_at: the last failed poll, aware UTC.
        last_error: what went wrong last; kept after a success, so an operator
            still sees it.
        consecutive_failures: failed polls since the last success.
        items_seen: items in the last body read (a 304 keeps the count): a
            listing that suddenly yields 0 is a layout change to look at.
        latency_ms: latency of the last successful poll.
    """

    last_success_at: datetime | None = None
    last_error_at: datetime | None = None
    last_error: str | None = None
    consecutive_failures: int = 0
    items_seen: int = 0
    latency_ms: float | None = None

    def after(self, result: FetchResult) -> FeedHealth:
        """The health once `result` is taken into account."""
        if result.status is FetchStatus.FAILED:
            return replace(
                self,
                last_error_at=result.at,
                last_error=(result.error or "failed")[:MAX_ERROR_CHARS],
                consecutive_failures=self.consecutive_failures + 1,
            )
        latency = round(result.latency_ms, 1) if result.latency_ms is not None else None
        return replace(
            self,
            last_success_at=result.at,
            consecutive_failures=0,
            latency_ms=latency if latency is not None else self.latency_ms,
            items_seen=len(result.items) if result.status is FetchStatus.OK else self.items_seen,
        )
