"""Chats recorded on first contact, many updates to one transaction (storage/contacts)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine.url import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.chats import Contact, ensure_chat, record_contacts, set_chat_locale
from storage.contacts import ContactBook
from storage.engine import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import Chat


async def _chats(sessions: async_sessionmaker[AsyncSession]) -> dict[int, Chat]:
    async with sessions() as session:
        return {c.id: c for c in (await session.exec(select(Chat))).all()}


async def test_record_contacts_creates_new_chats_and_reads_known_languages(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await ensure_chat(session, 10, "supergroup", "Desk")
        await set_chat_locale(session, 10, "az")
    async with sessions.begin() as session:
        locales = await record_contacts(
            session, [Contact(11, "private", "Ann"), Contact(10, "supergroup", "Desk")]
        )
    assert locales == {10: "az", 11: None}
    chats = await _chats(sessions)
    assert (chats[11].type, chats[11].title, chats[11].active) == ("private", "Ann", True)


async def test_an_unchanged_chat_is_read_not_rewritten(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await record_contacts(session, [Contact(1, "group", "Desk"), Contact(2, "group", "Ops")])
    before = await _chats(sessions)
    async with sessions.begin() as session:
        await record_contacts(
            session, [Contact(1, "group", "Desk"), Contact(2, "supergroup", "Ops room")]
        )
    after = await _chats(sessions)
    assert after[1].updated_at == before[1].updated_at
    assert (after[2].type, after[2].title) == ("supergroup", "Ops room")
    assert after[2].updated_at > before[2].updated_at


async def test_reactivation_undoes_a_block_and_plain_contact_does_not(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        for chat_id in (1, 2):
            chat = await ensure_chat(session, chat_id, "private", "Ann")
            chat.active = False
    async with sessions.begin() as session:
        await record_contacts(
            session, [Contact(1, "private", "Ann"), Contact(2, "private", "Ann", reactivate=True)]
        )
    chats = await _chats(sessions)
    assert (chats[1].active, chats[2].active) == (False, True)


async def test_a_burst_of_updates_shares_transactions(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await ensure_chat(session, 7, "private", "Known")
        await set_chat_locale(session, 7, "ru")
    book = ContactBook(sessions)
    contacts = [Contact(chat_id, "private", f"user {chat_id}") for chat_id in range(1, 201)]
    locales = await asyncio.gather(*(book.locale(c) for c in contacts))
    assert locales[6] == "ru"
    assert locales.count(None) == 199
    # All 200 asked before the writer ran: one transaction took them all.
    assert book.batches == 1
    assert len(await _chats(sessions)) == 200
    # One at a time, nobody waits for company.
    for chat_id in (1, 2, 3):
        await book.locale(Contact(chat_id, "private", "again"))
    assert book.batches == 4


async def test_the_same_chat_twice_in_one_batch_is_one_row_reactivated_if_asked(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        chat = await ensure_chat(session, 5, "private", "Ann")
        chat.active = False
    book = ContactBook(sessions)
    await asyncio.gather(
        book.locale(Contact(99, "private", "opens the batch")),
        book.locale(Contact(5, "private", "Ann")),
        book.locale(Contact(5, "private", "Ann", reactivate=True)),
    )
    assert book.batches == 1
    assert (await _chats(sessions))[5].active is True


async def test_a_bad_row_fails_only_its_own_update(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    book = ContactBook(sessions)
    broken: Any = None  # NOT NULL in the store: the batch statement fails as a whole
    results = await asyncio.gather(
        book.locale(Contact(1, "private", "first")),
        book.locale(Contact(2, "private", "fine")),
        book.locale(Contact(3, broken, "broken")),
        book.locale(Contact(4, "private", "fine too")),
        return_exceptions=True,
    )
    assert results[0] is None and results[1] is None and results[3] is None
    assert isinstance(results[2], Exception)
    assert sorted(await _chats(sessions)) == [1, 2, 4]


async def test_a_cancelled_update_does_not_stop_the_others(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    book = ContactBook(sessions)
    first = asyncio.create_task(book.locale(Contact(1, "private", "first")))
    await asyncio.sleep(0)
    waiting = asyncio.create_task(book.locale(Contact(2, "private", "gives up")))
    other = asyncio.create_task(book.locale(Contact(3, "private", "stays")))
    await asyncio.sleep(0)
    waiting.cancel()
    assert await first is None
    assert await other is None
    with pytest.raises(asyncio.CancelledError):
        await waiting
    # A cancelled update may still have been recorded: first contact is idempotent.
    assert {1, 3} <= set(await _chats(sessions))


@pytest.fixture
async def sqlite_store(sqlite_url: str) -> AsyncIterator[tuple[str, AsyncEngine]]:
    """A migrated SQLite file and its engine: the tests below hold its write lock."""
    engine = create_engine(sqlite_url)
    await upgrade(engine)
    try:
        path = make_url(sqlite_url).database
        assert path is not None
        yield path, engine
    finally:
        await engine.dispose()


def _hold_write_lock(path: str) -> sqlite3.Connection:
    """Another writer (retention, another process) holding SQLite's one write lock."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


async def test_a_reply_reads_its_language_while_another_writer_holds_the_lock(
    sqlite_store: tuple[str, AsyncEngine],
) -> None:
    path, engine = sqlite_store
    sessions = session_factory(engine)
    async with sessions.begin() as session:
        await ensure_chat(session, 7, "private", "Known")
        await set_chat_locale(session, 7, "az")
    book = ContactBook(sessions)
    holder = _hold_write_lock(path)
    try:
        # Recording would wait for the lock (SQLite's busy timeout, 5 s): the reply does not.
        async with asyncio.timeout(2):
            new, known = await asyncio.gather(
                book.reply_locale(Contact(1, "private", "New")),
                book.reply_locale(Contact(7, "private", "Known")),
            )
        assert (new, known) == (None, "az")
        assert book.reads == 1  # asked together: one shared read
        assert 1 not in await _chats(sessions)
    finally:
        holder.execute("COMMIT")
        holder.close()
    await book.drain()
    chats = await _chats(sessions)
    assert (chats[1].type, chats[1].title, chats[1].active) == ("private", "New", True)
    # The known, unchanged chat was only read.
    assert book.batches == 1
    # A /lang saved meanwhile is what the next reply reads.
    async with sessions.begin() as session:
        await set_chat_locale(session, 1, "ru")
    assert await book.reply_locale(Contact(1, "private", "New")) == "ru"
    assert book.batches == 1


async def test_a_record_that_fails_is_tried_again_until_it_is_written(
    sqlite_store: tuple[str, AsyncEngine],
) -> None:
    path, engine = sqlite_store

    def impatient(dbapi_connection: Any, _record: Any) -> None:
        # After the store's own pragmas: give up on the lock at once, not after 5 s.
        dbapi_connection.cursor().execute("PRAGMA busy_timeout=0")

    event.listen(engine.sync_engine, "connect", impatient)
    await engine.dispose()  # the pool's connections are opened again, impatient
    holder = _hold_write_lock(path)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        """The retry's wait, on a virtual clock: the other writer is done by the second."""
        waits.append(seconds)
        if len(waits) == 2:
            holder.execute("COMMIT")

    sessions = session_factory(engine)
    book = ContactBook(sessions, sleep=sleep)
    try:
        assert await book.reply_locale(Contact(3, "group", "Ops")) is None
        async with asyncio.timeout(5):
            await book.drain()
    finally:
        if holder.in_transaction:
            holder.execute("COMMIT")
        holder.close()
    assert waits == [0.5, 1.0]  # failed twice, waited longer the second time
    assert book.batches == 3
    assert (await _chats(sessions))[3].title == "Ops"


async def test_a_reactivating_or_renamed_contact_is_recorded_after_the_reply(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        chat = await ensure_chat(session, 5, "private", "Ann")
        chat.active = False
        await ensure_chat(session, 6, "group", "Desk")
    book = ContactBook(sessions)
    await asyncio.gather(
        book.reply_locale(Contact(5, "private", "Ann")),
        book.reply_locale(Contact(5, "private", "Ann", reactivate=True)),
        book.reply_locale(Contact(6, "group", "Desk")),
    )
    await book.drain()
    chats = await _chats(sessions)
    assert chats[5].active is True
    assert chats[6].title == "Desk"
    assert book.batches == 1  # only chat 5 needed a write
