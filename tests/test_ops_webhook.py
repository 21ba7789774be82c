"""Webhook mode end to end: Telegram (the fake) POSTs updates with the secret header;
requests without it are refused; the health endpoint and /metrics see what happened."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.cli import EXIT_CONFIG, main
from bot.runtime.app import SummitApp
from storage.models import Source, SourceKind
from storage.types import utcnow
from tests.alerting import store_landing, subscribe_chats
from tests.e2e import bot_settings, running_bot, services_of
from tests.fakes.telegram_api import FakeBotAPI
from tests.webhook_bots import free_port

SECRET = "webhook-Secret_0123456789"
PUBLIC_URL = "https://summitwatch.example.org/telegram/updates"
TOKEN = "123456:TEST-token-for-e2e"


# The bots migrate database_url at their start anyway: it starts migrated (tests/conftest.py).
pytestmark = pytest.mark.migrated_store


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token=TOKEN) as server:
        server.limits_enabled = False
        yield server


@pytest.fixture
def ports() -> tuple[int, int]:
    return free_port(), free_port()


@pytest.fixture
async def app(
    fake: FakeBotAPI, database_url: str, ports: tuple[int, int]
) -> AsyncIterator[SummitApp]:
    webhook_port, health_port = ports
    fake.webhook_targets = [f"http://127.0.0.1:{webhook_port}/telegram/updates"]
    settings = bot_settings(
        fake,
        database_url,
        SUMMITWATCH_WEBHOOK_URL=PUBLIC_URL,
        SUMMITWATCH_WEBHOOK_SECRET=SECRET,
        SUMMITWATCH_WEBHOOK_LISTEN="127.0.0.1",
        SUMMITWATCH_WEBHOOK_PORT=str(webhook_port),
        SUMMITWATCH_HEALTH_LISTEN="127.0.0.1",
        SUMMITWATCH_HEALTH_PORT=str(health_port),
    )
    async with running_bot(settings) as application:
        yield application


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


async def _get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def test_updates_arrive_by_webhook_with_the_secret(
    fake: FakeBotAPI, app: SummitApp, ports: tuple[int, int]
) -> None:
    assert fake.webhook is not None
    assert fake.webhook["url"] == PUBLIC_URL
    assert fake.webhook["secret_token"] == SECRET
    fake.user_message(4242, "/start", first_name="Ann")
    [reply] = await fake.wait_for_messages(4242, 1)
    assert reply.plain_text is not None and reply.plain_text.startswith("Hello, Ann!")
    await fake.wait_until(lambda: not fake.pending_updates, timeout=5)  # the 200 confirms
    assert {post.status for post in fake.webhook_posts} == {200}


@pytest.mark.parametrize("header", [None, "wrong-secret", SECRET.upper()])
async def test_a_post_without_the_right_secret_is_refused(
    fake: FakeBotAPI, app: SummitApp, ports: tuple[int, int], header: str | None
) -> None:
    update = {
        "update_id": 990001,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 5151, "type": "private", "first_name": "Mallory"},
            "from": {"id": 5151, "is_bot": False, "first_name": "Mallory"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = header
    url = f"http://127.0.0.1:{ports[0]}/telegram/updates"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=json.dumps(update), headers=headers) as response,
    ):
        assert response.status == 403
    # The same update with the secret is handled: the refusal was the header's doing.
    headers["X-Telegram-Bot-Api-Secret-Token"] = SECRET
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=json.dumps(update), headers=headers) as response,
    ):
        assert response.status == 200
    await fake.wait_for_messages(5151, 1)
    assert len(fake.sent_to(5151)) == 1


async def test_health_ready_and_metrics(
    fake: FakeBotAPI, app: SummitApp, ports: tuple[int, int]
) -> None:
    base = f"http://127.0.0.1:{ports[1]}"
    status, body = await _get(f"{base}/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok"
    status, body = await _get(f"{base}/readyz")
    assert status == 200, body
    assert json.loads(body) == {"ready": True, "problems": [], "leader": True}

    fake.user_message(4343, "/help")
    fake.user_message(4343, "/nosuchcommand")
    await fake.wait_for_messages(4343, 1)
    await fake.wait_until(lambda: not fake.pending_updates, timeout=5)
    status, text = await _get(f"{base}/metrics")
    assert status == 200
    samples = _samples(text)
    assert samples[("summitwatch_updates_total", (("command", "help"),))] >= 1
    assert samples[("summitwatch_updates_total", (("command", "other_command"),))] >= 1
    assert samples[("summitwatch_handler_seconds_count", (("command", "help"),))] >= 1
    assert samples[("summitwatch_leader", ())] == 1.0
    assert ("summitwatch_outbox_rows", (("status", "pending"),)) in samples
    assert samples[("summitwatch_outbox_oldest_age_seconds", ())] == 0.0
    assert ("summitwatch_alerts_sent_total", ()) in samples


async def test_metrics_count_alerts_and_events(
    fake: FakeBotAPI, app: SummitApp, ports: tuple[int, int]
) -> None:
    services = services_of(app)
    await subscribe_chats(services.sessions, [(4545, "en")])
    await store_landing(services.sessions)
    services.wake_delivery()
    await fake.wait_for_messages(4545, 1)
    sent = ("summitwatch_alerts_sent_total", ())
    for _ in range(50):  # the worker counts a send once Telegram's answer is back
        samples = _samples((await _get(f"http://127.0.0.1:{ports[1]}/metrics"))[1])
        if samples[sent] >= 1:
            break
        await asyncio.sleep(0.05)
    assert samples[sent] == 1.0
    assert samples[("summitwatch_alerts_dead_lettered_total", ())] == 0.0
    assert samples[("summitwatch_events", (("kind", "landing"),))] == 1.0
    assert samples[("summitwatch_events", (("kind", "statement"),))] == 0.0


async def test_readyz_fails_on_a_silent_source(
    fake: FakeBotAPI, app: SummitApp, ports: tuple[int, int]
) -> None:
    services = services_of(app)
    async with services.sessions.begin() as session:
        session.add(
            Source(
                name="silent-feed",
                kind=SourceKind.RSS,
                url="https://example.org/feed",
                last_success_at=utcnow() - timedelta(hours=3),
                consecutive_failures=12,
            )
        )
    status, body = await _get(f"http://127.0.0.1:{ports[1]}/readyz")
    assert status == 503
    [problem] = json.loads(body)["problems"]
    assert problem.startswith("source silent-feed (rss) silent since ")
    assert "12 failures in a row" in problem


def test_webhook_mode_needs_the_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SUMMITWATCH_WEBHOOK_URL", PUBLIC_URL)
    monkeypatch.delenv("SUMMITWATCH_WEBHOOK_SECRET", raising=False)
    assert main(["run", "--webhook"]) == EXIT_CONFIG
    err = capsys.readouterr().err
    assert "SUMMITWATCH_WEBHOOK_SECRET is not set" in err
    monkeypatch.setenv("SUMMITWATCH_WEBHOOK_URL", "http://plain.example.org/hook")
    assert main(["run"]) == EXIT_CONFIG
    assert "SUMMITWATCH_WEBHOOK_URL is malformed" in capsys.readouterr().err
