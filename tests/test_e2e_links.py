"""Linked signals end to end, the field report replayed on a virtual clock.

A jet believed to carry Witkoff (test data: the demo aircraft DEMO1) flies Vnukovo 01:54
→ Baku, landing at 05:30 Baku time; hours later the Kremlin's feed (the fake) carries an
item saying Putin met «Уиткоффом». The real bot's flight poll and statement poll jobs
store both; the linked alert reaches the en and ru chats following Witkoff and the az
chat following Baku once each. Azerbaijan's MFA listing (the fake, polled and healthy)
says nothing about it, the other Azerbaijani official sources are not served (failing):
`/status Witkoff` shows the pair, and the MFA's silence with the sources checked and the
ones not counted. While the jet is in the air the chat is told it is heading for GYD, and
the landing says so held; `/timeline` puts it all in order, as text and as a chart.
Flight time is the fake ADS-B provider's clock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.flights.scenario import poll_instants
from bot.runtime.app import SummitApp
from storage.chats import ensure_chat
from storage.models import (
    Aircraft,
    LinkConfidence,
    OutboxRow,
    Person,
    PersonAircraft,
    SignalLink,
    Subscription,
    SubscriptionKind,
)
from tests import test_e2e_flights as flights
from tests.e2e import bot_settings, running_bot, services_of
from tests.fakes.adsb import FakeADSB
from tests.fakes.feeds import FakeFeeds
from tests.fakes.telegram_api import FakeBotAPI, Sent

HEX, LANDING, _flight = flights.HEX, flights.LANDING, flights._flight
adsb, telegram, clock = flights.adsb, flights.telegram, flights.clock

KREMLIN_PATH = "/kremlin.ru/events/president/news/feed"
MFA_PATH = "/www.mfa.gov.az/en/news"
SAID = LANDING + timedelta(hours=6, minutes=32)  # 11:02 Moscow time
NOW = LANDING + timedelta(hours=9)
# Test data shaped as the field report, not a real quote.
TITLE = "Тестовые данные: Владимир Путин провёл встречу со Стивом Уиткоффом"
CHATS = {"en": 7101, "ru": 7102, "az": 7103}


@pytest.fixture
async def feeds() -> AsyncIterator[FakeFeeds]:
    async with FakeFeeds() as server:
        server.add_feed(KREMLIN_PATH, "atom", title="Новости", language="ru", site="kremlin.ru")
        server.add_item(
            KREMLIN_PATH, TITLE, "Глава государства принял Уиткоффа в Кремле.", published=SAID
        )
        server.add_feed(MFA_PATH, "mfa_listing", title="News", language="en")
        # Something else entirely: the host's ministry is not silent, only on this.
        server.add_item(
            MFA_PATH,
            "Test data: consular hours change for the holidays",
            published=LANDING + timedelta(hours=2),
        )
        yield server


async def _prepare(app: SummitApp) -> None:
    async with services_of(app).sessions.begin() as session:
        person = (await session.exec(select(Person).where(Person.slug == "witkoff"))).one()
        session.add(Aircraft(hex=HEX, registration="DEMO1", source="test data"))
        await session.flush()
        session.add(
            PersonAircraft(
                person_id=person.id or 0,
                aircraft_hex=HEX,
                confidence=LinkConfidence.BELIEVED,
                note="test data",
            )
        )
        for language, chat_id in CHATS.items():
            chat = await ensure_chat(session, chat_id, "private", None)
            chat.locale = language
            session.add(chat)
        await session.flush()
        session.add(Subscription(chat_id=CHATS["en"], kind=SubscriptionKind.PERSON, key="witkoff"))
        session.add(Subscription(chat_id=CHATS["ru"], kind=SubscriptionKind.PERSON, key="witkoff"))
        session.add(Subscription(chat_id=CHATS["az"], kind=SubscriptionKind.VENUE, key="baku"))


@pytest.fixture
async def app(
    telegram: FakeBotAPI, adsb: FakeADSB, feeds: FakeFeeds, sqlite_url: str
) -> AsyncIterator[SummitApp]:
    settings = bot_settings(
        telegram,
        sqlite_url,
        SUMMITWATCH_FLIGHT_PROVIDERS=f"adsb.lol={adsb.base_url('adsb.lol')}",
        SUMMITWATCH_FLIGHT_PROVIDER_RATE="1000",
        SUMMITWATCH_FLIGHT_POLL_SECONDS="3600",
        SUMMITWATCH_STATEMENTS_ENABLED="true",
        SUMMITWATCH_STATEMENTS_TICK_S="3600",
        SUMMITWATCH_SOURCES_BASE_URL=feeds.root_url,
        SUMMITWATCH_FEEDS_ALLOW="127.0.0.1/32",
        SUMMITWATCH_VENUES_INTERVAL_S="3600",
        SUMMITWATCH_DELIVERY_RATE="1000",
    )
    async with running_bot(
        settings, clock=lambda: datetime.fromtimestamp(adsb.clock(), UTC)
    ) as application:
        await _prepare(application)
        yield application


async def _run(app: SummitApp, name: str) -> None:
    assert app.job_queue is not None
    [job] = app.job_queue.get_jobs_by_name(name)
    await job.run(app)


def _linked(telegram: FakeBotAPI, chat: int) -> list[Sent]:
    return [s for s in telegram.sent_to(chat) if (s.plain_text or "").startswith("🔗")]


async def _status(telegram: FakeBotAPI, chat: int, text: str, language: str) -> str:
    before = len(telegram.sent_to(chat))
    telegram.user_message(chat, text, language_code=language)

    def answered() -> bool:
        return any("UBBB" in (s.plain_text or "") for s in telegram.sent_to(chat)[before:])

    await telegram.wait_until(answered, timeout=30)
    return "\n".join(s.plain_text or "" for s in telegram.sent_to(chat)[before:])


async def test_the_field_report_links_landing_and_statement_and_shows_the_silence(
    telegram: FakeBotAPI, adsb: FakeADSB, feeds: FakeFeeds, app: SummitApp
) -> None:
    for instant in poll_instants(_flight()):
        adsb.set_time(instant)
        await _run(app, "flight-poll")
    adsb.set_time(SAID.timestamp() + 600)
    await _run(app, "statement-poll")
    await telegram.wait_until(
        lambda: all(_linked(telegram, chat) for chat in CHATS.values()), timeout=30
    )
    first = {language: _linked(telegram, chat)[0] for language, chat in CHATS.items()}
    heads = {language: (s.plain_text or "").split("\n")[0] for language, s in first.items()}
    assert heads == {
        "en": f"🔗 Landing in Baku 05:30 and kremlin-ru statement 11:02: {TITLE}",
        "ru": f"🔗 Посадка: Баку, 05:30; заявление kremlin-ru, 11:02: {TITLE}",
        "az": f"🔗 Eniş: Bakı, 05:30; kremlin-ru bəyanatı, 11:02: {TITLE}",
    }
    ru = first["ru"].plain_text or ""
    assert "Стив Уиткофф («Стивом Уиткоффом»)" in ru
    assert "На борту (предположительно): Стив Уиткофф" in ru
    assert "Связь предположительная" in ru
    assert "Believed on board: Steve Witkoff" in (first["en"].plain_text or "")
    # While the jet was in the air, the chat was told where it was heading; the landing
    # says the prediction held.
    en_texts = [s.plain_text or "" for s in telegram.sent_to(CHATS["en"])]
    [heading] = [text for text in en_texts if text.startswith("🧭 Heading for Baku (GYD)")]
    assert "Baku time" in heading and "UTC" in heading
    assert any("🧭 As predicted" in text for text in en_texts)

    # Another round of each poller, and the landing seen again: still one pair.
    await _run(app, "statement-poll")
    await _run(app, "flight-poll")
    async with services_of(app).sessions() as session:
        [link] = (await session.exec(select(SignalLink))).all()
        rows = (await session.exec(select(OutboxRow).where(OutboxRow.event_type == "linked"))).all()
    assert sorted(r.chat_id for r in rows) == sorted(CHATS.values())
    assert (link.statement_source, link.flight_provider) == ("kremlin-ru", "adsb.lol")
    assert (link.aircraft_confidence, link.confidence) == ("believed", "believed")
    assert all(len(_linked(telegram, chat)) == 1 for chat in CHATS.values())

    adsb.set_time(NOW.timestamp())
    en = await _status(telegram, CHATS["en"], "/status Witkoff", "en")
    assert "Linked signals:" in en
    assert f"🔗 Landing in Baku 05:30 and kremlin-ru statement 11:02: {TITLE} · believed pair" in en
    assert "🤐 No statement from Azerbaijan sources in 9 h" in en
    assert "After the landing at UBBB: Mar 14, 2025, 05:30 Baku time (01:30 UTC)" in en
    assert "✓ Checked: mfa-az-en, last polled " in en
    # Sources the fake does not serve fail: not counted as silent, and said so.
    assert "✗ Not counted: president-az-en is failing or was not polled since the landing" in en
    assert "Checked: kremlin-ru" not in en  # the Kremlin is not the host
    ru_status = await _status(telegram, CHATS["ru"], "/status Уиткофф", "ru")
    assert "Нет заявлений источников (Азербайджан) уже 9 ч" in ru_status
    az_status = await _status(telegram, CHATS["az"], "/status Uitkoff", "az")
    assert "9 saatdır Azərbaycan mənbələrindən bəyanat yoxdur" in az_status

    # The timeline puts the flight, the prediction, the statement and the pair in order,
    # as text and as a chart.
    before = len(telegram.sent_to(CHATS["en"]))
    telegram.user_message(CHATS["en"], "/timeline Witkoff 2", language_code="en")
    parts = ("took off from Moscow (VKO)", "heading for Baku (GYD)", "landed", TITLE)

    def since_asked() -> tuple[str, bool]:
        sent = telegram.sent_to(CHATS["en"])[before:]
        return "\n".join(s.plain_text or "" for s in sent), any(
            s.method == "sendPhoto" for s in sent
        )

    def timeline_arrived() -> bool:
        # The text and its chart, not any picture: a late alert's map must not end the wait.
        text, pictured = since_asked()
        return pictured and all(part in text for part in parts)

    await telegram.wait_until(timeline_arrived, timeout=30)
    timeline = since_asked()[0]
    places = [timeline.index(part) for part in parts]
    assert places == sorted(places), timeline

    # The venue evidence counts the pair and reads the silence the same way.
    before = len(telegram.sent_to(CHATS["en"]))
    telegram.user_message(CHATS["en"], "/venue Baku", language_code="en")
    await telegram.wait_until(
        lambda: any(s.method == "sendVenue" for s in telegram.sent_to(CHATS["en"])[before:]),
        timeout=30,
    )
    card = "\n".join(s.plain_text or "" for s in telegram.sent_to(CHATS["en"])[before:-1])
    live = card.split("Live evidence")[1].split("\n\nScore")[0]
    assert f"Linked: a landing at UBBB and kremlin-ru's statement 6.5 h apart: {TITLE}" in live
    assert (
        "+0.00 Not counted as silent: mfa-az-az, mfa-az-ru, president-az-az, president-az-en, "
        "president-az-ru (failing, or not polled since 05:30 Baku time (01:30 UTC) on 14 Mar)"
    ) in live
    assert "The host's official sources (mfa-az-en (" in live
    assert "have said nothing since 05:30 Baku time (01:30 UTC) on 14 Mar" in live
