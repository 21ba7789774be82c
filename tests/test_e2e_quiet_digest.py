"""Quiet hours and daily digests end to end: the real bot, the fake Bot API, a virtual clock.

The delivery worker runs on a clock the test moves (no sleeping for hours): alerts are
queued at that clock, quiet hours are judged by it, and digests become due by it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from bot.flights.store import record_flight_event
from bot.runtime.app import SummitApp
from storage.models import DigestEvent, OutboxRow, OutboxStatus
from tests.alerting import DEMO_HEX, landing_payload, subscribe_chats
from tests.e2e import bot_settings, running_bot, services_of
from tests.fakes.telegram_api import FakeBotAPI

QUIET_CHAT = 5001
DAILY_CHAT = 5002


@dataclass
class VirtualClock:
    """The delivery worker's time, moved by the test."""

    now: datetime = field(default_factory=lambda: datetime(2026, 3, 10, 20, 30, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token="123456:TEST-token-for-e2e") as server:
        yield server


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
async def app(fake: FakeBotAPI, sqlite_url: str, clock: VirtualClock) -> AsyncIterator[SummitApp]:
    settings = bot_settings(fake, sqlite_url, SUMMITWATCH_DELIVERY_RATE="1000")
    async with running_bot(settings, delivery_clock=clock) as application:
        yield application


async def _flight(app: SummitApp, clock: VirtualClock, key: str, **changes: Any) -> None:
    """A flight event recorded at the clock's time, as the poller records it."""
    payload = landing_payload(ts=clock.now.isoformat(), **changes)
    async with services_of(app).sessions.begin() as session:
        await record_flight_event(
            session,
            values={
                "dedup_key": key,
                "kind": payload["kind"],
                "hex": DEMO_HEX,
                "ts": clock.now,
                "confidence": "confirmed",
            },
            payload=payload,
            person_slugs=["envoy"],
            now=clock.now,
        )
    services_of(app).wake_delivery()


async def _rows(app: SummitApp, chat_id: int) -> list[OutboxRow]:
    async with services_of(app).sessions() as session:
        query = select(OutboxRow).where(OutboxRow.chat_id == chat_id).order_by(OutboxRow.id)  # type: ignore[arg-type]
        return list((await session.exec(query)).all())


async def _until(app: SummitApp, chat_id: int, check: Any) -> list[OutboxRow]:
    async with asyncio.timeout(10):
        while True:
            rows = await _rows(app, chat_id)
            if check(rows):
                return rows
            await asyncio.sleep(0.02)


async def _sent(fake: FakeBotAPI, chat_id: int) -> int:
    """How many messages the bot has sent to the chat so far."""
    return len(await fake.wait_for_messages(chat_id, 0))


async def _command(fake: FakeBotAPI, chat_id: int, text: str, language: str) -> str:
    before = await _sent(fake, chat_id)
    fake.user_message(chat_id, text, language_code=language)
    replies = await fake.wait_for_messages(chat_id, before + 1)
    return replies[before].plain_text or ""


async def test_quiet_hours_hold_alerts_and_end_in_one_digest_in_the_current_language(
    fake: FakeBotAPI, app: SummitApp, clock: VirtualClock
) -> None:
    await subscribe_chats(services_of(app).sessions, [(QUIET_CHAT, "ru")])
    # 20:30 UTC is 23:30 in Moscow, the chat's zone by its language.
    answer = await _command(fake, QUIET_CHAT, "/quiet 23:00-07:00", "ru")
    assert "Часы тишины 23:00–07:00 (Europe/Moscow)" in answer
    assert "emergency" in answer
    await _command(fake, QUIET_CHAT, "/tz europe/moscow", "ru")

    await _flight(app, clock, "ffa001:landing:q1")
    await _until(app, QUIET_CHAT, lambda rows: rows[-1].status == OutboxStatus.HELD)
    clock.now += timedelta(minutes=20)
    # An emergency squawk is never held.
    await _flight(app, clock, "ffa001:emergency:q1", kind="emergency", squawk="7700")
    sent = await fake.wait_for_messages(QUIET_CHAT, 3)
    assert "7700" in (sent[-1].plain_text or "")

    # The chat switches language during the night; the digest is in the new one.
    await _command(fake, QUIET_CHAT, "/lang az", "ru")
    before = await _sent(fake, QUIET_CHAT)
    clock.now = datetime(2026, 3, 11, 3, 59, tzinfo=UTC)  # 06:59 in Moscow: still quiet
    services_of(app).wake_delivery()
    await _command(fake, QUIET_CHAT, "/quiet", "ru")
    assert await _sent(fake, QUIET_CHAT) == before + 1
    clock.now = datetime(2026, 3, 11, 4, 0, tzinfo=UTC)  # 07:00 in Moscow: over
    services_of(app).wake_delivery()
    messages = await fake.wait_for_messages(QUIET_CHAT, before + 2)
    digest = messages[before + 1].plain_text or ""
    assert digest.startswith("🌙 Sakit saatlarda (23:00–07:00) 1 bildiriş gəldi:")
    assert "(GYD)" in digest

    # Exactly once: the held row counts as delivered by the digest, no second digest.
    clock.now += timedelta(hours=1)
    services_of(app).wake_delivery()
    await _command(fake, QUIET_CHAT, "/quiet", "az")
    # Sends are recorded by the worker's next claim: wait for them to be.
    rows = await _until(
        app, QUIET_CHAT, lambda rows: all(r.status == OutboxStatus.SENT for r in rows)
    )
    assert [(r.event_type, r.status, r.last_error) for r in rows] == [
        ("flight", OutboxStatus.SENT, "summarised"),
        ("flight", OutboxStatus.SENT, None),
        ("quiet_digest", OutboxStatus.SENT, None),
    ]


async def test_bad_quiet_and_zone_input_gets_clear_answers(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    assert "Mars/Base" in await _command(fake, 5003, "/tz Mars/Base", "en")
    assert "same time" in await _command(fake, 5003, "/quiet 23:00-23:00", "en")
    assert "overlap" in await _command(fake, 5003, "/quiet 22:00-02:00 01:00-03:00", "en")
    assert "whole day" in await _command(fake, 5003, "/quiet 00:00-24:00", "en")
    assert "/quiet 23:00-07:00" in await _command(fake, 5003, "/quiet 25:00-07:00", "ru")
    assert "/digest 08:00" in await _command(fake, 5003, "/digest 8", "az")


async def test_daily_digest_comes_at_local_time_across_a_dst_change(
    fake: FakeBotAPI, app: SummitApp, clock: VirtualClock
) -> None:
    await subscribe_chats(services_of(app).sessions, [(DAILY_CHAT, "en")])
    # Berlin moves its clocks forward on 2026-03-29: 08:00 is 07:00 UTC before, 06:00 after.
    clock.now = datetime(2026, 3, 28, 6, 0, tzinfo=UTC)
    await _command(fake, DAILY_CHAT, "/tz Europe/Berlin", "en")
    answer = await _command(fake, DAILY_CHAT, "/digest 08:00", "en")
    assert "08:00 (Europe/Berlin)" in answer
    assert "Mar 28, 2026, 8:00:00" in answer

    clock.now = datetime(2026, 3, 28, 6, 10, tzinfo=UTC)
    await _flight(app, clock, "ffa001:landing:d1")
    await fake.wait_for_messages(DAILY_CHAT, 3)
    clock.now = datetime(2026, 3, 28, 7, 0, tzinfo=UTC)
    services_of(app).wake_delivery()
    first = (await fake.wait_for_messages(DAILY_CHAT, 4))[3].plain_text or ""
    assert first.startswith("🗓 Daily digest")
    assert "Demo Envoy — 1 flight event" in first
    assert "07:10 landed in Baku (GYD)" in first

    clock.now = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    await _flight(app, clock, "ffa001:takeoff:d2", kind="takeoff")
    await fake.wait_for_messages(DAILY_CHAT, 5)
    # The next morning, after the change: 08:00 CEST is 06:00 UTC.
    clock.now = datetime(2026, 3, 29, 5, 59, tzinfo=UTC)
    services_of(app).wake_delivery()
    status = await _command(fake, DAILY_CHAT, "/digest", "en")
    assert "the next one Mar 29, 2026, 8:00:00" in status
    clock.now = datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
    services_of(app).wake_delivery()
    second = (await fake.wait_for_messages(DAILY_CHAT, 7))[6].plain_text or ""
    assert second.startswith("🗓 Daily digest")
    assert "13:00 took off from Baku (GYD)" in second
    assert "landed" not in second  # yesterday's landing was in yesterday's digest

    clock.now += timedelta(hours=2)
    services_of(app).wake_delivery()
    await _command(fake, DAILY_CHAT, "/digest", "en")
    async with services_of(app).sessions() as session:
        digests = (await session.exec(select(DigestEvent))).all()
    assert sorted(d.dedup_key for d in digests) == [
        f"daily:{DAILY_CHAT}:2026-03-28T08:00",
        f"daily:{DAILY_CHAT}:2026-03-29T08:00",
    ]


async def test_held_alerts_survive_a_restart_and_end_in_one_digest(
    fake: FakeBotAPI, sqlite_url: str
) -> None:
    clock = VirtualClock()  # 23:30 in Moscow
    settings = bot_settings(fake, sqlite_url, SUMMITWATCH_DELIVERY_RATE="1000")
    async with running_bot(settings, delivery_clock=clock) as first:
        await subscribe_chats(services_of(first).sessions, [(QUIET_CHAT, "ru")])
        await _command(fake, QUIET_CHAT, "/quiet 23:00-07:00", "ru")
        await _flight(first, clock, "ffa001:landing:r1")
        await _until(first, QUIET_CHAT, lambda rows: rows[-1].status == OutboxStatus.HELD)
    before = await _sent(fake, QUIET_CHAT)
    clock.now = datetime(2026, 3, 11, 4, 30, tzinfo=UTC)  # 07:30 in Moscow
    async with running_bot(settings, delivery_clock=clock) as second:
        messages = await fake.wait_for_messages(QUIET_CHAT, before + 1)
        assert (messages[before].plain_text or "").startswith("🌙 За часы тишины (23:00–07:00)")
        await _command(fake, QUIET_CHAT, "/quiet", "ru")
        rows = await _until(
            second, QUIET_CHAT, lambda rows: all(r.status == OutboxStatus.SENT for r in rows)
        )
    assert [r.event_type for r in rows] == ["flight", "quiet_digest"]
