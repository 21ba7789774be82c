"""/status and /flights end to end: stored flights and positions, answers in en/ru/az."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.flights import airports
from bot.flights.store import record_flight_event
from bot.runtime.app import SummitApp
from storage.models import Aircraft, PersonAircraft, Position
from storage.positions import add_positions
from storage.types import utcnow
from storage.watchlist import person_by_slug
from tests.alerting import DEMO_HEX, LANDING_TS, TAKEOFF_TS
from tests.e2e import ADMIN_ID, bot_settings, running_bot, services_of
from tests.fakes.telegram_api import FakeBotAPI, Sent

CHAT = 4242


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token="123456:TEST-token-for-e2e") as server:
        server.limits_enabled = False  # command tests, not pacing tests
        yield server


async def _store_flight(app: SummitApp) -> None:
    """The field report's flight, Vnukovo 01:54 Moscow time → Baku 05:30 Baku time."""
    vko, gyd = airports.get("UUWW"), airports.get("UBBB")
    assert vko is not None and gyd is not None
    steps = 24
    span = LANDING_TS - TAKEOFF_TS
    fixes = [
        Position(
            hex=DEMO_HEX,
            ts=TAKEOFF_TS + span * i / steps,
            lat=vko.lat + (gyd.lat - vko.lat) * i / steps,
            lon=vko.lon + (gyd.lon - vko.lon) * i / steps,
            alt_ft=None if i in (0, steps) else min(i, steps - i) * 4000,
            on_ground=i in (0, steps),
            callsign="DMO1    ",
            provider="test",
        )
        for i in range(steps + 1)
    ]
    sessions = services_of(app).sessions
    async with sessions.begin() as session:
        session.add(Aircraft(hex=DEMO_HEX, registration="DEMO1", source="test data"))
        await session.flush()
        witkoff = await person_by_slug(session, "witkoff")
        assert witkoff is not None and witkoff.id is not None
        session.add(
            PersonAircraft(
                person_id=witkoff.id,
                aircraft_hex=DEMO_HEX,
                note="test link",
                set_by=ADMIN_ID,
                since=TAKEOFF_TS - timedelta(days=1),
            )
        )
        await add_positions(session, fixes)
    for kind, moment, airport in (("takeoff", TAKEOFF_TS, "UUWW"), ("landing", LANDING_TS, "UBBB")):
        async with sessions.begin() as session:
            await record_flight_event(
                session,
                values={
                    "dedup_key": f"{DEMO_HEX}:{kind}:1",
                    "kind": kind,
                    "hex": DEMO_HEX,
                    "ts": moment,
                    "airport_icao": airport,
                },
                payload={"kind": kind, "hex": DEMO_HEX},
                person_slugs=["witkoff"],
                now=utcnow(),
            )


@pytest.fixture
async def app(fake: FakeBotAPI, sqlite_url: str) -> AsyncIterator[SummitApp]:
    settings = bot_settings(fake, sqlite_url)
    async with running_bot(settings) as application:
        await _store_flight(application)
        yield application


async def _ask(fake: FakeBotAPI, text: str, language: str = "en", count: int = 1) -> list[Sent]:
    before = len(fake.sent_to(CHAT))
    fake.user_message(CHAT, text, language_code=language)
    return (await fake.wait_for_messages(CHAT, before + count))[before:]


def _lines(sent: Sent) -> list[str]:
    """The message's lines, with CLDR's narrow spaces made plain for readable expectations."""
    return (sent.plain_text or "").replace("\u202f", " ").replace("\xa0", " ").split("\n")


STATUS = {
    "en": [
        "Steve Witkoff — United States special envoy",
        "",
        "• DEMO1 (ffa001) — believed (“test link”)",
        "🅿️ On the ground — landed at Baku (GYD), Mar 14, 2025, 05:30 Baku time (01:30 UTC)",
        "Last seen: Mar 14, 2025, 01:30 UTC",
        "Last flight: Mar 14, 2025 · Moscow (VKO) 01:54 Moscow time (Mar 13, 22:54 UTC) → "
        "Baku (GYD) 05:30 Baku time (01:30 UTC) · 2 h 36 min",
    ],
    "ru": [
        "Стив Уиткофф — специальный посланник США",
        "",
        "• DEMO1 (ffa001) — предположительно (“test link”)",
        "🅿️ На земле — посадка: Баку (GYD), 14 мар. 2025 г., "
        "05:30 по местному времени (Баку), 01:30 UTC",
        "Последний сигнал: 14 мар. 2025 г., 01:30 UTC",
        "Последний полёт: 14 мар. 2025 г. · Москва (VKO) 01:54 по местному времени (Москва), "
        "13 мар., 22:54 UTC → Баку (GYD) 05:30 по местному времени (Баку), 01:30 UTC · 2 ч 36 мин",
    ],
    "az": [
        "Stiv Uitkoff — ABŞ-ın xüsusi nümayəndəsi",
        "",
        "• DEMO1 (ffa001) — ehtimal (“test link”)",
        "🅿️ Yerdədir — eniş: Bakı (GYD), 14 mar 2025, Bakı vaxtı ilə 05:30 (01:30 UTC)",
        "Son siqnal: 14 mar 2025, 01:30 UTC",
        "Son uçuş: 14 mar 2025 · Moskva (VKO) Moskva vaxtı ilə 01:54 (13 mar, 22:54 UTC) → "
        "Bakı (GYD) Bakı vaxtı ilə 05:30 (01:30 UTC) · 2 saat 36 dəq",
    ],
}


@pytest.mark.parametrize(
    ("command", "language"),
    [("/status witkoff", "en"), ("/status Уиткоффа", "ru"), ("/status uitkoff", "az")],
)
async def test_status_of_a_person_with_state_last_flight_and_map(
    fake: FakeBotAPI, app: SummitApp, command: str, language: str
) -> None:
    text, picture = await _ask(fake, command, language, count=2)
    assert _lines(text)[:6] == STATUS[language]
    assert text.text is not None
    assert '<a href="https://globe.adsb.lol/?icao=ffa001">DEMO1 (ffa001)</a>' in text.text
    assert picture.method == "sendPhoto" and (picture.photo_size or 0) > 10_000
    assert (
        picture.caption
        == {
            "en": "Recent track of ffa001",
            "ru": "Недавний трек ffa001",
            "az": "ffa001 üçün son marşrut",
        }[language]
    )


async def test_status_of_an_aircraft_by_hex_registration_or_callsign(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    for query in ("ffa001", "FFA001", "demo1", "DMO1", "dmo 1"):
        text, picture = await _ask(fake, f"/status {query}", count=2)
        lines = _lines(text)
        assert lines[:4] == [
            "DEMO1 (ffa001)",
            "👤 Linked to Steve Witkoff (believed)",
            "",
            "• DEMO1 (ffa001)",
        ], query
        assert lines[4] == STATUS["en"][3]
        assert picture.method == "sendPhoto"


async def test_status_of_an_aircraft_in_the_air_now(fake: FakeBotAPI, app: SummitApp) -> None:
    now = utcnow()
    vko = airports.get("UUWW")
    assert vko is not None
    sessions = services_of(app).sessions
    async with sessions.begin() as session:
        await add_positions(
            session,
            [
                Position(
                    hex="ffa002",
                    ts=now - timedelta(minutes=m),
                    lat=vko.lat - (30 - m) * 0.05,
                    lon=vko.lon + (30 - m) * 0.05,
                    alt_ft=(30 - m) * 1000,
                    provider="test",
                )
                for m in (29, 20, 10, 1)
            ],
        )
        await record_flight_event(
            session,
            values={
                "dedup_key": "ffa002:takeoff:1",
                "kind": "takeoff",
                "hex": "ffa002",
                "ts": now - timedelta(minutes=30),
                "airport_icao": "UUWW",
            },
            payload={},
            person_slugs=[],
            now=now,
        )
    text, picture = await _ask(fake, "/status ffa002", "ru", count=2)
    lines = _lines(text)
    assert lines[0] == "ffa002"
    assert lines[3].startswith("✈️ В воздухе — вылет: Москва (VKO), ")
    assert lines[5].startswith("Последний полёт: ") and "посадка пока не замечена" in lines[5]
    assert picture.method == "sendPhoto"


async def test_status_of_things_without_data(fake: FakeBotAPI, app: SummitApp) -> None:
    [text] = await _ask(fake, "/status putin")
    assert _lines(text)[:3] == [
        "Vladimir Putin — President of Russia",
        "",
        "No aircraft is linked to Vladimir Putin yet. Admins link one with /track.",
    ]
    [text] = await _ask(fake, "/status путин", "ru")
    assert _lines(text)[2] == (
        "С Владимиром Путиным пока не связан ни один самолёт. "
        "Администраторы добавляют связь командой /track."
    )
    [text] = await _ask(fake, "/status ffa0ff", "az")
    assert _lines(text) == [
        "ffa0ff",
        "",
        "• ffa0ff",
        "❔ Harada olduğu məlum deyil",
        "Bu təyyarə üçün hələ nə mövqe, nə də uçuş qeydə alınıb.",
    ]
    await asyncio.sleep(0.2)  # no map picture follows either answer
    assert [s.method for s in fake.sent_to(CHAT)] == ["sendMessage"] * 3


@pytest.mark.parametrize(
    ("command", "language", "answer"),
    [
        (
            "/status peskoff",
            "en",
            "I found no person, aircraft or callsign matching “peskoff”. "
            "Did you mean: Dmitry Peskov, Steve Witkoff? See /watchlist.",
        ),
        (
            "/status макрон",
            "ru",
            "Не нашёл ни человека, ни самолёта, ни позывного, подходящих под «макрон». "
            "Список — /watchlist.",
        ),
        (
            "/flights dmitri",
            "az",
            "“dmitri” bir neçə şəxsə uyğundur: Kirill Dmitriyev, Dmitri Peskov. Daha dəqiq yazın.",
        ),
        (
            "/status <b>x</b>",
            "en",
            "I found no person, aircraft or callsign matching “<b>x</b>”. See /watchlist.",
        ),
        (
            "/status",
            "ru",
            "Отправьте /status и имя человека, ICAO hex, бортовой номер или позывной, "
            "например /status уиткофф.",
        ),
        (
            "/flights",
            "en",
            "Send /flights and a person, ICAO hex, registration or callsign, and how many "
            "flights (up to 20), for example /flights witkoff 5.",
        ),
        ("/flights putin", "en", "No flights of Vladimir Putin are stored yet."),
    ],
)
async def test_unknown_ambiguous_or_missing_subjects_get_a_clear_answer(
    fake: FakeBotAPI, app: SummitApp, command: str, language: str, answer: str
) -> None:
    [reply] = await _ask(fake, command, language)
    assert reply.plain_text == answer
    if "<b>" in command:
        assert reply.text is not None and "&lt;b&gt;x&lt;/b&gt;" in reply.text


async def _more_flights(app: SummitApp) -> None:
    """Two earlier round trips of the demo aircraft, a day apart each."""
    sessions = services_of(app).sessions
    for day in (1, 2):
        for kind, moment, airport in (
            ("takeoff", TAKEOFF_TS - timedelta(days=day), "UBBB"),
            ("landing", LANDING_TS - timedelta(days=day), "UUWW"),
        ):
            async with sessions.begin() as session:
                await record_flight_event(
                    session,
                    values={
                        "dedup_key": f"{DEMO_HEX}:{kind}:early{day}",
                        "kind": kind,
                        "hex": DEMO_HEX,
                        "ts": moment,
                        "airport_icao": airport,
                    },
                    payload={},
                    person_slugs=[],
                    now=utcnow(),
                )


async def test_flights_lists_the_newest_first_in_the_chat_language(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    await _more_flights(app)
    [reply] = await _ask(fake, "/flights uitkoff 2", "az")
    assert _lines(reply) == [
        "Son uçuşlar — Stiv Uitkoff:",
        "• " + STATUS["az"][5].removeprefix("Son uçuş: "),
        "• 13 mar 2025 · Bakı (GYD) Bakı vaxtı ilə 02:54 (12 mar, 22:54 UTC) → "
        "Moskva (VKO) Moskva vaxtı ilə 04:30 (01:30 UTC) · 2 saat 36 dəq",
    ]
    [reply] = await _ask(fake, "/flights DEMO1 99")
    lines = _lines(reply)
    assert lines[0] == "Recent flights of DEMO1 (ffa001):"
    assert [line[:16] for line in lines[1:]] == [
        "• Mar 14, 2025 ·",
        "• Mar 13, 2025 ·",
        "• Mar 12, 2025 ·",
    ]
    [reply] = await _ask(fake, "/flights ffa001 1", "ru")
    assert _lines(reply) == [
        "Последние полёты — DEMO1 (ffa001):",
        "• " + STATUS["ru"][5].removeprefix("Последний полёт: "),
    ]
