"""A fake of the statement sources: feeds and listing pages over real HTTP on 127.0.0.1.

The bot's fetcher runs unmodified against it: real aiohttp, real conditional GET, real
redirects. One instance stands for one host; every feed lives at its own path::

    async with FakeFeeds() as fake:
        url = fake.add_feed("/apa/rss", "rss", title="APA", language="az", site="apa.example")
        fake.add_item("/apa/rss", "Nazir görüşüb", "Mətn", number=900001)
        ...                                    # poll `url`
        fake.edit_item("/apa/rss", 900001, title="Nazir görüşüb (yenilənib)")
        assert fake.requests[-1].headers.get("if-none-match")

What behaves like the real publishers
    * Formats (see :mod:`tests.fakes.feeds_formats`): APA-like RSS 2.0, Kremlin-like
      Atom, WordPress RSS (State Department, White House), a president.az-like HTML
      listing. Items are served newest first.
    * Conditional GET: each feed sends ``ETag`` (strong, changes with the content) and
      ``Last-Modified`` (the time of the last change, on ``clock``) unless told not to,
      like mod.gov.az which sends no ETag. ``If-None-Match`` (a list, ``*`` or weak
      tags) wins over ``If-Modified-Since``, as RFC 9110 says; a match answers ``304``
      with the validators and no body.
    * Encodings: a feed may be served in another encoding (``windows-1251``), with the
      charset declared (XML declaration / ``<meta charset>`` and Content-Type) or not.
    * Editing: :meth:`add_item`, :meth:`edit_item` (same guid, new text: an edit after
      publication), :meth:`duplicate_item` (the same item listed twice),
      :meth:`remove_item`. Each change moves the ETag and Last-Modified.

Faults
    ``fail_next(path, kind, count=1, ...)`` queues answers for the next requests to a
    path (``"*"``: any path). Kinds: ``"timeout"`` (held for ``fault_timeout`` seconds or
    until the server stops, then the connection is closed), ``"500"``, ``"502"``,
    ``"503"``, ``"403"`` (an HTML error page), ``"429"`` (``Retry-After: retry_after``),
    ``"malformed_xml"`` (cut after a whole item), ``"broken_xml"`` (cut inside the
    first), ``"billion_laughs"``, ``"xxe"``, ``"waf_block"`` (an HTML
    "Access Denied" page with status 200), ``"oversized"`` (a valid feed of
    ``oversized_bytes`` with Content-Length), ``"oversized_stream"`` (the same, chunked,
    no Content-Length), ``"redirect"`` (``302`` to ``location``, e.g. a private address).
    ``latency`` delays every answer (to make requests overlap in time).

Recording
    ``requests`` holds a :class:`FeedRequest` for every request, with its headers
    (lower-case names), answer and the times it started and ended; :meth:`overlapping`
    lists pairs of requests that were in flight at the same time, and ``max_in_flight``
    is the most requests ever in flight at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Final, Literal, TypeAlias, get_args

from aiohttp import web

from .feeds_formats import (
    FakeItem,
    Style,
    billion_laughs,
    broken_xml,
    content_type,
    external_entity,
    malformed,
    oversized,
    render,
    waf_block_page,
)
from .server import LoopbackServer

__all__ = [
    "FAULT_KINDS",
    "FakeFeed",
    "FakeFeeds",
    "FakeItem",
    "FaultKind",
    "FeedRequest",
    "Style",
]

FaultKind: TypeAlias = Literal[
    "timeout",
    "500",
    "502",
    "503",
    "403",
    "429",
    "malformed_xml",
    "broken_xml",
    "billion_laughs",
    "xxe",
    "waf_block",
    "oversized",
    "oversized_stream",
    "redirect",
]
FAULT_KINDS: Final[tuple[FaultKind, ...]] = get_args(FaultKind)
ANY_PATH: Final = "*"
_ERROR_PAGES: Final = {
    403: "403 Forbidden",
    500: "500 Internal Server Error",
    502: "502 Bad Gateway",
    503: "503 Service Unavailable",
}
_XML: Final = "application/xml"
_CHUNK: Final = 64 * 1024


@dataclass
class FakeFeed:
    """One feed or page of the fake and its state."""

    path: str
    style: Style
    title: str
    language: str
    site: str
    encoding: str = "utf-8"
    declare_encoding: bool = True
    send_etag: bool = True
    send_last_modified: bool = True
    items: list[FakeItem] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    modified_at: float = 0.0
    version: int = 0

    def body(self) -> bytes:
        """The current body."""
        by_number = {item.number: item for item in self.items}
        served = sorted(self.items, key=lambda i: i.published, reverse=True)
        served += [by_number[n] for n in self.duplicates if n in by_number]
        return render(
            self.style,
            title=self.title,
            site=self.site,
            language=self.language,
            items=served,
            encoding=self.encoding,
            declare_encoding=self.declare_encoding,
        )

    def etag(self, body: bytes) -> str:
        """A strong ETag that changes whenever the body does."""
        return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


@dataclass(frozen=True, slots=True)
class FeedRequest:
    """One request to the fake.

    Attributes:
        path: the request path.
        method: the HTTP method.
        headers: request headers, lower-case names.
        status: the status answered; None for a timeout.
        fault: the injected fault kind, None for a normal answer.
        started: when it arrived (``time.monotonic``).
        finished: when the answer was ready (or the connection dropped).
    """

    path: str
    method: str
    headers: Mapping[str, str]
    status: int | None
    fault: str | None
    started: float
    finished: float


@dataclass(frozen=True, slots=True)
class _Fault:
    kind: FaultKind
    retry_after: int
    location: str | None


class FakeFeeds(LoopbackServer):
    """A publisher host on 127.0.0.1 serving feeds and listing pages.

    Attributes:
        clock: Unix seconds for Last-Modified (``time.time``; tests may freeze it).
        latency: seconds every answer is delayed.
        fault_timeout: seconds a ``"timeout"`` fault holds a request.
        oversized_bytes: size of an ``"oversized"`` body.
        requests: every request, in arrival order.
        max_in_flight: the most requests in flight at once so far.
    """

    def __init__(self) -> None:
        super().__init__()
        self.clock: Callable[[], float] = time.time
        self.latency = 0.0
        self.fault_timeout = 30.0
        self.oversized_bytes = 5 * 1024 * 1024
        self.requests: list[FeedRequest] = []
        self.max_in_flight = 0
        self._in_flight = 0
        self._feeds: dict[str, FakeFeed] = {}
        self._faults: dict[str, deque[_Fault]] = {}

    # ------------------------------------------------------------------ lifecycle

    def _routes(self, app: web.Application) -> None:
        app.router.add_route("GET", "/{tail:.*}", self._handle)

    def url(self, path: str) -> str:
        """The absolute URL of a path on this fake."""
        return self.root_url + path

    # ------------------------------------------------------------------ content

    def add_feed(
        self,
        path: str,
        style: Style,
        *,
        title: str = "Fake feed",
        language: str = "en",
        site: str = "feeds.example",
        encoding: str = "utf-8",
        declare_encoding: bool = True,
        send_etag: bool = True,
        send_last_modified: bool = True,
    ) -> str:
        """Publishes an empty feed or page at `path`; its URL.

        Raises:
            ValueError: `path` does not start with "/" or is taken.
        """
        if not path.startswith("/") or path in self._feeds:
            raise ValueError(f"bad or duplicate path {path!r}")
        self._feeds[path] = FakeFeed(
            path=path,
            style=style,
            title=title,
            language=language,
            site=site,
            encoding=encoding,
            declare_encoding=declare_encoding,
            send_etag=send_etag,
            send_last_modified=send_last_modified,
            modified_at=self.clock(),
        )
        return self.url(path)

    def feed(self, path: str) -> FakeFeed:
        """The feed at `path` (KeyError if none)."""
        return self._feeds[path]

    def add_item(
        self,
        path: str,
        title: str,
        summary: str = "",
        *,
        number: int | None = None,
        published: datetime | None = None,
        slug: str | None = None,
    ) -> FakeItem:
        """Publishes an item; numbers count up from 900001 when not given."""
        feed = self._feeds[path]
        if number is None:
            number = 900001 + len(feed.items)
        when = published or datetime.fromtimestamp(self.clock(), UTC)
        item = FakeItem(number, title, summary, when, slug or f"item-{number}")
        feed.items.append(item)
        self._touch(feed)
        return item

    def edit_item(
        self,
        path: str,
        number: int,
        *,
        title: str | None = None,
        summary: str | None = None,
        slug: str | None = None,
    ) -> FakeItem:
        """Changes a published item in place (its guid and date stay)."""
        feed = self._feeds[path]
        item = next(i for i in feed.items if i.number == number)
        if title is not None:
            item.title = title
        if summary is not None:
            item.summary = summary
        if slug is not None:
            item.slug = slug
        self._touch(feed)
        return item

    def duplicate_item(self, path: str, number: int) -> None:
        """Lists an item a second time at the end of the feed."""
        feed = self._feeds[path]
        feed.duplicates.append(number)
        self._touch(feed)

    def remove_item(self, path: str, number: int) -> None:
        """Unpublishes an item."""
        feed = self._feeds[path]
        feed.items = [i for i in feed.items if i.number != number]
        self._touch(feed)

    def _touch(self, feed: FakeFeed) -> None:
        feed.version += 1
        # Last-Modified has whole seconds: a change within the same second as the
        # previous one would otherwise look unmodified to If-Modified-Since.
        feed.modified_at = max(self.clock(), feed.modified_at + 1)

    # ------------------------------------------------------------------ faults

    def fail_next(
        self,
        path: str,
        kind: FaultKind,
        *,
        count: int = 1,
        retry_after: int = 120,
        location: str | None = None,
    ) -> None:
        """Answers the next `count` requests to `path` ("*": any) with a fault.

        Raises:
            ValueError: an unknown kind, or "redirect" without `location`.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}")
        if kind == "redirect" and not location:
            raise ValueError("a redirect needs a location")
        queue = self._faults.setdefault(path, deque())
        queue.extend([_Fault(kind, retry_after, location)] * count)

    def clear_faults(self) -> None:
        """Drops queued faults."""
        self._faults.clear()

    # ------------------------------------------------------------------ records

    def requests_to(self, path: str) -> list[FeedRequest]:
        """Requests to one path, in order."""
        return [r for r in self.requests if r.path == path]

    def overlapping(self) -> list[tuple[FeedRequest, FeedRequest]]:
        """Pairs of requests that were in flight at the same time."""
        ordered = sorted(self.requests, key=lambda r: r.started)
        return [
            (a, b)
            for i, a in enumerate(ordered)
            for b in ordered[i + 1 :]
            if b.started < a.finished
        ]

    # ------------------------------------------------------------------ handler

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        started = time.monotonic()
        self._in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self._in_flight)
        status: int | None = None
        fault: str | None = None
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
            planned = self._next_fault(request.path)
            if planned is not None:
                fault = planned.kind
                response = await self._fault(request, planned)
            else:
                response = self._serve(request)
            status = None if fault == "timeout" else response.status
            return response
        finally:
            self._in_flight -= 1
            self.requests.append(
                FeedRequest(
                    path=request.path,
                    method=request.method,
                    headers={k.lower(): v for k, v in request.headers.items()},
                    status=status,
                    fault=fault,
                    started=started,
                    finished=time.monotonic(),
                )
            )

    def _next_fault(self, path: str) -> _Fault | None:
        for key in (path, ANY_PATH):
            queue = self._faults.get(key)
            if queue:
                return queue.popleft()
        return None

    def _serve(self, request: web.Request) -> web.Response:
        feed = self._feeds.get(request.path)
        if feed is None:
            return web.Response(status=404, text="404 Not Found", content_type="text/html")
        body = feed.body()
        headers: dict[str, str] = {}
        etag = feed.etag(body)
        if feed.send_etag:
            headers["ETag"] = etag
        if feed.send_last_modified:
            modified = datetime.fromtimestamp(int(feed.modified_at), UTC)
            headers["Last-Modified"] = format_datetime(modified, usegmt=True)
        if self._not_modified(request, feed, etag):
            return web.Response(status=304, headers=headers)
        headers["Content-Type"] = content_type(feed.style, feed.encoding, feed.declare_encoding)
        return web.Response(status=200, body=body, headers=headers)

    @staticmethod
    def _not_modified(request: web.Request, feed: FakeFeed, etag: str) -> bool:
        match = request.headers.get("If-None-Match")
        if match is not None:
            if not feed.send_etag:
                return False
            tags = {t.strip().removeprefix("W/") for t in match.split(",")}
            return "*" in tags or etag in tags
        since = request.headers.get("If-Modified-Since")
        if since is None or not feed.send_last_modified:
            return False
        try:
            moment = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        return int(feed.modified_at) <= moment.timestamp()

    async def _fault(self, request: web.Request, planned: _Fault) -> web.StreamResponse:
        kind = planned.kind
        if kind == "timeout":
            return await self._hold_and_drop(request, self.fault_timeout)
        if kind in ("500", "502", "503", "403"):
            status = int(kind)
            page = f"<html><head><title>{_ERROR_PAGES[status]}</title></head><body></body></html>"
            return web.Response(status=status, text=page, content_type="text/html")
        if kind == "429":
            return web.Response(
                status=429,
                text="Too Many Requests",
                headers={"Retry-After": str(planned.retry_after)},
            )
        if kind == "redirect":
            return web.Response(status=302, headers={"Location": planned.location or "/"})
        if kind == "oversized_stream":
            return await self._stream(request, oversized(self.oversized_bytes))
        bodies: dict[str, tuple[bytes, str]] = {
            "malformed_xml": (malformed("cut.example"), _XML),
            "broken_xml": (broken_xml("cut.example"), _XML),
            "billion_laughs": (billion_laughs(), _XML),
            "xxe": (external_entity(), _XML),
            "waf_block": (waf_block_page(), "text/html"),
            "oversized": (oversized(self.oversized_bytes), _XML),
        }
        body, kind_type = bodies[kind]
        return web.Response(status=200, body=body, content_type=kind_type)

    @staticmethod
    async def _stream(request: web.Request, body: bytes) -> web.StreamResponse:
        response = web.StreamResponse(status=200, headers={"Content-Type": _XML})
        response.enable_chunked_encoding()
        await response.prepare(request)
        try:
            for start in range(0, len(body), _CHUNK):
                await response.write(body[start : start + _CHUNK])
            await response.write_eof()
        except (ConnectionResetError, RuntimeError):
            # The client stopped reading at its cap and went away: that is the point.
            pass
        return response
