"""/timeline end to end: the real bot against the fake Bot API (real HTTP).

A demo envoy's jet takes off at Vnukovo and lands in Baku, a Kremlin statement names
the envoy hours later, and Baku moves into first place of the venue ranking; /timeline
answers, in the forum topic it was asked in, with the three interleaved in time order
(in the chat's zone and UTC) and a chart, uploaded once and then sent by its file id.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from sqlmodel import select

from bot.alerts.linked import LinkedAlert
from bot.alerts.parts import PersonPart, SourcePart, VenuePart
from bot.exports.timeline_chart import SIZE_PX
from bot.flights.store import record_flight_event
from bot.runtime.app import SummitApp
from storage.event_rows import insert_once
from storage.models import FlightEventRow, PictureFile, SignalLink, VenueEvent
from tests.alerting import BAKU, DEMO_HEX, VNUKOVO, landing_payload, subscribe_chats
from tests.e2e import bot_settings, running_bot, services_of
from tests.fakes.telegram_api import FakeBotAPI, Sent
from tests.venue_store import add_source, add_statement, link_envoy

FORUM = -1009000000077
ADMIN = 10077
OTHER = 7077
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
TAKEOFF = datetime(2026, 12, 5, 22, 54, tzinfo=UTC)  # 01:54 on the 6th in Moscow
LANDING = TAKEOFF + timedelta(hours=3, minutes=36)  # 06:30 in Baku
STATEMENT = LANDING + timedelta(hours=5, minutes=32)
RANKING = STATEMENT + timedelta(hours=1)
TITLE = "Putin met the envoy (demo data)"


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token="123456:TEST-token-for-e2e") as server:
        server.limits_enabled = False
        server.make_forum(FORUM, title="Analyst desk")
        server.set_member_status(FORUM, ADMIN, "administrator")
        yield server


@pytest.fixture
async def app(fake: FakeBotAPI, sqlite_url: str) -> AsyncIterator[SummitApp]:
    async with running_bot(bot_settings(fake, sqlite_url), clock=lambda: NOW) as application:
        await _history(application)
        yield application


async def _history(app: SummitApp) -> None:
    sessions = services_of(app).sessions
    async with sessions.begin() as session:
        await link_envoy(session, DEMO_HEX)
    # A subscriber, so the flight events keep their alert payloads (airports as alerted).
    await subscribe_chats(sessions, [(6999, "en")])
    events: dict[str, int | None] = {}
    async with sessions.begin() as session:
        for key, kind, ts, airport in (
            ("t:takeoff", "takeoff", TAKEOFF, VNUKOVO),
            ("t:landing", "landing", LANDING, BAKU),
        ):
            events[kind] = await record_flight_event(
                session,
                values={
                    "dedup_key": key,
                    "kind": kind,
                    "hex": DEMO_HEX,
                    "ts": ts,
                    "airport_icao": airport["icao"],
                    "confidence": "confirmed",
                    "provider": "readsb",
                },
                payload=landing_payload(kind=kind, ts=ts.isoformat(), airport=airport),
                person_slugs=["envoy"],
                now=ts,
            )
        # The destination predicted while airborne, as the poller stores it.
        await insert_once(
            session,
            FlightEventRow(
                dedup_key="t:destination",
                kind="destination",
                hex=DEMO_HEX,
                ts=TAKEOFF + timedelta(hours=2),
                airport_icao="UBBB",
                confidence="probable",
                data={"probability": 0.82},
                detected_at=TAKEOFF + timedelta(hours=2),
            ),
        )
        source = await add_source(session, "kremlin-en", "RU")
        statement_id = await add_statement(
            session,
            source,
            TITLE,
            STATEMENT,
            [("person", "envoy", "envoy"), ("place", "baku", "Baku")],
        )
        await insert_once(session, _link(events["landing"] or 0, statement_id))
        await insert_once(
            session,
            VenueEvent(
                dedup_key="venue:new_leader:baku:t",
                kind="new_leader",
                venue_slug="baku",
                data={"score": 9.0, "rank": 1, "previous_rank": 2},
                detected_at=RANKING,
            ),
        )


def _link(flight_event_id: int, statement_id: int) -> SignalLink:
    """The pair the linker records (landing in Baku, the Kremlin statement), as stored."""
    alert = LinkedAlert(
        person=PersonPart("envoy", {"en": "Demo Envoy"}, "believed"),
        confidence="believed",
        matched="person",
        hex=DEMO_HEX,
        airport_icao="UBBB",
        landing_ts=LANDING,
        statement_id=statement_id,
        source=SourcePart("kremlin-en", True, "RU", "Europe/Moscow"),
        title=TITLE,
        statement_ts=STATEMENT,
        place=VenuePart("baku", {"en": "Baku", "ru": "Баку", "az": "Bakı"}, "AZ", "Asia/Baku"),
    )
    return SignalLink(
        dedup_key=f"link:{flight_event_id}:{statement_id}:envoy",
        person_slug="envoy",
        flight_event_id=flight_event_id,
        statement_id=statement_id,
        airport_icao="UBBB",
        venue_slug="baku",
        landing_ts=LANDING,
        statement_ts=STATEMENT,
        matched="person",
        flight_confidence="confirmed",
        aircraft_confidence="believed",
        statement_source="kremlin-en",
        statement_official=True,
        confidence="believed",
        data=alert.to_json(),
    )


async def _ask(fake: FakeBotAPI, text: str, thread: int | None, n: int) -> list[Sent]:
    before = len(fake.sent_to(FORUM))
    fake.user_message(FORUM, text, user_id=ADMIN, thread_id=thread, language_code="en")
    await fake.wait_until(lambda: len(fake.sent_to(FORUM)) >= before + n, timeout=30)
    return fake.sent_to(FORUM)[before:]


def _order(text: str, *parts: str) -> None:
    places = [text.index(part) for part in parts]
    assert places == sorted(places), (parts, text)


async def test_timeline_interleaves_flights_statements_and_venues_with_a_chart(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    topic = fake.create_forum_topic(FORUM, "Envoy")
    await _ask(fake, "/tz Europe/Moscow", topic, 1)
    text, photo = await _ask(fake, "/timeline envoy 3", topic, 2)
    assert text.method == "sendMessage" and photo.method == "sendPhoto"
    assert text.message.get("message_thread_id") == topic
    assert photo.message.get("message_thread_id") == topic
    shown = text.plain_text or ""
    _order(
        shown,
        "Timeline of Demo Envoy, last 3 days",
        "01:54 Moscow time (Dec 5, 22:54 UTC) — took off from Moscow (VKO), DEMO1 (confirmed)",
        "🧭 03:54 Moscow time (00:54 UTC) — heading for Baku (GYD) (82% likely)",
        "05:30 Moscow time (02:30 UTC) — landed at Baku (GYD)",
        "kremlin-en ✓: " + TITLE,
        "🔗 11:02 Moscow time (08:02 UTC) — Landing in Baku",
        "believed pair",
        "Baku: moved into first place (score 9)",
    )
    # Uploaded once: a PNG of the chart's size.
    assert photo.photo_size is not None
    [file_id] = {photo.message["photo"][-1]["file_id"]}
    data = fake.file_bytes(file_id)
    assert data is not None
    assert Image.open(io.BytesIO(data)).size == SIZE_PX

    # The same timeline asked in General, then for the place: the chart by its file id.
    again = await _ask(fake, "/timeline envoy 3", None, 2)
    assert again[1].method == "sendPhoto" and again[1].photo_size is None
    assert again[1].message["photo"][-1]["file_id"] == file_id
    assert again[0].message.get("message_thread_id") is None

    baku = await _ask(fake, "/timeline Баку 3", topic, 2)
    # The place's own events: the landing there, not the takeoff elsewhere.
    _order(
        baku[0].plain_text or "",
        "Timeline of Baku",
        "heading for Baku",
        "landed at Baku",
        TITLE,
        "🔗",
        "first place",
    )
    assert "took off" not in (baku[0].plain_text or "")
    assert baku[1].photo_size is not None  # another subject, another chart

    # An airport that is no venue, by its ICAO code: its flights alone.
    vnukovo = (await _ask(fake, "/timeline uuww 3", topic, 2))[0].plain_text or ""
    _order(vnukovo, "Timeline of Vnukovo", "(VKO), last 3 days", "took off from Moscow (VKO)")
    assert "landed" not in vnukovo and TITLE not in vnukovo


async def test_timeline_answers_in_russian_and_azerbaijani_and_refuses_bad_input(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    async def ask(text: str, language: str, n: int = 1) -> str:
        """The first answer's text, once all `n` answers (a timeline: text and chart) came."""
        before = len(fake.sent_to(OTHER))
        fake.user_message(OTHER, text, language_code=language)
        sent = await fake.wait_for_messages(OTHER, before + n, timeout=30)
        return sent[before].plain_text or ""

    await ask("/lang ru", "ru")  # Moscow time by default
    # An inflected name resolves like /status; nothing stored for him is said so.
    shown = await ask("/timeline Уиткоффа 3", "ru")
    assert shown.startswith("Стив Уиткофф: за последние 3 дня ничего не произошло"), shown
    shown = await ask("/timeline Зюзюкин 3", "ru")
    assert "Не нашёл человека, самолёт или место по запросу «Зюзюкин»" in shown
    shown = await ask("/timeline envoy 3", "ru", 2)
    assert "Хронология: Демо-посланник, последние 3 дня" in shown
    _order(shown, "01:54 по местному времени (Москва)", "вылет: Москва (VKO)", "посадка: Баку")
    assert "Число дней должно быть целым числом от 1 до 90" in await ask("/timeline envoy 0", "ru")
    await ask("/lang az", "az")
    await ask("/tz Asia/Baku", "az")
    shown = await ask("/timeline Bakı 3", "az", 2)
    _order(
        shown,
        "Xronologiya: Bakı, son 3 gün",
        "Bakı vaxtı ilə 06:30 (02:30 UTC) — eniş: Bakı (GYD)",
        TITLE,
        "Bakı: birinci yerə çıxdı",
    )
    assert "Gün sayı 1-dən 90-a qədər tam ədəd olmalıdır" in await ask("/timeline Bakı 500", "az")
    assert "heç nə baş verməyib" in await ask("/timeline Bakı 1", "az")


@pytest.mark.parametrize(
    ("language", "line"),
    [
        (
            "en",
            "/timeline who|place [days] — Flights, statements and venue changes in time order, "
            "as text and a chart",
        ),
        (
            "ru",
            "/timeline who|place [days] — Полёты, заявления и изменения мест встреч по времени, "
            "текстом и диаграммой",
        ),
        (
            "az",
            "/timeline who|place [days] — Uçuşlar, bəyanatlar və məkan dəyişiklikləri zaman "
            "sırası ilə, mətn və diaqram kimi",
        ),
    ],
)
async def test_help_lists_timeline_in_the_chats_language(
    fake: FakeBotAPI, app: SummitApp, language: str, line: str
) -> None:
    fake.user_message(OTHER, "/help", language_code=language)
    [reply] = await fake.wait_for_messages(OTHER, 1)
    assert line in (reply.plain_text or "").split("\n")


async def test_a_chart_file_id_refused_by_telegram_is_uploaded_again_and_replaced(
    sqlite_url: str,
) -> None:
    chat = 7177

    async def timeline(server: FakeBotAPI) -> Sent:
        server.limits_enabled = False
        server.user_message(chat, "/timeline envoy 3")
        # A chat's updates are handled in order: once /tz is answered, the timeline's
        # handler has finished (and kept the chart's file id).
        server.user_message(chat, "/tz")
        return (await server.wait_for_messages(chat, 3, timeout=30))[1]

    async with (
        FakeBotAPI(token="123456:TEST-token-for-e2e") as first,
        running_bot(bot_settings(first, sqlite_url), clock=lambda: NOW) as bot,
    ):
        await _history(bot)
        uploaded = await timeline(first)
    assert uploaded.photo_size is not None
    # Another server does not know that id (a file id of another bot, or one Telegram
    # dropped): the chart is drawn and uploaded again, and its new id kept.
    async with (
        FakeBotAPI(token="123456:TEST-token-for-e2e") as second,
        running_bot(bot_settings(second, sqlite_url), clock=lambda: NOW) as bot,
    ):
        again = await timeline(second)
        async with services_of(bot).sessions() as session:
            [row] = (await session.exec(select(PictureFile))).all()
    assert again.method == "sendPhoto" and again.photo_size is not None
    refused = [r for r in second.requests if r.method == "sendPhoto" and r.status == 400]
    assert [r.description for r in refused] == [
        "Bad Request: wrong file identifier/HTTP URL specified"
    ]
    assert row.file_id == again.message["photo"][-1]["file_id"]
