"""A first contact's /status answers while another writer holds SQLite's write lock.

The chat's row is written right after the reply (storage/contacts.ContactBook.
reply_locale): a retention pass, or any long write, no longer delays a new chat's
answer (issue 13). /lang still finds the chat, and the next reply reads its choice.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy.engine.url import make_url

from storage.chats import get_chat
from tests.e2e import bot_settings, running_bot, services_of
from tests.fakes.telegram_api import FakeBotAPI

CHAT = 5151


def _chat_row(holder: sqlite3.Connection) -> object:
    return holder.execute("SELECT locale FROM chats WHERE id = ?", (CHAT,)).fetchone()


async def test_status_from_a_new_chat_answers_while_the_write_lock_is_held(
    sqlite_url: str,
) -> None:
    path = make_url(sqlite_url).database
    assert path is not None
    async with FakeBotAPI(token="123456:TEST-token-for-e2e") as fake:
        fake.limits_enabled = False
        async with running_bot(bot_settings(fake, sqlite_url)) as application:
            services = services_of(application)
            holder = sqlite3.connect(path, isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")  # as a retention transaction does
            try:
                fake.user_message(CHAT, "/status qqxzjv")
                # Recording the chat first would wait for the lock (busy timeout: 5 s).
                [reply] = await fake.wait_for_messages(CHAT, 1, timeout=3)
                assert _chat_row(holder) is None
            finally:
                holder.execute("COMMIT")
                holder.close()
            await services.contacts.drain()
            async with services.sessions() as session:
                chat = await get_chat(session, CHAT)
            assert chat is not None and chat.type == "private" and chat.active
            fake.user_message(CHAT, "/lang ru")
            await fake.wait_for_messages(CHAT, 2)
            fake.user_message(CHAT, "/status qqxzjv")
            messages = await fake.wait_for_messages(CHAT, 3)
            async with services.sessions() as session:
                chat = await get_chat(session, CHAT)
    assert chat is not None and chat.locale == "ru"
    # The same answer, now in the chat's chosen language.
    assert messages[2].plain_text != reply.plain_text
    assert "qqxzjv" in (messages[2].plain_text or "")
