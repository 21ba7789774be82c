"""Fleet status end to end on a fresh install: the shipped plane-alert-db fleet is seeded,
/status and /fleet list the Special Flight Detachment's aircraft as believed in en/ru/az,
one of them (RA-96012, as the shipped file gives it) is flown on the fake ADS-B provider,
and /providers shows the fleet's freshness.

Nothing is added by hand: every aircraft and link comes from the seed, so the test fails
when the shipped fleet or its believed links go missing.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.flights.airports import get
from bot.flights.reports import PositionReport
from bot.flights.scenario import poll_instants
from bot.flights.synthetic import flight
from bot.runtime.app import SummitApp
from storage.datasets import mark_stale, stored_links
from storage.watchlist import links_of_person, person_by_slug
from tests.e2e import bot_settings, running_bot, services_of
from tests.fakes.adsb import FakeADSB
from tests.fakes.telegram_api import FakeBotAPI

CHAT = 5151
OPERATOR = "Russia Special Flight Detachment"
# A Special Flight Detachment Il-96 of the shipped file (bot/data/fleet.csv).
FLOWN, FLOWN_REGISTRATION = "15770c", "RA-96012"
SHIPPED_PUTIN_LINKS = 27  # the believed links plane-alert-db's tags give (bot/data/fleet.json)
TAKEOFF = datetime(2025, 3, 13, 22, 54, tzinfo=UTC)  # 01:54 in Moscow
LANDING = datetime(2025, 3, 14, 1, 30, tzinfo=UTC)  # 05:30 in Baku


def _flight() -> list[PositionReport]:
    vko, gyd = get("UUWW"), get("UBBB")
    assert vko is not None and gyd is not None
    return flight(FLOWN, vko, gyd, TAKEOFF, LANDING, step_s=60.0)


@pytest.fixture
async def adsb() -> AsyncIterator[FakeADSB]:
    async with FakeADSB() as fake:
        fake.set_time(TAKEOFF.timestamp() - 3600)
        fake.load_reports(_flight())
        yield fake


@pytest.fixture
async def telegram() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token="123456:TEST-token-for-e2e") as server:
        server.limits_enabled = False
        yield server


@pytest.fixture
async def app(telegram: FakeBotAPI, adsb: FakeADSB, sqlite_url: str) -> AsyncIterator[SummitApp]:
    settings = bot_settings(
        telegram,
        sqlite_url,
        # adsb.fi: the fleet is asked in comma lists on its /v2/icao/ path.
        SUMMITWATCH_FLIGHT_PROVIDERS=f"adsb.fi={adsb.base_url('adsb.fi')}",
        SUMMITWATCH_FLIGHT_PROVIDER_RATE="1000",
        SUMMITWATCH_FLIGHT_POLL_SECONDS="3600",
        SUMMITWATCH_DELIVERY_RATE="1000",
        SUMMITWATCH_FLEET_SEED="true",
    )
    async with running_bot(
        settings, clock=lambda: datetime.fromtimestamp(adsb.clock(), UTC)
    ) as application:
        yield application


async def _putin_fleet(app: SummitApp) -> int:
    """How many aircraft the seed linked to Putin."""
    async with services_of(app).sessions() as session:
        putin = await person_by_slug(session, "putin")
        assert putin is not None and putin.id is not None
        return len(await links_of_person(session, putin.id))


async def _ask(telegram: FakeBotAPI, text: str, language: str = "en") -> str:
    before = len(telegram.sent_to(CHAT))
    telegram.user_message(CHAT, text, language_code=language)
    return (await telegram.wait_for_messages(CHAT, before + 1))[-1].plain_text or ""


async def _alerts(telegram: FakeBotAPI, heads: tuple[str, ...]) -> list[str]:
    """The first message to the chat starting with each head, waiting for delivery."""
    for _ in range(100):
        texts = [m.plain_text or "" for m in telegram.sent_to(CHAT)]
        found = [next((x for x in texts if x.startswith(h)), None) for h in heads]
        if all(found):
            return [x for x in found if x is not None]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no {heads} among {texts}")


async def test_status_lists_a_persons_fleet_a_page_at_a_time_in_three_languages(
    telegram: FakeBotAPI, app: SummitApp
) -> None:
    total = await _putin_fleet(app)
    assert total == SHIPPED_PUTIN_LINKS
    text = await _ask(telegram, "/status putin")
    assert "Vladimir Putin — President of Russia" in text
    assert f"{total} aircraft: ✈️ 0 airborne · 🅿️ 0 on the ground · ❔ {total} not seen" in text
    assert text.count("believed; plane-alert-db, as of Aug 21, 2026") == 10
    assert "confirmed" not in text
    assert "Never seen since it is watched" in text
    assert f"Aircraft 1–10 of {total}, most recently active first. Next: /status putin 2" in text
    second = await _ask(telegram, "/status putin 2")
    assert f"Aircraft 11–{min(20, total)} of {total}" in second
    assert second.count("• ") == min(10, total - 10)
    last = await _ask(telegram, "/status putin 99")  # past the end: the last page
    assert f"of {total}, most recently active first." in last and "Next:" not in last

    await _ask(telegram, "/lang ru", "ru")
    russian = await _ask(telegram, "/status Путин", "ru")
    assert "Владимир Путин" in russian
    assert f"{total} самолёт" in russian and "✈️ 0 в воздухе" in russian
    assert (
        russian.count("предположительно; plane-alert-db, по состоянию на 21 авг. 2026\u202fг.")
        == 10
    )
    assert "Дальше: /status Путин 2" in russian

    await _ask(telegram, "/lang az", "az")
    azeri = await _ask(telegram, "/status Putin", "az")
    assert f"{total} təyyarə" in azeri and "plane-alert-db, " in azeri and "tarixinə" in azeri


async def test_fleet_finds_an_operator_in_any_language(
    telegram: FakeBotAPI, app: SummitApp
) -> None:
    for query, language in (
        ("/fleet russia special flight", "en"),
        ("/fleet Россия", "ru"),
        ("/fleet Rusiya", "az"),
    ):
        text = await _ask(telegram, query, language)
        assert OPERATOR in text, (query, text)
        assert "👤" in text  # each aircraft with the person it is linked to
    assert "No watched operator" in await _ask(telegram, "/fleet Atlantis Airways")


async def test_a_flown_fleet_aircraft_alerts_putins_subscribers_and_tops_the_list(
    telegram: FakeBotAPI, adsb: FakeADSB, app: SummitApp
) -> None:
    await _ask(telegram, "/lang ru", "ru")
    assert "Путин" in await _ask(telegram, "/subscribe person Путин", "ru")
    subscribed = len(telegram.sent_to(CHAT))
    assert app.job_queue is not None
    [job] = app.job_queue.get_jobs_by_name("flight-poll")
    airborne = ""
    for instant in poll_instants(_flight()):
        adsb.set_time(instant)
        await job.run(app)
        if not airborne and instant > TAKEOFF.replace(minute=59):
            airborne = await _ask(telegram, "/status Путин", "ru")
            subscribed += 1

    # The fleet went out in comma lists on adsb.fi's /v2/icao/ path, not one hex a request.
    asked = adsb.requests_to("readsb")
    assert all(r.path.startswith("/api/v2/icao/") for r in asked)
    assert max(len(r.ids) for r in asked) >= SHIPPED_PUTIN_LINKS
    assert "✈️ 1 в воздухе" in airborne
    first = airborne.split("• ")[1]
    assert FLOWN_REGISTRATION in first and "✈️ В воздухе" in first and "Москва (VKO)" in first

    takeoff, landing = await _alerts(telegram, ("🛫 Вылет: Москва", "🛬 Посадка: Баку"))
    assert "Путин" in takeoff and "Путин" in landing
    assert "предположительно на борту" in takeoff

    landed = await _ask(telegram, "/status Путин", "ru")
    assert "🅿️ 1 на земле" in landed
    assert "посадка: Баку (GYD)" in landed.split("• ")[1]

    providers = await _ask(telegram, "/providers", "ru")
    assert "adsb.fi · ✓" in providers
    plain = providers.replace("\xa0", " ")
    assert re.search(r"([\d ]+) из \1 отслеживаемых самолётов \(100,0 %\)", plain), plain


async def test_a_stale_link_is_shown_with_its_date_and_why(
    telegram: FakeBotAPI, app: SummitApp
) -> None:
    sessions = services_of(app).sessions
    async with sessions.begin() as session:
        putin = await person_by_slug(session, "putin")
        assert putin is not None and putin.id is not None
        link = (await stored_links(session))[(putin.id, FLOWN)]
        await mark_stale(session, [(link.id, "operator")], now=TAKEOFF)
    text = await _ask(telegram, f"/status {FLOWN_REGISTRATION}")
    assert "⚠ stale since Mar 13, 2025: the aircraft's operator changed in the data" in text
    pages = [await _ask(telegram, f"/status putin {page}") for page in (1, 2, 3)]
    assert "27 aircraft" in pages[0]  # the stale link is kept...
    assert sum(page.count("⚠ stale since") for page in pages) == 1  # ...and marked


async def test_subscribe_operator_follows_a_shipped_fleet(
    telegram: FakeBotAPI, app: SummitApp
) -> None:
    reply = await _ask(telegram, "/subscribe operator russia special flight detachment")
    assert OPERATOR in reply, reply
    listing = await _ask(telegram, "/subscriptions")
    assert OPERATOR in listing, listing
