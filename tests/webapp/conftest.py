"""Fixtures of the Mini App's tests: the fake Bot API and the bot serving the app."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.runtime.app import SummitApp
from tests.fakes.adsb import FakeADSB
from tests.fakes.telegram_api import FakeBotAPI
from tests.webapp_fixtures import TOKEN, webapp_bot


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    """The fake Bot API, without flood limits (these tests are about the Mini App)."""
    async with FakeBotAPI(token=TOKEN) as server:
        server.limits_enabled = False
        yield server


@pytest.fixture
async def adsb() -> AsyncIterator[FakeADSB]:
    """The fake ADS-B provider the bot polls."""
    async with FakeADSB() as provider:
        yield provider


@pytest.fixture
async def served(
    fake: FakeBotAPI, adsb: FakeADSB, sqlite_url: str
) -> AsyncIterator[tuple[SummitApp, str]]:
    """The bot serving the Mini App: (app, base URL)."""
    async with webapp_bot(fake, adsb, sqlite_url) as running:
        yield running
