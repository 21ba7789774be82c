"""A running bot serving the Mini App, its store holding a landed and an airborne flight,
and initData signed as Telegram signs it."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from bot.flights import airports
from bot.flights.scenario import poll_instants
from bot.flights.synthetic import flight
from bot.runtime.app import SummitApp
from bot.webapp.auth import sign
from storage.models import Aircraft, LinkConfidence, PersonAircraft, Source, SourceKind
from storage.statements import ItemValues, replace_mentions, store_item
from storage.watchlist import person_by_slug
from tests.alerting import DEMO_HEX, LANDING_TS, TAKEOFF_TS
from tests.e2e import ADMIN_ID, bot_settings, running_bot, services_of
from tests.fakes.adsb import FakeADSB
from tests.fakes.telegram_api import FakeBotAPI

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


def cruise(start: datetime, count: int, *, first: int = 0) -> list[tuple[Any, ...]]:
    """The airborne jet's reports: south-east over the Caspian at FL370, one a minute
    (the fake ADS-B provider's track tuples: ts, lat, lon, alt, gs, track, rate)."""
    return [
        (
            (start + timedelta(minutes=i)).timestamp(),
            42.0 - 0.09 * i,
            49.0 + 0.09 * i,
            37000,
            450.0,
            135.0,
            0.0,
        )
        for i in range(first, first + count)
    ]


async def poll_at(app: SummitApp, adsb: FakeADSB, instants: list[datetime]) -> None:
    """Run the bot's own flight poll at each instant of the provider's clock."""
    assert app.job_queue is not None
    [job] = app.job_queue.get_jobs_by_name("flight-poll")
    for instant in instants:
        adsb.set_time(instant)
        await job.run(app)


async def _watch(app: SummitApp) -> None:
    """The two watched jets and who is linked to them."""
    async with services_of(app).sessions.begin() as session:
        session.add(Aircraft(hex=DEMO_HEX, registration="DEMO1", source="test data"))
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
        witkoff = await person_by_slug(session, "witkoff")
        aliyev = await person_by_slug(session, "aliyev")
        assert witkoff is not None and witkoff.id is not None
        assert aliyev is not None and aliyev.id is not None
        session.add(
            PersonAircraft(
                person_id=witkoff.id,
                aircraft_hex=DEMO_HEX,
                note="test link",
                set_by=ADMIN_ID,
                since=TAKEOFF_TS - timedelta(days=1),
            )
        )
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


async def _fly(app: SummitApp, adsb: FakeADSB) -> None:
    """Vnukovo → Baku for DEMO1, then the second jet cruising, polled as the bot does."""
    vko, gyd = airports.get("UUWW"), airports.get("UBBB")
    assert vko is not None and gyd is not None
    reports = flight(DEMO_HEX, vko, gyd, TAKEOFF_TS, LANDING_TS, step_s=60.0)
    adsb.load_reports(reports)
    adsb.load_track(AIRBORNE_HEX, cruise(NOW - timedelta(minutes=10), 10), callsign="AZAL01")
    instants = poll_instants(reports)
    instants += [NOW - timedelta(minutes=10 - i) for i in range(11)]
    await poll_at(app, adsb, instants)


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
    fake: FakeBotAPI, adsb: FakeADSB, database_url: str, **overrides: Any
) -> AsyncIterator[tuple[SummitApp, str]]:
    """The bot with its Mini App on a free port, its store filled by its own flight poll
    from the fake ADS-B provider, and a statement: (app, base URL)."""
    settings = bot_settings(
        fake,
        database_url,
        SUMMITWATCH_WEBAPP_URL=WEBAPP_URL,
        SUMMITWATCH_WEBAPP_PORT=str(free_port()),
        SUMMITWATCH_WEBAPP_LIVE_S="0.1",
        SUMMITWATCH_FLIGHT_PROVIDERS=f"adsb.lol={adsb.base_url('adsb.lol')}",
        SUMMITWATCH_FLIGHT_PROVIDER_RATE="1000",
        # The tests run the poll job at the provider's instants themselves.
        SUMMITWATCH_FLIGHT_POLL_SECONDS="3600",
        **overrides,
    )
    adsb.set_time(TAKEOFF_TS - timedelta(hours=1))
    clock = lambda: datetime.fromtimestamp(adsb.clock(), UTC)  # noqa: E731
    async with running_bot(settings, clock=clock) as application:
        await _watch(application)
        await _fly(application, adsb)
        await _store_statement(application)
        port = application.bot_data.webapp_port
        assert port is not None
        yield application, f"http://127.0.0.1:{port}"
