"""An event's picture is uploaded once, then sent by Telegram's file id.

Real bot, real HTTP, the fake Bot API counting the files it receives as multipart
uploads. The file id is kept in the store, so it outlives the process; an id Telegram
does not know (here: one issued by another fake server) makes the bot upload again.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlmodel import select

from bot.runtime.app import SummitApp
from storage import outbox
from storage.models import OutboxRow, OutboxStatus
from storage.types import utcnow
from tests.alerting import BAKU, landing_payload, store_landing, subscribe_chats
from tests.e2e import bot_settings, running_bot, services_of
from tests.fakes.telegram_api import FakeBotAPI

TOKEN = "123456:TEST-token-for-e2e"
TRACK = [[55.5915, 37.2615, 0], [50.0, 44.0, 39000], [45.0, 48.5, 30000], [40.4675, 50.0467, 0]]
BAKU_WITH_POSITION = {**BAKU, "lat": 40.4675, "lon": 50.0467}
LANDING: dict[str, Any] = {"track": TRACK, "airport": BAKU_WITH_POSITION}


# The bots migrate database_url at their start anyway: it starts migrated (tests/conftest.py).
pytestmark = pytest.mark.migrated_store


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token=TOKEN) as server:
        yield server


async def _rows(app: SummitApp) -> list[OutboxRow]:
    async with services_of(app).sessions() as session:
        return list((await session.exec(select(OutboxRow).order_by(OutboxRow.id))).all())  # type: ignore[arg-type]


async def _settled(app: SummitApp, count: int) -> list[OutboxRow]:
    """Wait (60 s at most) until `count` rows exist and all are sent or dead."""
    async with asyncio.timeout(60):
        while True:
            rows = await _rows(app)
            done = (OutboxStatus.SENT, OutboxStatus.DEAD)
            if len(rows) == count and all(r.status in done for r in rows):
                return rows
            await asyncio.sleep(0.05)


async def test_a_landing_to_100_chats_uploads_its_map_once(
    fake: FakeBotAPI, sqlite_url: str
) -> None:
    chats: list[tuple[int, str | None]] = [(5000 + i, ("en", "ru", "az")[i % 3]) for i in range(90)]
    chats += [(-1005000 - i, None) for i in range(10)]
    async with running_bot(bot_settings(fake, sqlite_url)) as app:
        await subscribe_chats(services_of(app).sessions, chats)
        await store_landing(services_of(app).sessions, **LANDING)
        services_of(app).wake_delivery()
        rows = await _settled(app, len(chats))

    assert {r.status for r in rows} == {OutboxStatus.SENT}
    photos = [s for s in fake.sent if s.method == "sendPhoto"]
    assert sorted(s.chat_id for s in photos) == sorted(chat for chat, _ in chats)
    assert fake.uploads == 1
    assert sum(1 for s in photos if s.photo_size is not None) == 1
    # Every chat got the same picture, with its own caption in its own language.
    assert len({s.message["photo"][-1]["file_unique_id"] for s in photos}) == 1
    assert any("Посадка: Баку" in (s.plain_text or "") for s in photos)
    assert any("Landed at Baku" in (s.plain_text or "") for s in photos)
    assert fake.count("sendPhoto", 400) == 0
    # The file id is remembered on the row whose send uploaded the picture.
    [uploaded] = [s for s in photos if s.photo_size is not None]
    assert [r.chat_id for r in rows if r.photo_file_id] == [uploaded.chat_id]


async def test_the_file_id_outlives_the_process_and_a_refused_one_is_uploaded_again(
    database_url: str,
) -> None:
    async with FakeBotAPI(token=TOKEN) as fake:
        async with running_bot(bot_settings(fake, database_url)) as app:
            sessions = services_of(app).sessions
            await subscribe_chats(sessions, [(301, "en")])
            event_id = await store_landing(sessions, **LANDING)
            services_of(app).wake_delivery()
            [first] = await _settled(app, 1)
        assert fake.uploads == 1 and first.photo_file_id
        file_id = first.photo_file_id

        # A restarted bot finds the id in the store: a chat added later gets no upload.
        async with running_bot(bot_settings(fake, database_url)) as app:
            sessions = services_of(app).sessions
            await _route_again(app, event_id, 302)
            await _settled(app, 2)
        [again] = fake.sent_to(302)
        assert again.method == "sendPhoto" and again.photo_size is None
        assert again.message["photo"][-1]["file_id"] == file_id
        assert fake.uploads == 1

    # Another server (as a file id of another bot, or one Telegram dropped) refuses
    # the id: the bot uploads the picture and remembers the new id instead.
    async with FakeBotAPI(token=TOKEN) as other:
        async with running_bot(bot_settings(other, database_url)) as app:
            await _route_again(app, event_id, 303)
            rows = await _settled(app, 3)
        [photo] = other.sent_to(303)
        assert photo.method == "sendPhoto" and photo.photo_size is not None
        assert other.uploads == 1
        refused = [r for r in other.requests if r.method == "sendPhoto" and r.status == 400]
        assert [r.description for r in refused] == [
            "Bad Request: wrong file identifier/HTTP URL specified"
        ]
    assert {r.status for r in rows} == {OutboxStatus.SENT}
    assert [r.photo_file_id for r in rows] == [None, None, photo.message["photo"][-1]["file_id"]]


async def _route_again(app: SummitApp, event_id: int | None, chat_id: int) -> None:
    """Route the stored landing to one more chat, as a later subscription would."""
    assert event_id is not None
    sessions = services_of(app).sessions
    await subscribe_chats(sessions, [(chat_id, "en")])
    async with sessions.begin() as session:
        await outbox.enqueue(
            session,
            event_type="flight",
            event_id=event_id,
            payload=landing_payload(**LANDING),
            thread_key=None,
            chats=[(chat_id, None)],
            now=utcnow(),
        )
    services_of(app).wake_delivery()
