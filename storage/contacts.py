"""First contacts of many updates recorded together: one transaction per batch.

Every command first records its chat (created on first contact) and reads the chat's
language. One transaction per update costs a pool checkout, its liveness ping and
three round trips before any work; under load that was most of an update's CPU.
`ContactBook` keeps one transaction in flight per process: contacts that arrive while
it runs wait for the next one, which takes them all (group commit). A lone update
waits for nothing extra; a burst shares its transactions.

Nothing is cached between batches: each answer is read in a transaction that began
after the caller asked, so a /lang saved by any process is seen by the next command.

A reply needs only the chat's language, but on SQLite a new chat's row waits for the
database's one write lock, which a long write (retention, a big import) may hold for
a while. A command whose handler writes nothing that needs the chat's row (/status,
/flights: reads only) asks `reply_locale`: the known chats are read in shared reads
(a read takes no lock, WAL), the answer is the stored /lang choice (None for a new
chat, whose language is then the user's or the default, as it would be after its
first record), and a chat that needs a write (new, renamed, or a /start after a
block) is recorded right after through `locale`, in the background, retried until it
is; `drain` waits for those at shutdown. A command that writes a chat's settings or
subscriptions asks `locale`, which returns once the row is committed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.chats import Contact, needs_record, read_contacts, record_contacts

log = logging.getLogger("summitwatch.contacts")

Waiting = dict[int, tuple[Contact, list[asyncio.Future[str | None]]]]
# A chat's record that failed in the background is tried again after this, doubling
# up to the longest (a store that went away for minutes is retried every 30 s).
RETRY_FIRST_S = 0.5
RETRY_LONGEST_S = 30.0


@dataclass
class ContactBook:
    """Records contacts (`storage.chats.record_contacts`) in shared transactions."""

    sessions: async_sessionmaker[AsyncSession]
    # Bounds one statement's parameters (8 per chat) well below the drivers' limits.
    max_batch: int = 500
    batches: int = 0
    reads: int = 0
    # How a background record waits before it is tried again (a test's virtual clock).
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    _waiting: Waiting = field(default_factory=dict)
    _writer: asyncio.Task[None] | None = None
    _to_read: Waiting = field(default_factory=dict)
    _reader: asyncio.Task[None] | None = None
    _later: set[asyncio.Task[None]] = field(default_factory=set)

    async def locale(self, contact: Contact) -> str | None:
        """Record the chat (first contact creates it); its /lang choice, None if none."""
        future: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        queued = self._waiting.get(contact.chat_id)
        if queued is None:
            self._waiting[contact.chat_id] = (contact, [future])
        else:
            self._waiting[contact.chat_id] = (_merged(queued[0], contact), [*queued[1], future])
        if self._writer is None:
            self._writer = asyncio.create_task(self._write(), name="contact-book")
        return await future

    async def reply_locale(self, contact: Contact) -> str | None:
        """The chat's /lang choice (None if none or new), read without waiting for a write.

        A chat that needs its record written (`needs_record`) is recorded right after, in
        the background: the caller's handler must write nothing that needs the chat's row.
        """
        future: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        queued = self._to_read.get(contact.chat_id)
        if queued is None:
            self._to_read[contact.chat_id] = (contact, [future])
        else:
            self._to_read[contact.chat_id] = (_merged(queued[0], contact), [*queued[1], future])
        if self._reader is None:
            self._reader = asyncio.create_task(self._read(), name="contact-book-reads")
        return await future

    async def drain(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait for the background records (at shutdown); log the chats still unwritten."""
        pending = set(self._later)
        if not pending:
            return
        _, late = await asyncio.wait(pending, timeout=timeout)
        for task in late:
            task.cancel()
        if late:
            log.warning("%d chats not recorded at shutdown", len(late))

    async def _read(self) -> None:
        try:
            while self._to_read:
                ids = list(self._to_read)[: self.max_batch]
                batch = {chat_id: self._to_read.pop(chat_id) for chat_id in ids}
                try:
                    self.reads += 1
                    async with self.sessions() as session:
                        known = await read_contacts(session, ids)
                except Exception as exc:
                    _settle(batch, None, exc)
                    continue
                for chat_id, (contact, _) in batch.items():
                    if needs_record(known.get(chat_id), contact):
                        self._record_later(contact)
                _settle(batch, {i: (known[i].locale if i in known else None) for i in ids}, None)
        except BaseException:
            for _, futures in self._to_read.values():
                for future in futures:
                    future.cancel()
            self._to_read.clear()
            raise
        finally:
            self._reader = None

    def _record_later(self, contact: Contact) -> None:
        task = asyncio.create_task(self._record_until_done(contact), name="contact-record")
        self._later.add(task)
        task.add_done_callback(self._later.discard)

    async def _record_until_done(self, contact: Contact) -> None:
        """Record through the shared transactions; on failure again later, never dropped."""
        delay = RETRY_FIRST_S
        while True:
            try:
                await self.locale(contact)
            except Exception as exc:
                log.warning(
                    "recording chat %d failed (%s); again in %.1f s", contact.chat_id, exc, delay
                )
                await self.sleep(delay)
                delay = min(delay * 2, RETRY_LONGEST_S)
            else:
                return

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


def _merged(first: Contact, then: Contact) -> Contact:
    """Same chat twice in one batch: one row, as it was last, reactivated if either asked."""
    return Contact(
        then.chat_id, then.type, then.title, reactivate=first.reactivate or then.reactivate
    )


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
