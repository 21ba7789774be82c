"""Outgoing webhooks end to end: /webhook through the fake Bot API, alerts POSTed to a local
aiohttp receiver that fails, hangs and recovers, on a virtual delivery clock."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from sqlmodel import select

from bot.flights.store import record_flight_event
from bot.runtime.app import SummitApp
from storage.models import OutboxStatus, WebhookDelivery
from tests.alerting import DEMO_HEX, landing_payload, subscribe_chats
from tests.e2e import bot_settings, running_bot, services_of
from tests.fakes.telegram_api import FakeBotAPI

CHAT = 7001
HANG = -1  # an answer that never comes


@dataclass
class Receiver:
    """A tool's webhook endpoint: answers each POST with the next scripted status."""

    script: list[int]
    then: int = 200
    got: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.got.append((dict(request.headers), await request.read()))
        status = self.script.pop(0) if self.script else self.then
        if status == HANG:
            await asyncio.sleep(30)
        return web.Response(status=status, text="ok" if status < 300 else "nope")


@dataclass
class VirtualClock:
    now: datetime = field(default_factory=lambda: datetime(2026, 6, 1, 12, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now


async def _serve(receiver: Receiver) -> AsyncIterator[Receiver]:
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    receiver.url = f"http://127.0.0.1:{port}/hook"
    try:
        yield receiver
    finally:
        await runner.cleanup()


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token="123456:TEST-token-for-e2e") as server:
        yield server


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
async def app(fake: FakeBotAPI, sqlite_url: str, clock: VirtualClock) -> AsyncIterator[SummitApp]:
    settings = bot_settings(
        fake,
        sqlite_url,
        # The receiver is on 127.0.0.1, which the SSRF guard admits only when told to.
        SUMMITWATCH_FEEDS_ALLOW="127.0.0.1/32",
        SUMMITWATCH_TELEGRAM_TIMEOUT_S="1.0",
        SUMMITWATCH_DELIVERY_MAX_ATTEMPTS="5",
    )
    async with running_bot(settings, delivery_clock=clock) as application:
        yield application


async def _say(fake: FakeBotAPI, text: str, language: str = "en") -> str:
    before = len(await fake.wait_for_messages(CHAT, 0))
    fake.user_message(CHAT, text, language_code=language)
    return (await fake.wait_for_messages(CHAT, before + 1))[before].plain_text or ""


async def _flight(app: SummitApp, clock: VirtualClock, key: str, kind: str) -> None:
    payload = landing_payload(kind=kind, ts=clock.now.isoformat())
    async with services_of(app).sessions.begin() as session:
        await record_flight_event(
            session,
            values={"dedup_key": key, "kind": kind, "hex": DEMO_HEX, "ts": clock.now},
            payload=payload,
            person_slugs=["envoy"],
            now=clock.now,
        )
    services_of(app).wake_delivery()


async def _rows(app: SummitApp) -> list[WebhookDelivery]:
    async with services_of(app).sessions() as session:
        return list((await session.exec(select(WebhookDelivery))).all())


async def _until(app: SummitApp, check: Any) -> list[WebhookDelivery]:
    async with asyncio.timeout(15):
        while True:
            rows = await _rows(app)
            if check(rows):
                return rows
            await asyncio.sleep(0.02)


async def _add(fake: FakeBotAPI, url: str, *kinds: str) -> str:
    answer = await _say(fake, " ".join(["/webhook add", url, *kinds]))
    found = re.search(r"\b([0-9a-f]{64})\b", answer)
    assert found is not None, answer
    return found.group(1)


async def _next_attempt(app: SummitApp, clock: VirtualClock, receiver: Receiver, n: int) -> None:
    """Once the last attempt is recorded, move the clock past its backoff and wait for the
    receiver's n-th request."""
    await _until(app, lambda rows: all(r.status != OutboxStatus.SENDING for r in rows))
    clock.now += timedelta(hours=1)
    services_of(app).wake_delivery()
    async with asyncio.timeout(15):
        while True:
            if len(receiver.got) >= n:
                return
            await asyncio.sleep(0.02)


async def test_a_failing_receiver_gets_the_alert_once_it_recovers_signed(
    fake: FakeBotAPI, app: SummitApp, clock: VirtualClock
) -> None:
    async for receiver in _serve(Receiver(script=[500, HANG, 503])):
        await subscribe_chats(services_of(app).sessions, [(CHAT, "en")])
        secret = await _add(fake, receiver.url, "landing")
        assert "1." in await _say(fake, "/webhook list")

        await _flight(app, clock, "w:takeoff", "takeoff")  # not a kind it asked for
        await _flight(app, clock, "w:landing", "landing")
        await _until(app, lambda rows: len(rows) == 1 and rows[0].attempts == 1)
        for attempt in (2, 3, 4):
            await _next_attempt(app, clock, receiver, attempt)
        rows = await _until(app, lambda rows: rows[0].status == OutboxStatus.SENT)
        assert rows[0].attempts == 4

        bodies = [body for _, body in receiver.got]
        assert len(bodies) == 4 and len(set(bodies) - {bodies[0]}) <= 3
        for headers, body in receiver.got:
            expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            assert headers["X-Summitwatch-Signature"] == f"sha256={expected}"
            assert headers["Content-Type"] == "application/json"
        document = json.loads(bodies[-1])
        assert document["schema"] == "summitwatch.alert/1"
        assert (document["type"], document["kind"], document["attempt"]) == (
            "flight",
            "landing",
            4,
        )
        assert document["event"]["airport"]["iata"] == "GYD"
        assert {json.loads(b)["id"] for b in bodies} == {document["id"]}

        # Nothing more is sent: the row is done.
        await _next_attempt(app, clock, receiver, 4)
        assert len(receiver.got) == 4


async def test_a_receiver_failing_forever_is_dead_lettered_and_a_4xx_at_once(
    fake: FakeBotAPI, app: SummitApp, clock: VirtualClock
) -> None:
    async for broken in _serve(Receiver(script=[], then=500)):
        async for gone in _serve(Receiver(script=[], then=404)):
            await subscribe_chats(services_of(app).sessions, [(CHAT, "ru")])
            await _add(fake, broken.url)
            await _add(fake, gone.url)
            await _flight(app, clock, "f:landing", "landing")
            await _until(app, lambda rows: len(rows) == 2 and all(r.attempts for r in rows))
            for attempt in range(2, 6):
                await _next_attempt(app, clock, broken, attempt)
            rows = await _until(app, lambda rows: all(r.status == OutboxStatus.DEAD for r in rows))
            reasons = sorted(r.last_error or "" for r in rows)
            assert reasons == ["HTTP 404 from the receiver", "gave up after 5 attempts: HTTP 500"]
            assert len(gone.got) == 1 and len(broken.got) == 5
            listing = await _say(fake, "/webhook list", "ru")
            assert listing.count("0") >= 2 and "1" in listing


async def test_private_or_malformed_webhook_addresses_are_refused(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    for url in ("http://169.254.169.254/latest", "http://10.1.2.3/hook", "ftp://example.com/x"):
        answer = await _say(fake, f"/webhook add {url}")
        assert "public http(s) address" in answer, answer
    assert "Unknown kind" in await _say(fake, "/webhook add https://example.com/h sometimes")
    assert "/webhook remove" in await _say(fake, "/webhook remove 9")
    assert "no webhooks" in await _say(fake, "/webhook")
    async with services_of(app).sessions() as session:
        assert not (await session.exec(select(WebhookDelivery))).all()


async def test_a_retry_waiting_in_the_outbox_survives_a_restart(
    fake: FakeBotAPI, sqlite_url: str
) -> None:
    clock = VirtualClock()
    settings = bot_settings(fake, sqlite_url, SUMMITWATCH_FEEDS_ALLOW="127.0.0.1/32")
    async for receiver in _serve(Receiver(script=[500])):
        async with running_bot(settings, delivery_clock=clock) as first:
            await subscribe_chats(services_of(first).sessions, [(CHAT, "az")])
            secret = await _add(fake, receiver.url)
            await _flight(first, clock, "r:landing", "landing")
            await _until(first, lambda rows: rows and rows[0].attempts == 1)
        clock.now += timedelta(hours=1)
        async with running_bot(settings, delivery_clock=clock) as second:
            rows = await _until(second, lambda rows: rows[0].status == OutboxStatus.SENT)
        assert rows[0].attempts == 2 and len(receiver.got) == 2
        headers, data = receiver.got[-1]
        expected = hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()
        assert headers["X-Summitwatch-Signature"] == f"sha256={expected}"
