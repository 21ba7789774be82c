"""The runtime's shared parts are built complete: `Services` is frozen, and each health
server serves its own delivery worker's counters (no module-level hook to set later)."""

from __future__ import annotations

import dataclasses

import aiohttp
import pytest

from bot.kernel.config import load_settings
from bot.runtime.health import HealthServer
from bot.runtime.services import Services
from storage.contacts import ContactBook
from storage.engine import create_engine, session_factory
from storage.migrate import upgrade
from storage.types import utcnow
from tests.e2e import TOKEN


async def _metrics(port: int) -> str:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}/metrics") as response,
    ):
        assert response.status == 200
        return await response.text()


async def test_services_are_frozen_and_each_health_server_counts_its_own_worker(
    sqlite_url: str,
) -> None:
    engine = create_engine(sqlite_url)
    await upgrade(engine)
    sessions = session_factory(engine)
    settings = load_settings(TELEGRAM_BOT_TOKEN=TOKEN, DATABASE_URL=sqlite_url)
    services = Services(
        settings=settings,
        engine=engine,
        sessions=sessions,
        contacts=ContactBook(sessions),
        wake_delivery=lambda: None,
        clock=utcnow,
        delivery_clock=utcnow,
        is_leader=lambda: True,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        services.wake_delivery = lambda: None  # type: ignore[misc]
    # Two bots in one process (as the tests and the demo run them): two workers, two
    # endpoints, neither showing the other's figures.
    servers = [
        HealthServer(engine=engine, sessions=sessions, silence_s=60, delivery_counts=counts)
        for counts in (lambda: (3, 1, 0), lambda: (7, 0, 2))
    ]
    try:
        ports = [await server.start("127.0.0.1", 0) for server in servers]
        first, second = [await _metrics(port) for port in ports]
    finally:
        for server in servers:
            await server.stop()
        await engine.dispose()
    assert "summitwatch_alerts_sent_total 3.0" in first
    assert "summitwatch_alerts_dead_lettered_total 0.0" in first
    assert "summitwatch_alerts_sent_total 7.0" in second
    assert "summitwatch_alerts_dead_lettered_total 2.0" in second
    assert second.count("# TYPE summitwatch_alerts_sent_total counter") == 1
