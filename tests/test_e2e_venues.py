"""Venue analysis end to end: fake ADS-B and fake feeds → the real bot → fake Bot API.

The field case: a demo aircraft believed to carry the demo envoy flies Vnukovo → Baku
and lands at 05:30 Baku time; the Kremlin's feed (served by the fake) then speaks of
the envoy's meeting in Baku. The bot's own flight poll and statement poll jobs store
the landing and the statement; its venue job alerts a chat following Baku that Baku
moved into first place; /venues in en, ru and az ranks Baku first with the landing at
05:30 Baku time and the statement among its reasons. Time is the fake provider's
clock; the flight and venue jobs are run by the test at chosen instants.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from bot.flights.scenario import poll_instants
from bot.runtime.app import SummitApp
from storage.models import Mention, OutboxRow, OutboxStatus, VenueFactor
from tests import test_e2e_flights as flights
from tests.e2e import ADMIN_ID, bot_settings, running_bot, services_of
from tests.fakes.adsb import FakeADSB
from tests.fakes.feeds import FakeFeeds
from tests.fakes.telegram_api import FakeBotAPI, Sent
from tests.venue_store import link_envoy

# The flights end-to-end test's flight (Vnukovo 01:54 → Baku 05:30) and its fakes.
HEX, LANDING, _flight = flights.HEX, flights.LANDING, flights._flight
adsb, telegram, clock = flights.adsb, flights.telegram, flights.clock

STATEMENT_AT = LANDING + timedelta(hours=1)
NOW = LANDING + timedelta(hours=3)
KREMLIN_PATH = "/kremlin.ru/events/president/news/feed"
# Demo data, labelled as such: no real statement is quoted.
TITLE = "Демо-данные: в Кремле подтвердили встречу посланника в Баку"
CHATS = {"en": 5001, "ru": 5002, "az": 5003}
DESKS = -1001000000100  # supergroup ids, counting down


@pytest.fixture
async def feeds() -> AsyncIterator[FakeFeeds]:
    async with FakeFeeds() as server:
        server.add_feed(KREMLIN_PATH, "atom", title="Новости", language="ru", site="kremlin.ru")
        server.add_item(
            KREMLIN_PATH, TITLE, "Стороны договорились о встрече.", published=STATEMENT_AT
        )
        yield server


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
        services = services_of(application)
        async with services.sessions.begin() as session:
            await link_envoy(session, HEX)
        yield application


async def _say(
    telegram: FakeBotAPI, chat: int, text: str, language: str = "en", replies: int = 1
) -> list[Sent]:
    before = len(telegram.sent_to(chat))
    telegram.user_message(chat, text, language_code=language)
    return (await telegram.wait_for_messages(chat, before + replies, timeout=20))[before:]


async def _card(telegram: FakeBotAPI, chat: int, text: str, language: str) -> list[Sent]:
    """A /venue answer: its text (in as many messages as it takes), then the map pin."""
    before = len(telegram.sent_to(chat))
    telegram.user_message(chat, text, language_code=language)
    await telegram.wait_until(
        lambda: any(s.method == "sendVenue" for s in telegram.sent_to(chat)[before:]), timeout=20
    )
    return telegram.sent_to(chat)[before:]


async def _run(app: SummitApp, name: str) -> None:
    assert app.job_queue is not None
    [job] = app.job_queue.get_jobs_by_name(name)
    await job.run(app)


async def _statement_stored(app: SummitApp) -> None:
    # The statement poll's first round runs a second after start-up.
    await _run(app, "statement-poll")


async def _outbox_settled(app: SummitApp) -> None:
    """Wait (60 s at most) until no alert is still on its way to a chat.

    The landing's and the linked pair's alerts are paced per chat (one message a second),
    so on a loaded machine they can still be in flight after the jobs that recorded them.
    """
    settled = (OutboxStatus.SENT, OutboxStatus.DEAD, OutboxStatus.HELD)
    async with asyncio.timeout(60):
        while True:
            async with services_of(app).sessions() as session:
                statuses = (await session.exec(select(OutboxRow.status))).all()
            if all(status in settled for status in statuses):
                return
            await asyncio.sleep(0.05)
    async with services_of(app).sessions() as session:
        places = (await session.exec(select(Mention.key).where(Mention.kind == "place"))).all()
    assert list(places) == ["baku"]


async def test_baku_ranks_first_after_the_landing_and_the_kremlin_statement(
    telegram: FakeBotAPI, adsb: FakeADSB, app: SummitApp
) -> None:
    follower = CHATS["ru"]
    await _say(telegram, follower, "/lang ru", "ru")
    [reply] = await _say(telegram, follower, "/subscribe venue Баку", "ru")
    assert "Баку" in (reply.plain_text or "")
    # Before any evidence: the first round records the ranking and alerts nothing.
    await _run(app, "venue-ranking")

    for instant in poll_instants(_flight()):
        adsb.set_time(instant)
        await _run(app, "flight-poll")
    await _statement_stored(app)
    adsb.set_time(NOW.timestamp())
    await _outbox_settled(app)  # the alerts before the ranking's are all sent
    before = len(telegram.sent_to(follower))
    await _run(app, "venue-ranking")
    sent = await telegram.wait_for_messages(follower, before + 1, timeout=20)
    [alert] = [s.plain_text or "" for s in sent[before:]]
    lines = alert.split("\n")
    assert lines[0] == "🥇 Новый лидер — Баку; прежний лидер — Эр-Рияд"
    # The pair (landing and statement linked) counts; the 404ing host sources are not silent.
    assert lines[1] == "Оценка 9,30 (была 4,17), место 1 (было 3)"
    assert (
        "приземлился в Баку (UBBB): 05:30 по местному времени (Баку), 01:30 UTC, 14 мар." in alert
    )
    assert f"говорит о встрече здесь: {TITLE}" in alert

    expected = {
        "en": (
            "1. Baku — ",
            "A jet believed to carry Demo Envoy landed at Baku (UBBB) at "
            "05:30 Baku time (01:30 UTC) on 14 Mar",
            f"kremlin-ru (official) speaks of a meeting here: {TITLE}",
            "🕑 Freshest evidence: statement by kremlin-ru, 06:30 Baku time (02:30 UTC) on 14 Mar",
        ),
        "ru": (
            "1. Баку — ",
            "Самолёт, на котором предположительно летит Демо-посланник, приземлился в Баку (UBBB): "
            "05:30 по местному времени (Баку), 01:30 UTC, 14 мар.",
            f"kremlin-ru (официальный источник) говорит о встрече здесь: {TITLE}",
            "🕑 Самое свежее: заявление источника kremlin-ru, 06:30",
        ),
        "az": (
            "1. Bakı — ",
            "Təyyarə Bakı (UBBB) hava limanına endi: 14 mar, Bakı vaxtı ilə 05:30 (01:30 UTC); "
            "ehtimal ki, göyərtədə Demo nümayəndə var",
            f"kremlin-ru (rəsmi mənbə) burada görüşdən danışır: {TITLE}",
            "🕑 Ən təzə sübut: kremlin-ru bəyanatı, 14 mar, Bakı vaxtı ilə 06:30",
        ),
    }
    for language, (first, landing, statement, freshest) in expected.items():
        [answer] = await _say(telegram, CHATS[language], "/venues", language)
        text = answer.plain_text or ""
        blocks = text.split("\n\n")
        baku = blocks[1]
        assert baku.startswith(first), text
        assert landing in baku and statement in baku and freshest in baku, text
        assert len(blocks) == 1 + 5 + 1  # heading, top five, footer

    # The venue card: every factor with its sources, the evidence, the map pin.
    card = await _card(telegram, CHATS["az"], "/venue Bakı", "az")
    text = "\n".join(s.plain_text or "" for s in card[:-1])
    assert text.startswith("Bakı (Azərbaycan): bal ")
    assert "S3 english.almayadeen.net/" in text and "Təzə sübutlar" in text
    # Facts dated after the scored moment (14 Mar 2025) are listed but not counted.
    assert "event:2025-06-27</b>" not in text  # plain text: no markup
    # The note in Azerbaijani too (venues.yaml gives each in en/ru/az).
    assert "event:2025-06-27: əleyhinə (2025-07-02 tarixinə). Yekaterinburqdakı reydlər" in text
    assert "icc: iştirakçı deyil (" in text and "not_party" not in text
    assert "nəzərə alınmır)" in text.split("event:2025-06-27")[1].split("\n")[0]
    assert "nəzərə alınmır" not in text.split("event:2024-12-25")[1].split("\n")[0]
    pin = card[-1]
    assert pin.method == "sendVenue"
    assert (pin.extra["latitude"], pin.extra["longitude"]) == (40.4675, 50.0467)
    assert pin.extra["title"] == "Bakı"
    assert "UBBB" in pin.extra["address"]
    ru_card = await _card(telegram, CHATS["ru"], "/venue баку", "ru")
    ru_text = "\n".join(s.plain_text or "" for s in ru_card[:-1])
    assert ru_text.startswith("Баку (Азербайджан): оценка ")
    assert "Азербайджан не является участником Римского статута." in ru_text
    assert "Azerbaijan is not a party" not in ru_text


BAD_INPUT = [
    (
        "/venue set Parisss icc party https://example.org",
        "I know no venue called “Parisss”. See /venues.",
    ),
    (
        "/venue set Baku altitude high https://example.org",
        "Baku has no factor “altitude”. Its factors: icc, ",
    ),
    (
        "/venue set Baku icc maybe https://example.org",
        "“maybe” is not a value of this factor. Use one of: not_party, party, unverified, "
        "withdrawal_pending.",
    ),
    ("/venue set Baku icc party", "Nothing was changed: give a source"),
    ("/venue set Baku icc", "Nothing was changed: give a value after the factor"),
    (
        "/venue set Baku icc party " + "x" * 600,
        "Nothing was changed: “xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…” is too long "
        "(600 characters, at most 500).",
    ),
    ("/venue set Baku icc " + "y" * 40 + " src", "is too long (40 characters, at most 32)."),
    ("/venue set", "Usage: /venue <name>"),
    ("/venue Narnia", "I know no venue called “Narnia”."),
    ("/venue history Narnia", "I know no venue called “Narnia”."),
    ("/venue Венева", "“Венева” could be Geneva, Vienna. Please be more specific."),
]


@pytest.fixture
async def quiet_app(telegram: FakeBotAPI, sqlite_url: str) -> AsyncIterator[SummitApp]:
    settings = bot_settings(telegram, sqlite_url, SUMMITWATCH_VENUES_INTERVAL_S="3600")
    async with running_bot(settings) as application:
        yield application


async def _corrections(app: SummitApp) -> int:
    async with services_of(app).sessions() as session:
        query = (
            select(func.count())
            .select_from(VenueFactor)
            .where(
                VenueFactor.set_by.is_not(None)  # type: ignore[union-attr]
            )
        )
        return int((await session.exec(query)).one())


async def test_bad_corrections_are_refused_clearly_and_store_nothing(
    telegram: FakeBotAPI, quiet_app: SummitApp
) -> None:
    # The admin types each in its own group: the bot answers one message a second per
    # chat, so one chat would make this test wait for the pacing, not for the bot.
    cases = [(command, "en", answer) for command, answer in BAD_INPUT] + [
        (
            "/venue set Баку icc party",
            "ru",
            "Ничего не изменено: после значения укажите источник (ссылку или цитату).",
        ),
        ("/venue set Bakı hündürlük yox mənbə", "az", "Bakı üçün “hündürlük” amili yoxdur."),
    ]
    for n, (command, language, _answer) in enumerate(cases):
        telegram.add_chat(DESKS - n, chat_type="supergroup", title="Desk")
        telegram.user_message(DESKS - n, command, user_id=ADMIN_ID, language_code=language)
    for n, (command, _language, answer) in enumerate(cases):
        [reply] = await telegram.wait_for_messages(DESKS - n, 1, timeout=20)
        assert answer in (reply.plain_text or ""), (command, reply.plain_text)
    [other] = await _say(telegram, 5009, "/venue set Baku icc party https://example.org")
    assert other.plain_text == "Only the bot's administrators can do this."
    assert await _corrections(quiet_app) == 0

    # /venues all: every venue, in as many messages as it takes; no evidence, no 🕑 line.
    before = len(telegram.sent_to(ADMIN_ID))
    telegram.user_message(ADMIN_ID, "/venues all", language_code="ru")
    # The listing ends with its footer; waiting for rank 14 alone would let the footer,
    # sent at once now that replies are not paced, land in the next command's answer.
    await telegram.wait_until(
        lambda: (
            "Подробнее: /venue"
            in "\n".join(s.plain_text or "" for s in telegram.sent_to(ADMIN_ID)[before:])
        ),
        timeout=20,
    )
    listing = "\n".join(s.plain_text or "" for s in telegram.sent_to(ADMIN_ID)[before:])
    assert listing.startswith("Возможные места встречи, от лучшего к худшему:\n\n1. ")
    assert "🕑" not in listing
    ranks = [line.split(".")[0] for line in listing.split("\n") if line[:1].isdigit()]
    assert ranks == [str(n) for n in range(1, 15)]

    [history] = await _say(telegram, ADMIN_ID, "/venue history Baku")
    assert "No analyst has corrected a factor of Baku" in (history.plain_text or "")
    [done] = await _say(telegram, ADMIN_ID, "/venue set Abu Dhabi icc party <b>Report</b> of 2026")
    assert (done.plain_text or "").startswith(
        f"Recorded: Abu Dhabi · icc = party (source: <b>Report</b> of 2026), by {ADMIN_ID}."
    )
    assert await _corrections(quiet_app) == 1
    [history] = await _say(telegram, ADMIN_ID, "/venue history Абу-Даби", "ru")
    lines = (history.plain_text or "").split("\n")
    assert lines[0] == "Исправления по месту «Абу-Даби», сначала новые:"
    assert lines[1].endswith(f"icc = участник, автор: {ADMIN_ID}; источник: <b>Report</b> of 2026")
