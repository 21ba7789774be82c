"""The shared HTTP policy against a real local server: caps, statuses, Retry-After, backoff."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from aiohttp import web
from aiohttp.test_utils import BaseTestServer, TestServer

from bot.net.http import (
    USER_AGENT,
    Backoff,
    FetchHTTPStatus,
    FetchTimeout,
    FetchTooLarge,
    fetch,
    new_session,
    retry_after_seconds,
)


async def _slow(request: web.Request) -> web.Response:
    await asyncio.sleep(2)
    return web.Response(text="late")


async def _ok(request: web.Request) -> web.Response:
    return web.Response(text=request.headers.get("User-Agent", ""))


async def _busy(request: web.Request) -> web.Response:
    return web.Response(status=429, headers={"Retry-After": "7"})


async def _down(request: web.Request) -> web.Response:
    return web.Response(status=503)


async def _big(request: web.Request) -> web.Response:
    return web.Response(body=b"y" * 100_000)


async def _stream(request: web.Request) -> web.StreamResponse:
    # No Content-Length: the cap must hold while reading, not only on the header.
    response = web.StreamResponse()
    await response.prepare(request)
    for _ in range(64):
        await response.write(b"x" * 1024)
    await response.write_eof()
    return response


@pytest.fixture
async def server() -> AsyncIterator[BaseTestServer]:
    app = web.Application()
    app.router.add_get("/ok", _ok)
    app.router.add_get("/busy", _busy)
    app.router.add_get("/down", _down)
    app.router.add_get("/big", _big)
    app.router.add_get("/stream", _stream)
    app.router.add_get("/slow", _slow)
    async with TestServer(app) as test_server:
        yield test_server


async def test_ok_sends_our_user_agent(server: BaseTestServer) -> None:
    async with new_session() as session:
        response = await fetch(session, str(server.make_url("/ok")))
    assert response.status == 200
    assert response.body.decode() == USER_AGENT
    assert response.latency_ms > 0


async def test_statuses_and_retry_after(server: BaseTestServer) -> None:
    async with new_session() as session:
        with pytest.raises(FetchHTTPStatus) as busy:
            await fetch(session, str(server.make_url("/busy")))
        with pytest.raises(FetchHTTPStatus) as down:
            await fetch(session, str(server.make_url("/down")))
    assert (busy.value.status, busy.value.retry_after) == (429, 7.0)
    assert (down.value.status, down.value.reason) == (503, "HTTP 503")


@pytest.mark.parametrize("path", ["/big", "/stream"])
async def test_body_cap(server: BaseTestServer, path: str) -> None:
    async with new_session() as session:
        with pytest.raises(FetchTooLarge):
            await fetch(session, str(server.make_url(path)), max_body=10_000)


async def test_timeout(server: BaseTestServer) -> None:
    async with new_session() as session:
        with pytest.raises(FetchTimeout):
            await fetch(session, str(server.make_url("/slow")), timeout_s=0.2)


def test_retry_after_forms() -> None:
    now = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds({"Retry-After": "120"}) == 120.0
    assert retry_after_seconds({"Retry-After": "Sat, 28 Nov 2026 12:01:30 GMT"}, now) == 90.0
    assert retry_after_seconds({"X-Rate-Limit-Retry-After-Seconds": "3"}) == 3.0
    assert retry_after_seconds({"Retry-After": "soon"}) is None
    assert retry_after_seconds({}) is None


def test_backoff_grows_with_jitter_caps_and_honours_retry_after() -> None:
    backoff = Backoff(base_s=2.0, max_s=10.0, rng=random.Random(1))
    delays = [backoff.failed(0.0) for _ in range(6)]
    assert 1.0 <= delays[0] <= 2.0
    assert 2.0 <= delays[1] <= 4.0
    assert all(5.0 <= d <= 10.0 for d in delays[3:])
    assert not backoff.ready(0.0)
    assert backoff.failed(0.0, retry_after=60.0) == 60.0
    backoff.succeeded()
    assert backoff.ready(0.0) and backoff.failures == 0
