"""The shipped fleet end to end: /watchlist credits plane-alert-db, shows believed links
with their source and date (and stale ones with theirs), and /untrack outlasts a restart."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.watch.fleet_seed import seed_fleet
from storage.datasets import mark_stale, stored_links
from storage.models import Aircraft, DatasetImport
from storage.types import utcnow
from storage.watchlist import person_by_slug
from tests.e2e import ADMIN_ID, bot_settings, running_bot, services_of
from tests.fakes.telegram_api import FakeBotAPI

CREDIT = "plane-alert-db by SDR-Enthusiasts and contributors (ODbL)"
FOOTER = {"en": "Aircraft data: ", "ru": "Данные о самолётах: ", "az": "Təyyarə məlumatları: "}


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token="123456:TEST-token-for-e2e") as server:
        server.limits_enabled = False
        yield server


async def _listing(fake: FakeBotAPI, chat_id: int, language: str) -> tuple[str, str, int]:
    """/watchlist up to its footer: (HTML, plain text, messages)."""
    before = len(fake.sent_to(chat_id))
    fake.user_message(chat_id, "/watchlist", language_code=language)

    def ended() -> bool:
        plain = "\n".join(s.plain_text or "" for s in fake.sent_to(chat_id)[before:])
        return CREDIT in plain

    await fake.wait_until(ended)
    pages = fake.sent_to(chat_id)[before:]
    html = "\n".join(p.text or "" for p in pages)
    return html, "\n".join(p.plain_text or "" for p in pages), len(pages)


async def test_the_shipped_fleet_in_watchlist_and_untrack_after_a_restart(
    fake: FakeBotAPI, sqlite_url: str
) -> None:
    settings = bot_settings(fake, sqlite_url, SUMMITWATCH_FLEET_SEED="true")
    async with running_bot(settings) as app:
        html, plain, count = await _listing(fake, 501, "ru")
        assert count <= 8  # 39 linked aircraft and a summary, not 1,772 blocks
        assert "RA-96012 (15770c) — Ilyushin IL-96-300, Russia Special Flight Detachment" in plain
        assert (
            "Владимир Путин — предположительно; plane-alert-db, "
            "по состоянию на 21 авг. 2026\u202fг." in plain
        )
        assert '<a href="https://data.dictatoralert.org/dictatorships">plane-alert-db</a>' in html
        assert "Ещё 1\xa0733 самолёта из plane-alert-db отслеживаются без привязки" in plain
        assert FOOTER["ru"] + CREDIT in plain
        assert '<a href="https://github.com/sdr-enthusiasts/plane-alert-db">' in html
        # A refresh found the row changed: the link stays, marked stale with the date.
        sessions = services_of(app).sessions
        async with sessions.begin() as session:
            putin = await person_by_slug(session, "putin")
            assert putin is not None and putin.id is not None
            link = (await stored_links(session))[(putin.id, "15770e")]
            await mark_stale(session, [(link.id, "operator")], now=utcnow())
        _html, plain, _n = await _listing(fake, 502, "en")
        assert "⚠ stale since" in plain and "the aircraft's operator changed in the data" in plain
        _html, plain, _n = await _listing(fake, 503, "az")
        assert FOOTER["az"] + CREDIT in plain
        fake.user_message(ADMIN_ID, "/untrack RA-96012")
        replies = await fake.wait_for_messages(ADMIN_ID, 1)
        assert "15770c" in (replies[-1].plain_text or "")
    # As if a newer package shipped another copy: the restart applies it again.
    async with running_bot(settings) as app:
        sessions = services_of(app).sessions
        async with sessions() as session:
            assert await session.get(Aircraft, "15770c") is None
            assert await session.get(DatasetImport, "plane-alert-db") is not None
        async with sessions.begin() as session:
            await session.delete(await session.get(DatasetImport, "plane-alert-db"))
        report = await seed_fleet(sessions)
        assert report.outcome is not None and report.outcome.untracked == ["15770c"]
        async with sessions() as session:
            assert await session.get(Aircraft, "15770c") is None
            assert await session.get(Aircraft, "15770e") is not None
