"""Run the real bot, in-process, against the fake Bot API: the end-to-end test harness."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bot.app import SummitApp, build_application
from bot.config import Settings, load_settings
from bot.services import Services
from tests.fakes.telegram_api import FakeBotAPI

TOKEN = "123456:TEST-token-for-e2e"
ADMIN_ID = 777


def bot_settings(fake: FakeBotAPI, database_url: str, **overrides: Any) -> Settings:
    """Settings pointing the bot at the fake and at a test database."""
    values: dict[str, Any] = {
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "DATABASE_URL": database_url,
        "SUMMITWATCH_ADMIN_IDS": str(ADMIN_ID),
    }
    values.update(overrides)
    return load_settings(**values)


@asynccontextmanager
async def running_bot(settings: Settings) -> AsyncIterator[SummitApp]:
    """Start the bot as `summitwatch run` does (polling, post_init, jobs), then stop it."""
    application = build_application(settings)
    async with application:
        if application.post_init:
            await application.post_init(application)
        updater = application.updater
        if updater is None:
            raise RuntimeError("the bot is built with an updater")
        await updater.start_polling(poll_interval=0.0, timeout=1)
        await application.start()
        try:
            yield application
        finally:
            await updater.stop()
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
    if application.post_shutdown:
        await application.post_shutdown(application)


def services_of(application: SummitApp) -> Services:
    """The running bot's services (store, settings)."""
    return application.bot_data.services
