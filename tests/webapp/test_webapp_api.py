"""The Mini App's API through real HTTP: Telegram's initData checked, access as for commands,
the fleet, an aircraft, statements, venues and live updates with their provenance."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from bot.runtime.app import SummitApp
from tests.fakes.adsb import FakeADSB
from tests.fakes.telegram_api import FakeBotAPI
from tests.webapp_fixtures import (
    AIRBORNE_HEX,
    HOSTILE_TITLE,
    NOW,
    TOKEN,
    USER_ID,
    WEBAPP_URL,
    cruise,
    init_data,
    poll_at,
    webapp_bot,
)

# The tests that only read share one bot (its start and flight polls are most of a test's
# CPU): one store, one event loop for the module, all on one xdist worker.
SHARED_LOOP = pytest.mark.asyncio(loop_scope="module")
SHARED_WORKER = pytest.mark.xdist_group("webapp-reads")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def served_once(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[SummitApp, str, FakeBotAPI]]:
    """The bot serving the Mini App for the tests that change nothing: (app, URL, fake)."""
    store = tmp_path_factory.mktemp("webapp-reads") / "bot.db"
    async with FakeBotAPI(token=TOKEN) as fake, FakeADSB() as adsb:
        fake.limits_enabled = False  # as the `fake` fixture: these tests are about the app
        async with webapp_bot(fake, adsb, f"sqlite+aiosqlite:///{store}") as (app, base):
            yield app, base, fake


async def _get(base: str, path: str, init: str | None) -> tuple[int, dict[str, str], bytes]:
    headers = {"Authorization": f"tma {init}"} if init is not None else {}
    async with aiohttp.ClientSession() as client, client.get(base + path, headers=headers) as r:
        return r.status, dict(r.headers), await r.read()


@SHARED_LOOP
@SHARED_WORKER
async def test_valid_init_data_gets_the_fleet_with_provenance(
    served_once: tuple[SummitApp, str, FakeBotAPI], caplog: pytest.LogCaptureFixture
) -> None:
    _app, base, _fake = served_once
    caplog.set_level(logging.DEBUG)
    init = init_data(TOKEN)
    status, headers, body = await _get(base, "/api/fleet", init)
    assert status == 200
    fleet = json.loads(body)
    by_hex = {a["hex"]: a for a in fleet["aircraft"]}
    landed, flying = by_hex["ffa001"], by_hex[AIRBORNE_HEX]
    assert landed["state"] == "on_ground"
    assert landed["airport"]["icao"] == "UBBB"
    assert landed["people"][0]["person"] == "witkoff"
    assert landed["people"][0]["confidence"] == "believed"
    assert flying["state"] == "airborne"
    assert flying["position"]["heading"] == 135.0
    assert flying["position"]["alt_ft"] == 37000
    assert flying["position"]["callsign"] == "AZAL01"
    assert flying["position"]["source"] == "adsb.lol"
    assert flying["operator"] == "Gov of Azerbaijan"
    assert flying["people"][0] | {"name": "?"} == flying["people"][0] | {"name": "?"}
    assert flying["people"][0]["confidence"] == "confirmed"
    assert fleet["as_of"] is not None
    # Neither the token nor the initData is in the answer or the log.
    for secret in (TOKEN, init):
        assert secret not in body.decode()
        assert secret not in caplog.text
    assert "script-src 'self'" in headers["Content-Security-Policy"]


@pytest.mark.parametrize("case", ["changed byte", "stale", "no hash", "other bot", "no header"])
@SHARED_LOOP
@SHARED_WORKER
async def test_forged_missing_or_stale_init_data_is_401(
    served_once: tuple[SummitApp, str, FakeBotAPI], case: str
) -> None:
    _app, base, _fake = served_once
    init: str | None = init_data(TOKEN)
    if case == "changed byte":
        assert init is not None
        init = init.replace("Ana", "Anb")
    elif case == "stale":
        init = init_data(TOKEN, auth_date=NOW - timedelta(seconds=3601))
    elif case == "no hash":
        assert init is not None
        init = "&".join(p for p in init.split("&") if not p.startswith("hash="))
    elif case == "other bot":
        init = init_data("654321:ANOTHER-bots-token")
    else:
        init = None
    for path in ("/api/fleet", "/api/session", "/api/venues", "/api/live"):
        status, _headers, body = await _get(base, path, init)
        assert status == 401, (case, path)
        assert json.loads(body) == {"error": "unauthorized"}


async def test_a_user_outside_allowed_chats_sees_nothing(
    fake: FakeBotAPI, adsb: FakeADSB, sqlite_url: str
) -> None:
    group = -1001234
    fake.set_member_status(group, 999, "left")
    fake.set_member_status(group, 555, "member")
    async with webapp_bot(
        fake,
        adsb,
        sqlite_url,
        SUMMITWATCH_ALLOWED_CHATS=f"{USER_ID},{group}",
        SUMMITWATCH_WEBAPP_TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png",
    ) as (
        _app,
        base,
    ):
        outsider = init_data(TOKEN, user_id=999, language="ru")
        for path in ("/api/fleet", "/api/statements", "/api/aircraft/ffa001", "/api/live"):
            status, _h, body = await _get(base, path, outsider)
            assert status == 403
            assert json.loads(body) == {
                "error": "forbidden",
                "message": "Извините, этот бот работает только для своей команды "
                "и недоступен в этом чате.",
            }
        assert (await _get(base, "/api/fleet", init_data(TOKEN)))[0] == 200
        # A deployment's tile server: the page is told, and the policy lets images come from it.
        status, headers, body = await _get(base, "/api/session", init_data(TOKEN))
        assert json.loads(body)["tile_url"] == "https://tiles.example.org/{z}/{x}/{y}.png"
        assert (
            "img-src 'self' data: https://tiles.example.org;" in headers["Content-Security-Policy"]
        )
        # A member of an allowed group, as Telegram's getChatMember says.
        assert (await _get(base, "/api/fleet", init_data(TOKEN, user_id=555)))[0] == 200


@SHARED_LOOP
@SHARED_WORKER
async def test_aircraft_track_and_flights_in_local_time_and_utc(
    served_once: tuple[SummitApp, str, FakeBotAPI],
) -> None:
    _app, base, _fake = served_once
    status, _h, body = await _get(base, "/api/aircraft/ffa001", init_data(TOKEN, language="ru"))
    assert status == 200
    detail = json.loads(body)
    # The flight as the bot's poll kept it, taxi to taxi.
    assert len(detail["track"]) > 20
    assert detail["track"][0][3] is True and detail["track"][-1][3] is True
    assert max(point[2] or 0 for point in detail["track"]) == 39000
    assert detail["track_source"] == "adsb.lol"
    flight = detail["flights"][0]
    assert flight["from"] == "UUWW" and flight["to"] == "UBBB"
    assert "01:54" in flight["text"] and "22:54 UTC" in flight["text"]
    assert "Баку" in flight["text"]
    assert detail["state_text"].startswith("🅿️ На земле")
    missing = await _get(base, "/api/aircraft/abcdef", init_data(TOKEN))
    assert missing[0] == 404
    assert (await _get(base, "/api/aircraft/..%2Fx", init_data(TOKEN)))[0] == 404


@SHARED_LOOP
@SHARED_WORKER
async def test_session_strings_venues_and_statements(
    served_once: tuple[SummitApp, str, FakeBotAPI],
) -> None:
    _app, base, _fake = served_once
    for language, word in (("en", "Venues"), ("ru", "Места встреч"), ("az", "Məkanlar")):
        status, _h, body = await _get(base, "/api/session", init_data(TOKEN, language=language))
        assert status == 200
        session = json.loads(body)
        assert session["locale"] == language
        assert session["strings"]["venues"] == word
        assert session["tile_url"] is None
    status, _h, body = await _get(base, "/api/venues", init_data(TOKEN))
    venues = json.loads(body)["venues"]
    assert venues and venues[0]["rank"] == 1
    reasons = [r["text"] for v in venues for r in v["reasons"]]
    # Plain text, as the renderers word it: no markup, no entity left to decode.
    assert all(text and "<b>" not in text and "&lt;" not in text for text in reasons)
    status, _h, body = await _get(base, "/api/statements", init_data(TOKEN))
    (statement,) = json.loads(body)["statements"]
    # Sent as the source wrote it: the page sets it as text, never as HTML.
    assert statement["title"] == HOSTILE_TITLE
    assert statement["url"] == "https://feeds.example.org/kremlin/1"
    assert statement["source"] == "kremlin-en" and statement["official"] is True
    assert statement["time"] == (NOW - timedelta(hours=3)).isoformat()
    assert statement["mentions"] == ["aliyev", "baku"]


async def _next_event(response: aiohttp.ClientResponse) -> dict[str, Any]:
    """The next `update` event's data (comments and heartbeats skipped)."""
    name = b""
    while True:
        line = await response.content.readline()
        if line.startswith(b"event: "):
            name = line.removeprefix(b"event: ").strip()
        elif line.startswith(b"data: ") and name == b"update":
            data: dict[str, Any] = json.loads(line.removeprefix(b"data: "))
            return data


async def test_live_update_arrives_as_a_server_sent_event(
    served: tuple[SummitApp, str], adsb: FakeADSB
) -> None:
    app, base = served
    headers = {"Authorization": f"tma {init_data(TOKEN)}"}
    async with (
        aiohttp.ClientSession() as client,
        client.get(base + "/api/live", headers=headers) as response,
    ):
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/event-stream")
        assert await response.content.readline() == b": connected\n"
        # The provider reports the jet a minute further on; the bot's poll stores it.
        (report,) = cruise(NOW - timedelta(minutes=10), 1, first=11)
        adsb.load_track(AIRBORNE_HEX, [report])
        await poll_at(app, adsb, [NOW + timedelta(minutes=1)])
        stamp = (NOW + timedelta(minutes=1)).isoformat()
        update: dict[str, Any] = {}
        # Batches already under way (the store's first rows) may come first.
        while not any(p["ts"] == stamp for p in update.get("positions", [])):
            update = await _next_event(response)
    mine = [p for p in update["positions"] if p["hex"] == AIRBORNE_HEX]
    assert mine == [
        {
            "hex": AIRBORNE_HEX,
            "lat": round(report[1], 5),
            "lon": round(report[2], 5),
            "alt_ft": 37000,
            "heading": 135.0,
            "on_ground": False,
            "callsign": "AZAL01",
            "ts": stamp,
            "source": "adsb.lol",
        }
    ]
    assert update["as_of"] == stamp


@SHARED_LOOP
@SHARED_WORKER
async def test_page_and_assets_are_served_with_a_strict_policy(
    served_once: tuple[SummitApp, str, FakeBotAPI],
) -> None:
    _app, base, fake = served_once
    status, headers, body = await _get(base, "/", None)
    assert status == 200
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "'unsafe-inline'" not in csp
    assert b'<script src="static/app.js"' in body and b"<script>" not in body
    assert (await _get(base, "/static/app.js", None))[0] == 200
    assert (await _get(base, "/static/..%2F__init__.py", None))[0] == 404
    status, headers, body = await _get(base, "/basemap.json", None)
    assert status == 200 and "GSHHG" in json.loads(body)["attribution"]
    assert fake.menu_buttons[""] == {
        "type": "web_app",
        "text": "Map",
        "web_app": {"url": WEBAPP_URL},
    }
