"""What handlers and jobs need at run time, built once by the composition root."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.kernel.config import Settings
from storage.contacts import ContactBook
from storage.types import utcnow


@dataclass
class Services:
    """Settings and the store, shared by every handler and job."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    # Set by the composition root once the delivery worker runs.
    wake_delivery: Callable[[], None] = field(default=lambda: None)
    # The current time for pollers (tests and the demo run it on a fake provider's clock).
    clock: Callable[[], datetime] = field(default=utcnow)
    # The delivery worker's clock: outbox rows are queued, claimed and due by it.
    delivery_clock: Callable[[], datetime] = field(default=utcnow)
    # Whether this process holds the leader lock (polls the sources); see bot/runtime/leader.py.
    is_leader: Callable[[], bool] = field(default=lambda: True)
    # Run at shutdown, before the store closes (e.g. pollers' HTTP sessions).
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    # Every update records its chat; a burst of updates shares those transactions.
    contacts: ContactBook = field(init=False)

    def __post_init__(self) -> None:
        self.contacts = ContactBook(self.sessions)

    def is_bot_admin(self, user_id: int | None) -> bool:
        """Analysts listed in SUMMITWATCH_ADMIN_IDS may change watchlists and sources."""
        return user_id is not None and user_id in self.settings.admin_ids


class BotData:
    """PTB's `bot_data`: created empty by PTB, given its services at start-up."""

    def __init__(self) -> None:
        self._services: Services | None = None

    @property
    def services(self) -> Services:
        """The services; set before the first update is handled."""
        if self._services is None:
            raise RuntimeError("services are not attached yet")
        return self._services

    def attach(self, services: Services) -> None:
        """Give the bot its services (done once, in post_init)."""
        self._services = services
