"""What handlers and jobs need at run time, built once, complete, by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.kernel.config import Settings
from storage.contacts import ContactBook


@dataclass(frozen=True, slots=True)
class Services:
    """Settings, the store and the process's few live hooks, shared by handlers and jobs.

    Frozen: the composition root builds it once everything it names exists (the
    delivery worker, the leader election), so no part is filled in later and nothing
    can swap a hook under a running handler.

    Attributes:
        settings: the configuration.
        engine, sessions: the store.
        contacts: every update records its chat; a burst of updates shares those
            transactions.
        wake_delivery: tells the delivery worker new rows were queued.
        clock: the current time for pollers and views (tests and the demo run it on a
            fake provider's clock).
        delivery_clock: the delivery worker's clock: outbox rows are queued, claimed
            and due by it (see `bot.alerts.record`).
        is_leader: whether this process holds the leader lock (polls the sources); see
            `bot/runtime/leader.py`.
    """

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    contacts: ContactBook
    wake_delivery: Callable[[], None]
    clock: Callable[[], datetime]
    delivery_clock: Callable[[], datetime]
    is_leader: Callable[[], bool]

    def is_bot_admin(self, user_id: int | None) -> bool:
        """Analysts listed in SUMMITWATCH_ADMIN_IDS may change watchlists and sources."""
        return user_id is not None and user_id in self.settings.admin_ids


class BotData:
    """PTB's `bot_data`: created empty by PTB, given its services at start-up."""

    def __init__(self) -> None:
        self._services: Services | None = None
        # The Mini App's port once it listens (tests and bench/webapp.py open it).
        self.webapp_port: int | None = None

    @property
    def services(self) -> Services:
        """The services; set before the first update is handled."""
        if self._services is None:
            raise RuntimeError("services are not attached yet")
        return self._services

    def attach(self, services: Services) -> None:
        """Give the bot its services (done once, in post_init)."""
        self._services = services
