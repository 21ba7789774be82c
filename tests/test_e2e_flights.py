"""The flight watch end to end: fake ADS-B provider → the real bot → fake Bot API.

A Russian-language chat follows a person; the aircraft believed to carry them leaves
Vnukovo at 01:54 Moscow time and lands in Baku at 05:30 Baku time. The chat gets the
takeoff alert, where it is heading while in the air, and the landing alert with the
map (which says the prediction was right), each in local time and UTC; in English,
the prediction's ETA, likelihood and reasons, and /status showing it while in the air. Time is
the fake provider's clock; the test runs the bot's own poll job at each instant instead
of waiting for the scheduler (its interval is set long so it does not interfere).
Delivery runs on a virtual clock (`tests.fakes.clock`): the chat's alerts wait out its
one message a second in virtual time.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.flights.airports import get
from bot.flights.reports import PositionReport
from bot.flights.scenario import poll_instants
from bot.flights.synthetic import flight
from bot.runtime.app import SummitApp
from storage.models import Aircraft, FlightEventRow, Person, PersonAircraft
from tests.e2e import VIRTUAL_TIME, bot_settings, running_bot, services_of
from tests.fakes.adsb import FakeADSB
from tests.fakes.clock import VirtualClock
from tests.fakes.telegram_api import FakeBotAPI

HEX = "ffa0e1"
CHAT = 4242
TAKEOFF = datetime(2025, 3, 13, 22, 54, tzinfo=UTC)  # 01:54 in Moscow
LANDING = datetime(2025, 3, 14, 1, 30, tzinfo=UTC)  # 05:30 in Baku


def _flight() -> list[PositionReport]:
    vko, gyd = get("UUWW"), get("UBBB")
    assert vko is not None and gyd is not None
    return flight(HEX, vko, gyd, TAKEOFF, LANDING, step_s=60.0)


@pytest.fixture
async def adsb() -> AsyncIterator[FakeADSB]:
    async with FakeADSB() as fake:
        fake.set_time(TAKEOFF.timestamp() - 3600)
        fake.load_reports(_flight())
        yield fake


@pytest.fixture
async def clock() -> AsyncIterator[VirtualClock]:
    async with VirtualClock().running() as virtual:
        yield virtual


@pytest.fixture
async def telegram(clock: VirtualClock) -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token="123456:TEST-token-for-e2e") as server:
        server.clock = clock.seconds
        server.sleep = clock.sleep
        server.limits_enabled = False
        yield server


@pytest.fixture
async def app(
    telegram: FakeBotAPI, adsb: FakeADSB, sqlite_url: str, clock: VirtualClock
) -> AsyncIterator[SummitApp]:
    settings = bot_settings(
        telegram,
        sqlite_url,
        SUMMITWATCH_FLIGHT_PROVIDERS=f"adsb.lol={adsb.base_url('adsb.lol')}",
        SUMMITWATCH_FLIGHT_PROVIDER_RATE="1000",
        SUMMITWATCH_FLIGHT_POLL_SECONDS="3600",
        SUMMITWATCH_STATEMENTS_ENABLED="false",
        SUMMITWATCH_DELIVERY_RATE="1000",
        **VIRTUAL_TIME,
    )
    async with running_bot(
        settings,
        clock=lambda: datetime.fromtimestamp(adsb.clock(), UTC),
        delivery_clock=clock,
        delivery_sleep=clock.sleep,
    ) as application:
        services = services_of(application)
        async with services.sessions.begin() as session:
            envoy = Person(
                slug="envoy",
                names={"en": "Demo Envoy", "ru": "Демо-посланник", "az": "Demo nümayəndə"},
                source="test data",
            )
            session.add(envoy)
            session.add(Aircraft(hex=HEX, registration="DEMO1", type_code="GLF6", source="test"))
            await session.flush()
            assert envoy.id is not None
            session.add(PersonAircraft(person_id=envoy.id, aircraft_hex=HEX, note="test"))
        yield application


async def _say(telegram: FakeBotAPI, text: str) -> str:
    before = len(telegram.sent_to(CHAT))
    telegram.user_message(CHAT, text, language_code="ru")
    return (await telegram.wait_for_messages(CHAT, before + 1))[-1].plain_text or ""


async def test_a_russian_chat_gets_takeoff_and_landing_in_local_time(
    telegram: FakeBotAPI, adsb: FakeADSB, app: SummitApp
) -> None:
    await _say(telegram, "/lang ru")
    assert "Демо-посланник" in await _say(telegram, "/subscribe person envoy")
    subscribed = len(telegram.sent_to(CHAT))
    assert app.job_queue is not None
    [job] = app.job_queue.get_jobs_by_name("flight-poll")
    for instant in poll_instants(_flight()):
        adsb.set_time(instant)
        await job.run(app)

    takeoff, heading, landing = (await telegram.wait_for_messages(CHAT, subscribed + 3))[-3:]
    assert takeoff.method == "sendMessage"
    text = takeoff.plain_text or ""
    assert "🛫 Вылет: Москва, Россия — Международный аэропорт Внуково (VKO)" in text
    assert "01:54 по местному времени (Москва), 13 мар., 22:54 UTC" in text
    assert "предположительно на борту: Демо-посланник" in text
    assert f"https://globe.adsb.lol/?icao={HEX}" in (takeoff.text or "")
    # In the air: where it is heading, the city in the case the sentence needs.
    assert (heading.plain_text or "").startswith("🧭 Направляется в Баку (GYD), прибытие около ")
    assert landing.method == "sendPhoto"
    assert landing.photo_size is not None and landing.photo_size > 10_000
    caption = landing.plain_text or ""
    assert "🛬 Посадка: Баку, Азербайджан — Международный аэропорт Гейдар Алиев (GYD)" in caption
    assert "05:30 по местному времени (Баку), 01:30 UTC" in caption
    assert "вылет 01:54 по местному времени (Москва), 13 мар., 22:54 UTC" in caption
    assert "2 ч 36 мин" in caption
    assert "🧭 Как и предсказывалось" in caption

    # Polling on after the landing, or the same instant again, alerts nothing more.
    await job.run(app)
    adsb.advance(600)
    await job.run(app)
    async with services_of(app).sessions() as session:
        kinds = [e.kind for e in (await session.exec(select(FlightEventRow))).all()]
    assert sorted(kinds) == ["destination", "landing", "takeoff"]
    assert len(telegram.sent_to(CHAT)) == subscribed + 3


async def test_the_destination_is_named_while_airborne_and_the_landing_confirms_it(
    telegram: FakeBotAPI, adsb: FakeADSB, app: SummitApp
) -> None:
    await _say(telegram, "/lang en")
    assert "Demo Envoy" in await _say(telegram, "/subscribe person envoy")
    subscribed = len(telegram.sent_to(CHAT))
    assert app.job_queue is not None
    [job] = app.job_queue.get_jobs_by_name("flight-poll")
    status_in_air = ""
    for instant in poll_instants(_flight()):
        adsb.set_time(instant)
        await job.run(app)
        if not status_in_air and instant >= LANDING - timedelta(minutes=5):
            status_in_air = await _say(telegram, "/status envoy")

    sent = (await telegram.wait_for_messages(CHAT, subscribed + 5))[subscribed:]
    texts = [m.plain_text or "" for m in sent if (m.plain_text or "")[:1] in "🛫🧭🛬"]
    takeoff, heading, landing = texts
    assert takeoff.startswith("🛫 Took off from Moscow")
    first = heading.splitlines()[0]
    match = re.fullmatch(
        r"🧭 Heading for Baku \(GYD\), ETA about (\d\d):(\d\d) Baku time "
        r"\((\d\d):(\d\d) UTC\), (very )?likely \((\d+)%\)",
        first,
    )
    assert match is not None, first
    local_h, local_m, utc_h, utc_m = (int(g) for g in match.groups()[:4])
    # Baku is UTC+4; the estimate is within ten minutes of the 05:30 touchdown.
    assert (local_h - utc_h) % 24 == 4 and local_m == utc_m
    eta = LANDING.replace(hour=utc_h, minute=utc_m)
    assert abs(eta - LANDING) <= timedelta(minutes=10)
    assert int(match.group(6)) >= 60
    assert "believed to carry Demo Envoy" in heading
    assert "↗ From Moscow (VKO)" in heading
    assert "💡 Why: on its track (0° off); descending on a path to it" in heading
    # /status while in the air shows the prediction.
    assert "🧭 Heading for Baku (GYD)" in status_in_air
    assert landing.startswith("🛬 Landed at Baku")
    assert "🧭 As predicted" in landing

    # One prediction alert: later rounds (still GYD) and polling after the landing add none.
    await job.run(app)
    adsb.advance(600)
    await job.run(app)
    async with services_of(app).sessions() as session:
        rows = (await session.exec(select(FlightEventRow))).all()
    assert sorted(r.kind for r in rows) == ["destination", "landing", "takeoff"]
    [predicted] = [r for r in rows if r.kind == "destination"]
    assert predicted.airport_icao == "UBBB"
    assert predicted.ts < LANDING
