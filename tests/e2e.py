"""Run the real bot, in-process, against the fake Bot API: the end-to-end test harness."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bot.alerts.pacing import Sleep
from bot.kernel.config import Settings, load_settings
from bot.runtime.app import Clock, SummitApp
from bot.runtime.embedded import running
from bot.runtime.services import Services
from storage.types import utcnow
from tests.conftest import migrate_if_new
from tests.fakes.telegram_api import FakeBotAPI

TOKEN = "123456:TEST-token-for-e2e"
ADMIN_ID = 777


# On a virtual clock time jumps while the store works in real time, so a lease of a few
# seconds could run out between two renewals of a live worker in a loaded run and its
# rows go out again after later ones. The tests that run delivery on a virtual clock are
# about what alerts say and their order; leases are tests/test_delivery_heartbeat.py's.
VIRTUAL_TIME = {"SUMMITWATCH_DELIVERY_LEASE_S": "3600"}


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
        # Frozen objects are never collected: one test process starts hundreds of bots.
        "SUMMITWATCH_GC_FREEZE": "false",
    }
    values.update(overrides)
    return load_settings(**values)


@asynccontextmanager
async def running_bot(
    settings: Settings,
    *,
    clock: Clock = utcnow,
    delivery_clock: Clock = utcnow,
    delivery_sleep: Sleep | None = None,
) -> AsyncIterator[SummitApp]:
    """The bot `running`; a SQLite file that does not exist yet starts migrated.

    The bot would migrate it at start (Alembic, half a second a test on a loaded
    machine); a copy of a store migrated once per test process is the same schema.
    """
    migrate_if_new(settings.database_url)
    async with running(
        settings, clock=clock, delivery_clock=delivery_clock, delivery_sleep=delivery_sleep
    ) as application:
        yield application


def services_of(application: SummitApp) -> Services:
    """The running bot's services (store, settings)."""
    return application.bot_data.services
