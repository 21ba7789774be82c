"""/export end to end: a document through the fake Bot API's sendDocument, read back."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.exports.document import MAX_ROWS, build
from bot.flights.store import record_flight_event
from bot.runtime.app import SummitApp
from storage.types import utcnow
from tests.alerting import BAKU, DEMO_HEX, VNUKOVO, landing_payload, subscribe_chats
from tests.e2e import bot_settings, running_bot, services_of
from tests.fakes.telegram_api import FakeBotAPI

CHAT = 6001


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token="123456:TEST-token-for-e2e") as server:
        yield server


@pytest.fixture
async def app(fake: FakeBotAPI, sqlite_url: str) -> AsyncIterator[SummitApp]:
    async with running_bot(bot_settings(fake, sqlite_url)) as application:
        yield application


async def _flights(app: SummitApp) -> None:
    """A takeoff from Vnukovo and, 3.5 h later, a landing in Baku, yesterday, alerted to a
    subscriber (so their alert payloads, with the people, are stored)."""
    await subscribe_chats(services_of(app).sessions, [(6999, "en")])
    takeoff = (utcnow() - timedelta(days=1)).replace(microsecond=0)
    landing = takeoff + timedelta(hours=3, minutes=36)
    async with services_of(app).sessions.begin() as session:
        for key, kind, ts, airport in (
            ("x:takeoff", "takeoff", takeoff, VNUKOVO),
            ("x:landing", "landing", landing, BAKU),
        ):
            payload = landing_payload(kind=kind, ts=ts.isoformat(), airport=airport)
            payload["provider"] = "readsb"
            await record_flight_event(
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
                payload=payload,
                person_slugs=["envoy"],
                now=utcnow(),
            )


async def _ask(fake: FakeBotAPI, text: str, language: str = "en") -> tuple[str, bytes | None]:
    before = len(await fake.wait_for_messages(CHAT, 0))
    fake.user_message(CHAT, text, language_code=language)
    sent = (await fake.wait_for_messages(CHAT, before + 1))[before]
    document = sent.message.get("document")
    data = fake.document_data(document["file_id"]) if document else None
    return sent.plain_text or "", data


async def test_export_sends_the_flights_as_json_and_csv_with_both_times(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    await _flights(app)
    await _ask(fake, "/lang ru", "ru")  # the chat's language gives its zone: Moscow
    caption, data = await _ask(fake, f"/export {DEMO_HEX} 3 json", "ru")
    assert data is not None
    assert "2" in caption and "Europe/Moscow" in caption
    body = json.loads(data)
    assert body["schema"] == "summitwatch.export/1"
    assert body["zone"] == "Europe/Moscow" and body["total"] == 2
    takeoff, landing = body["rows"]
    assert (takeoff["kind"], takeoff["airport_iata"], landing["airport_iata"]) == (
        "takeoff",
        "VKO",
        "GYD",
    )
    assert takeoff["ts_utc"].endswith("+00:00") and takeoff["ts_local"].endswith("+03:00")
    assert landing["airport_time"].endswith("+04:00")  # Baku's own time
    assert landing["people"] == "envoy (believed)" and landing["provider"] == "readsb"

    _, data = await _ask(fake, f"/export {DEMO_HEX}")
    assert data is not None
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row["kind"] for row in table] == ["takeoff", "landing"]
    assert table[1]["confidence"] == "confirmed"


async def test_export_answers_clearly_when_empty_unknown_or_malformed(
    fake: FakeBotAPI, app: SummitApp
) -> None:
    text, data = await _ask(fake, f"/export {DEMO_HEX} 2", "az")
    assert data is None and DEMO_HEX in text
    text, data = await _ask(fake, "/export zzzzqqq")
    assert data is None and "zzzzqqq" in text
    text, data = await _ask(fake, f"/export {DEMO_HEX} 9999")
    assert data is None and "/export witkoff 30 csv" in text
    text, data = await _ask(fake, "/export")
    assert data is None and "/export witkoff 30 csv" in text


def test_a_large_export_is_cut_to_its_newest_rows_and_says_so() -> None:
    rows = [{"n": n} for n in range(MAX_ROWS + 10)]
    exported = build(name="x", fmt="csv", columns=["n"], rows=rows, total=len(rows), header={})
    assert (exported.rows, exported.total) == (MAX_ROWS, MAX_ROWS + 10)
    assert exported.data.decode("utf-8-sig").splitlines()[1] == "10"
