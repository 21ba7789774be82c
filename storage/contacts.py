"""First contacts of many updates recorded together: one transaction per batch.

Every command first records its chat (created on first contact) and reads the chat's
language. One transaction per update costs a pool checkout, its liveness ping and
three round trips before any work; under load that was most of an update's CPU.
`ContactBook` keeps one transaction in flight per process: contacts that arrive while
it runs wait for the next one, which takes them all (group commit). A lone update
waits for nothing extra; a burst shares its transactions.

Nothing is cached between batches: each answer is read in a transaction that began
after the caller asked, so a /lang saved by any process is seen by the next command.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.chats import Contact, record_contacts

log = logging.getLogger("summitwatch.contacts")

Waiting = dict[int, tuple[Contact, list[asyncio.Future[str | None]]]]


@dataclass
class ContactBook:
    """Records contacts (`storage.chats.record_contacts`) in shared transactions."""

    sessions: async_sessionmaker[AsyncSession]
    # Bounds one statement's parameters (8 per chat) well below the drivers' limits.
    max_batch: int = 500
    batches: int = 0
    _waiting: Waiting = field(default_factory=dict)
    _writer: asyncio.Task[None] | None = None

    async def locale(self, contact: Contact) -> str | None:
        """Record the chat (first contact creates it); its /lang choice, None if none."""
        future: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        queued = self._waiting.get(contact.chat_id)
        if queued is None:
            self._waiting[contact.chat_id] = (contact, [future])
        else:
            # Same chat twice in one batch: one row, reactivated if either asked.
            first, futures = queued
            merged = Contact(
                contact.chat_id,
                contact.type,
                contact.title,
                reactivate=first.reactivate or contact.reactivate,
            )
            self._waiting[contact.chat_id] = (merged, [*futures, future])
        if self._writer is None:
            self._writer = asyncio.create_task(self._write(), name="contact-book")
        return await future

    async def _write(self) -> None:
        try:
            while self._waiting:
                ids = list(self._waiting)[: self.max_batch]
                batch = {chat_id: self._waiting.pop(chat_id) for chat_id in ids}
                await self._record(batch)
        except BaseException:
            # Cancelled (shutdown): nobody may wait for a batch that will not come.
            for _, futures in self._waiting.values():
                for future in futures:
                    future.cancel()
            self._waiting.clear()
            raise
        finally:
            self._writer = None

    async def _record(self, batch: Waiting) -> None:
        try:
            locales = await self._transaction([contact for contact, _ in batch.values()])
        except asyncio.CancelledError:
            _settle(batch, None, asyncio.CancelledError())
            raise
        except Exception as exc:
            if len(batch) == 1:
                _settle(batch, None, exc)
                return
            # One bad row must not fail the other chats' updates: each alone again.
            log.warning("recording %d chats together failed (%s); one by one", len(batch), exc)
            for chat_id, entry in batch.items():
                await self._record({chat_id: entry})
            return
        _settle(batch, locales, None)

    async def _transaction(self, contacts: list[Contact]) -> dict[int, str | None]:
        self.batches += 1
        async with self.sessions.begin() as session:
            return await record_contacts(session, contacts)


def _settle(
    batch: Waiting, locales: dict[int, str | None] | None, error: BaseException | None
) -> None:
    for chat_id, (_, futures) in batch.items():
        for future in futures:
            if future.done():  # its update was cancelled meanwhile
                continue
            if error is not None:
                future.set_exception(error)
            elif locales is not None and chat_id in locales:
                future.set_result(locales[chat_id])
            else:
                future.set_exception(LookupError(f"chat {chat_id} was not recorded"))
