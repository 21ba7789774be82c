"""A running bot serving the Mini App, its store holding a landed and an airborne flight,
and initData signed as Telegram signs it."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from bot.runtime.app import SummitApp
from bot.webapp.auth import sign
from storage.models import Aircraft, LinkConfidence, PersonAircraft, Position, Source, SourceKind
from storage.positions import add_positions
from storage.statements import ItemValues, replace_mentions, store_item
from storage.watchlist import person_by_slug
from tests.alerting import LANDING_TS
from tests.e2e import ADMIN_ID, bot_settings, running_bot, services_of
from tests.fakes.telegram_api import FakeBotAPI
from tests.test_e2e_status import _store_flight

AIRBORNE_HEX = "ffa002"
TOKEN = "123456:TEST-token-for-e2e"
# The bot's clock: a quarter of an hour after the landing, the second jet in the air.
NOW = LANDING_TS + timedelta(minutes=15)
USER_ID = 4242
WEBAPP_URL = "https://summitwatch.example.org/app/"


def free_port() -> int:
    """A port nobody listens on now (0 turns the Mini App off, as for health)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def init_data(
    token: str,
    *,
    user_id: int = USER_ID,
    language: str = "en",
    auth_date: datetime = NOW,
    extra: dict[str, str] | None = None,
) -> str:
    """initData as Telegram builds it for the Mini App, signed with `token`."""
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(
            {"id": user_id, "first_name": "Ana", "language_code": language},
            separators=(",", ":"),
            ensure_ascii=False,
        ),
        "auth_date": str(int(auth_date.timestamp())),
    } | (extra or {})
    fields["hash"] = sign(fields, token)
    return urlencode(fields)


def airborne_fixes(start: datetime, count: int, *, first: int = 0) -> list[Position]:
    """A jet cruising south-east over the Caspian at FL370, a fix every 10 s."""
    return [
        Position(
            hex=AIRBORNE_HEX,
            ts=start + timedelta(seconds=10 * i),
            lat=42.0 - 0.016 * i,
            lon=49.0 + 0.016 * i,
            alt_ft=37000,
            on_ground=False,
            ground_speed_kt=450.0,
            track_deg=135.0,
            callsign="AZAL01",
            provider="adsb-fake",
        )
        for i in range(first, first + count)
    ]


async def add_airborne(app: SummitApp, fixes: list[Position]) -> None:
    """Store positions of the airborne jet, as the poller does."""
    async with services_of(app).sessions.begin() as session:
        await add_positions(session, fixes)


async def _store_airborne(app: SummitApp) -> None:
    async with services_of(app).sessions.begin() as session:
        session.add(
            Aircraft(
                hex=AIRBORNE_HEX,
                registration="4K-AI01",
                operator="Gov of Azerbaijan",
                type_name="Airbus A340-500",
                source="test data",
            )
        )
        await session.flush()
        aliyev = await person_by_slug(session, "aliyev")
        assert aliyev is not None and aliyev.id is not None
        session.add(
            PersonAircraft(
                person_id=aliyev.id,
                aircraft_hex=AIRBORNE_HEX,
                confidence=LinkConfidence.CONFIRMED,
                note="<b>seen</b> boarding",
                set_by=ADMIN_ID,
                since=LANDING_TS - timedelta(days=2),
            )
        )
    await add_airborne(app, airborne_fixes(NOW - timedelta(minutes=10), 55))


# A feed title that would run script if the page ever parsed it as HTML.
HOSTILE_TITLE = 'Aliyev meets envoy in Baku <img src=x onerror="document.body.dataset.pwned=1">'


async def _store_statement(app: SummitApp) -> None:
    """A Kremlin item naming Aliyev and Baku, with a hostile title."""
    async with services_of(app).sessions.begin() as session:
        source = Source(
            name="kremlin-en",
            kind=SourceKind.RSS,
            url="https://feeds.example.org/kremlin.rss",
            language="en",
            country="RU",
            official=True,
        )
        session.add(source)
        await session.flush()
        assert source.id is not None
        stored = await store_item(
            session,
            source.id,
            ItemValues(
                guid="kremlin-1",
                url="https://feeds.example.org/kremlin/1",
                title=HOSTILE_TITLE,
                summary="Talks in Baku on Friday.",
                published_at=NOW - timedelta(hours=3),
                language="en",
                content_hash="kremlin-1-v1",
            ),
            now=NOW - timedelta(hours=2),
        )
        assert stored.statement.id is not None
        await replace_mentions(
            session,
            stored.statement.id,
            [("person", "aliyev", "Aliyev"), ("place", "baku", "Baku")],
        )


@asynccontextmanager
async def webapp_bot(
    fake: FakeBotAPI, database_url: str, **overrides: Any
) -> AsyncIterator[tuple[SummitApp, str]]:
    """The bot with its Mini App on a free port and the flights stored: (app, base URL)."""
    settings = bot_settings(
        fake,
        database_url,
        SUMMITWATCH_WEBAPP_URL=WEBAPP_URL,
        SUMMITWATCH_WEBAPP_PORT=str(free_port()),
        SUMMITWATCH_WEBAPP_LIVE_S="0.1",
        **overrides,
    )
    async with running_bot(settings, clock=lambda: NOW) as application:
        await _store_flight(application)
        await _store_airborne(application)
        await _store_statement(application)
        port = application.bot_data.webapp_port
        assert port is not None
        yield application, f"http://127.0.0.1:{port}"
