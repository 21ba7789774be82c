"""Run the real bot, in-process, against the fake Bot API: the end-to-end test harness."""

from __future__ import annotations

from typing import Any

from bot.kernel.config import Settings, load_settings
from bot.runtime.app import SummitApp
from bot.runtime.embedded import running
from bot.runtime.services import Services
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
        # No test fetches the real statement sources; statement tests turn it on.
        "SUMMITWATCH_STATEMENTS_ENABLED": "false",
        # The shipped fleet (1,772 aircraft) only where a test is about it.
        "SUMMITWATCH_FLEET_SEED": "false",
        # No health endpoint unless a test asks for one (0 is off; tests run side by side).
        "SUMMITWATCH_HEALTH_PORT": "0",
        # Maps drawn in the test's own threads: a worker process per bot would spawn
        # (and import matplotlib) for every test; tests/test_map_worker.py runs the real one.
        "SUMMITWATCH_MAP_WORKER": "false",
    }
    values.update(overrides)
    return load_settings(**values)


running_bot = running


def services_of(application: SummitApp) -> Services:
    """The running bot's services (store, settings)."""
    return application.bot_data.services
