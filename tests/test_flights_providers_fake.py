"""The fake ADS-B server itself, seen with a bare HTTP client: envelope and field shapes,
the timeline, lookups, keys, tokens, rate limits, fault reproducibility and masking."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.fakes.adsb import FAULT_KINDS, FakeADSB

T0 = 1_767_000_000.0


@pytest.fixture
async def fake() -> AsyncIterator[FakeADSB]:
    async with FakeADSB() as server:
        server.set_time(T0)
        server.load_track(
            "ff1001",
            [
                (T0 - 100, 40.0, 49.0, 5000, 250, 10.0, 2000, "7700"),
                (T0 - 3, 40.1, 49.1, 6000, 260, 12.0, 1800, "7700"),
            ],
            callsign="DEMO51",
            registration="DEMO51",
            type_code="GLF6",
        )
        server.load_track("ff1002", [(T0 - 70, 41.0, 50.0, "ground", 2, None, None, None)])
        server.load_track("ff1003", [(T0 - 400, 42.0, 51.0, 30000, 400, 0.0, 0, "2000")])
        yield server


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _get(http: aiohttp.ClientSession, url: str, **kwargs: Any) -> tuple[int, Any]:
    async with http.get(url, **kwargs) as answer:
        body = await answer.read()
        return answer.status, json.loads(body) if body else None


async def test_readsb_envelope_and_fields(fake: FakeADSB, http: aiohttp.ClientSession) -> None:
    status, envelope = await _get(http, fake.root_url + "/v2/hex/FF1001,ff1002,ff1003,ff1004")

    assert status == 200
    assert list(envelope) == ["ac", "msg", "now", "total", "ctime", "ptime"]
    assert (envelope["msg"], envelope["now"], envelope["total"]) == ("No error", T0 * 1000, 2)
    live, stale = envelope["ac"]  # ff1003 is gone after 300 s, ff1004 is unknown
    assert next(iter(live)) == "hex"
    assert {k: live[k] for k in ("hex", "flight", "r", "t", "alt_baro", "gs", "squawk")} == {
        "hex": "ff1001",
        "flight": "DEMO51  ",
        "r": "DEMO51",
        "t": "GLF6",
        "alt_baro": 6000,
        "gs": 260.0,
        "squawk": "7700",
    }
    assert (live["seen_pos"], live["emergency"], live["baro_rate"]) == (3.0, "general", 1800)
    # 70 s old: only lastPosition, as readsb does after 60 s; ground has no baro_rate.
    assert "lat" not in stale and stale["lastPosition"]["seen_pos"] == 70.0
    assert stale["alt_baro"] == "ground" and "baro_rate" not in stale


async def test_a_provider_without_comma_lists_matches_nothing(http: aiohttp.ClientSession) -> None:
    async with FakeADSB(comma_lists=False) as fake:
        fake.set_position("ff1001", 40.0, 49.0, 1000)
        _, listed = await _get(http, fake.base_url("adsb.fi") + "/v2/hex/ff1001,ff1002")
        _, single = await _get(http, fake.base_url("adsb.fi") + "/v2/hex/ff1001")
    assert (listed["total"], single["total"]) == (0, 1)


async def test_lookups_by_registration_and_callsign(
    fake: FakeADSB, http: aiohttp.ClientSession
) -> None:
    _, by_reg = await _get(http, fake.root_url + "/v2/registration/demo51/")
    _, by_callsign = await _get(http, fake.root_url + "/api/v2/callsign/DEMO51")
    _, nobody = await _get(http, fake.root_url + "/v2/reg/DEMO99")
    assert [a["hex"] for a in by_reg["ac"]] == ["ff1001"]
    assert [a["hex"] for a in by_callsign["ac"]] == ["ff1001"]
    assert nobody["ac"] == [] and nobody["total"] == 0


async def test_opensky_states_and_null_when_nothing_matches(
    fake: FakeADSB, http: aiohttp.ClientSession
) -> None:
    _, found = await _get(http, fake.base_url("opensky") + "/states/all?icao24=ff1001&extended=1")
    _, stale = await _get(http, fake.base_url("opensky") + "/states/all?icao24=ff1002")
    _, none = await _get(http, fake.base_url("opensky") + "/states/all?icao24=ff1099")

    [state] = found["states"]
    assert found["time"] == T0 and len(state) == 18
    assert state[:5] == ["ff1001", "DEMO51  ", "Unknown", T0 - 3, T0 - 3]
    assert state[7] == pytest.approx(6000 * 0.3048) and state[8] is False
    assert state[9] == pytest.approx(260 * 1852 / 3600, abs=0.01)
    # 70 s without a position: time_position and the position are null.
    assert stale["states"][0][3] is None and stale["states"][0][5:7] == [None, None]
    assert none == {"time": T0, "states": None}


async def test_token_endpoint_rules(fake: FakeADSB, http: aiohttp.ClientSession) -> None:
    fake.opensky_clients = {"demo-client": "demo-secret"}
    token_url = fake.token_url

    async def post(form: dict[str, str]) -> tuple[int, Any]:
        async with http.post(token_url, data=form) as answer:
            return answer.status, await answer.json()

    granted = await post(
        {
            "grant_type": "client_credentials",
            "client_id": "demo-client",
            "client_secret": "demo-secret",
        }
    )
    wrong = await post(
        {"grant_type": "client_credentials", "client_id": "demo-client", "client_secret": "no"}
    )
    grant = await post({"grant_type": "password", "client_id": "demo-client"})

    assert granted[0] == 200 and granted[1]["token_type"] == "Bearer"
    assert granted[1]["expires_in"] == 1800
    assert wrong == (
        401,
        {
            "error": "unauthorized_client",
            "error_description": "Invalid client or Invalid client credentials",
        },
    )
    assert grant[0] == 400
    assert all("client_secret" not in r.form for r in fake.requests)
    bearer = {"Authorization": f"Bearer {granted[1]['access_token']}"}
    assert (await _get(http, fake.base_url("opensky") + "/states/all", headers=bearer))[0] == 200
    fake.expire_tokens()
    assert (await _get(http, fake.base_url("opensky") + "/states/all", headers=bearer))[0] == 401
    assert [r.headers.get("authorization") for r in fake.requests_to("opensky")] == [
        "Bearer ***",
        "Bearer ***",
    ]


async def test_readsb_rate_limit_answers_429_with_retry_after(
    fake: FakeADSB, http: aiohttp.ClientSession
) -> None:
    fake.readsb_rate_limit = (2, 10.0)
    statuses = []
    for _ in range(3):
        async with http.get(fake.root_url + "/v2/hex/ff1001") as answer:
            statuses.append((answer.status, answer.headers.get("Retry-After")))
    fake.advance(10)
    async with http.get(fake.root_url + "/v2/hex/ff1001") as answer:
        statuses.append((answer.status, answer.headers.get("Retry-After")))
    assert statuses == [(200, None), (200, None), (429, "10"), (200, None)]


async def test_injected_faults_are_reproducible(http: aiohttp.ClientSession) -> None:
    kinds = [k for k in FAULT_KINDS if k != "timeout"]
    runs = []
    for _ in range(2):
        async with FakeADSB() as fake:
            fake.oversized_bytes = 4096
            fake.inject_faults(0.6, kinds, seed=3, api="readsb")
            for _ in range(25):
                async with http.get(fake.root_url + "/v2/hex/ff1001") as answer:
                    await answer.read()
            runs.append([r.fault for r in fake.requests])
    assert runs[0] == runs[1]
    assert len({f for f in runs[0] if f}) >= 5


def test_unknown_fault_kinds_are_refused() -> None:
    fake = FakeADSB()
    with pytest.raises(ValueError, match="unknown fault kind"):
        fake.fail_next("418")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no sense on the token endpoint"):
        fake.fail_next("empty_ac", api="token")
