"""OpenSky over real HTTP to the fake: anonymous and bearer-token use, the token's life
cycle (fetched once, reused, refreshed on expiry and after a 401), units, batching, 429."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from bot.flights.providers import (
    ClientCredentialsToken,
    FetchMalformed,
    FlightFetcher,
    Limits,
    OpenSkyClient,
    ProviderAuthError,
    profile_for,
)
from bot.flights.providers.profiles import MAX_URL_CHARS, with_limits
from bot.flights.reports import FPM_PER_MS, FT_PER_M, KT_PER_MS
from bot.net.http import FetchError, FetchTimeout, new_session
from tests.fakes.adsb import FakeADSB, FaultKind

FIXTURES = Path(__file__).parent / "data" / "flights" / "providers"
T0 = 1_767_000_000.0  # a multiple of 10: OpenSky's anonymous time grid
FAST = Limits(requests=1000, per_seconds=1.0, timeout_s=0.5, max_wait_s=1.0)
CLIENT_ID = "demo-client"
SECRET = "demo-secret-4c1e"


class Monotonic:
    """A monotonic clock for token expiry that the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def fake() -> AsyncIterator[FakeADSB]:
    async with FakeADSB(opensky_clients={CLIENT_ID: SECRET}) as server:
        server.set_time(T0)
        server.fault_timeout = 5.0
        server.load_track(
            "ff0f01",
            [
                (T0 - 4, 40.40, 49.90, 21000, 400, 80.0, 1000, "2000"),
                (T0 + 3, 40.41, 49.95, 21100, 401, 80.5, 1000, "2000"),
            ],
            callsign="DEMO41",
        )
        server.load_track("ff0f02", [(T0 - 8, 40.47, 50.05, "ground", 6, 180.0, None, "1000")])
        yield server


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with new_session() as http:
        yield http


def client(
    fake: FakeADSB, session: aiohttp.ClientSession, token: ClientCredentialsToken | None = None
) -> OpenSkyClient:
    profile = with_limits(profile_for("opensky", ""), FAST)
    return OpenSkyClient("opensky", fake.base_url("opensky"), session, profile, token=token)


def token_for(
    fake: FakeADSB,
    session: aiohttp.ClientSession,
    secret: str = SECRET,
    clock: Monotonic | None = None,
) -> ClientCredentialsToken:
    return ClientCredentialsToken(
        session, fake.token_url, CLIENT_ID, secret, clock=clock or Monotonic(), timeout_s=0.5
    )


async def test_anonymous_use_sends_no_token(fake: FakeADSB, session: aiohttp.ClientSession) -> None:
    answer = await client(fake, session).positions(["ff0f01", "ff0f02"])

    [request] = fake.requests
    assert request.query == (("icao24", "ff0f01"), ("icao24", "ff0f02"))
    assert "authorization" not in request.headers and request.authorized is None
    assert fake.requests_to("token") == []
    # ff0f02's last position is 8 s old and on the ground; both are within 15 s.
    assert [(r.hex, r.ts.timestamp(), r.on_ground) for r in answer.reports] == [
        ("ff0f01", T0 - 4, False),
        ("ff0f02", T0 - 8, True),
    ]


async def test_units_are_converted_from_the_fixture(
    fake: FakeADSB, session: aiohttp.ClientSession
) -> None:
    fake.respond_next("opensky", (FIXTURES / "opensky_states_mixed.json").read_bytes())

    answer = await client(fake, session).positions(
        ["ff0d01", "ff0d02", "ff0d03", "ff0d04", "ff0d05"]
    )

    # ff0d03 has no position in the last 15 s, ff0d04 a longitude as text, ff0d05 is
    # cut short; ff0d09 was not asked for.
    first, ground = answer.reports
    assert (first.hex, first.ts, first.callsign) == (
        "ff0d01",
        datetime.fromtimestamp(1766999998, UTC),
        "DEMO31",
    )
    assert (first.lat, first.lon, first.squawk) == (40.5521, 49.8123, "3321")
    assert first.alt_ft == round(1828.8 * FT_PER_M) == 6000
    assert first.gs_kt == pytest.approx(128.6 * KT_PER_MS)
    assert first.vrate_fpm == pytest.approx(-4.88 * FPM_PER_MS)
    assert (ground.hex, ground.on_ground, ground.alt_ft) == ("ff0d02", True, None)


async def test_the_token_is_fetched_once_and_reused(
    fake: FakeADSB, session: aiohttp.ClientSession
) -> None:
    token = token_for(fake, session)
    sky = client(fake, session, token)

    for _ in range(3):
        await sky.positions(["ff0f01"])

    [token_request] = fake.requests_to("token")
    assert token_request.form == {"grant_type": "client_credentials", "client_id": CLIENT_ID}
    states = fake.requests_to("opensky")
    assert [r.headers["authorization"] for r in states] == ["Bearer ***"] * 3
    assert all(r.authorized for r in states)
    assert (token.fetches, fake.tokens_issued) == (1, 1)


async def test_authenticated_answers_are_on_the_finer_time_grid(
    fake: FakeADSB, session: aiohttp.ClientSession
) -> None:
    fake.set_time(T0 + 7)  # anonymous: time T0 (10 s grid); with a token: T0 + 5

    anonymous = await client(fake, session).positions(["ff0f01"])
    signed_in = await client(fake, session, token_for(fake, session)).positions(["ff0f01"])

    assert [r.ts.timestamp() for r in anonymous.reports] == [T0 - 4]
    assert [r.ts.timestamp() for r in signed_in.reports] == [T0 + 3]


async def test_a_401_fetches_a_new_token_and_retries_once(
    fake: FakeADSB, session: aiohttp.ClientSession
) -> None:
    token = token_for(fake, session)
    sky = client(fake, session, token)
    await sky.positions(["ff0f01"])

    fake.expire_tokens()  # revoked server-side while our cache still trusts it
    answer = await sky.positions(["ff0f01"])

    statuses = [(r.status, r.authorized) for r in fake.requests_to("opensky")]
    assert statuses == [(200, True), (401, False), (200, True)]
    assert (token.fetches, fake.tokens_issued) == (2, 2)
    assert [r.hex for r in answer.reports] == ["ff0f01"]


async def test_the_token_is_renewed_before_it_expires(
    fake: FakeADSB, session: aiohttp.ClientSession
) -> None:
    fake.token_ttl = 300
    clock = Monotonic()
    token = token_for(fake, session, clock=clock)
    sky = client(fake, session, token)

    await sky.positions(["ff0f01"])
    clock.now += 269  # 300 s minus the 30 s margin not yet reached
    await sky.positions(["ff0f01"])
    clock.now += 2
    await sky.positions(["ff0f01"])

    assert token.fetches == 2
    assert all(r.status == 200 for r in fake.requests_to("opensky"))


async def test_a_401_with_a_fresh_token_is_an_auth_error(
    fake: FakeADSB, session: aiohttp.ClientSession
) -> None:
    fake.respond_next("opensky", b"", status=401)
    fake.respond_next("opensky", b"", status=401)

    with pytest.raises(ProviderAuthError, match="fresh token"):
        await client(fake, session, token_for(fake, session)).positions(["ff0f01"])
    assert len(fake.requests_to("token")) == 2


async def test_wrong_credentials_fail_the_provider_not_the_round(
    fake: FakeADSB, session: aiohttp.ClientSession
) -> None:
    sky = client(fake, session, token_for(fake, session, secret="not-the-secret"))
    flights = FlightFetcher([sky], lambda: datetime.fromtimestamp(T0, UTC))

    outcome = await flights.fetch(["ff0f01"])

    assert (outcome.provider_used, outcome.reports) == (None, [])
    assert flights.health("opensky").last_error == (
        "token endpoint refused the client credentials (HTTP 401)"
    )
    assert fake.requests_to("token")[0].authorized is False
    assert fake.requests_to("opensky") == []


@pytest.mark.parametrize(
    ("kind", "error", "reason"),
    [
        ("timeout", FetchTimeout, "token endpoint: no answer within 0.5s"),
        ("503", FetchError, "token endpoint: HTTP 503"),
        ("malformed_json", FetchMalformed, "token endpoint: answer is not JSON"),
    ],
)
async def test_token_endpoint_faults(
    fake: FakeADSB,
    session: aiohttp.ClientSession,
    kind: FaultKind,
    error: type[FetchError],
    reason: str,
) -> None:
    fake.fail_next(kind, api="token")

    with pytest.raises(error) as caught:
        await client(fake, session, token_for(fake, session)).positions(["ff0f01"])
    assert caught.value.reason == reason


async def test_exhausted_credits_back_off_for_the_stated_time(
    fake: FakeADSB, session: aiohttp.ClientSession
) -> None:
    fake.opensky_credits = 4  # one call without a bounding box
    fake.opensky_credit_reset_s = 3600
    flights = FlightFetcher(
        [client(fake, session)], lambda: datetime.fromtimestamp(T0, UTC), rng=random.Random(1)
    )

    first = await flights.fetch(["ff0f01"])
    second = await flights.fetch(["ff0f01"])

    assert first.provider_used == "opensky" and second.provider_used is None
    [ok, refused] = fake.requests_to("opensky")
    assert (ok.status, refused.status) == (200, 429)
    assert flights.next_try_at("opensky") == T0 + 3600


async def test_long_lists_are_split_into_requests_of_at_most_100(
    fake: FakeADSB, session: aiohttp.ClientSession
) -> None:
    hexes = [f"ff{n:04x}" for n in range(150)]

    await client(fake, session).positions(hexes)

    sizes = [len(r.query) for r in fake.requests_to("opensky")]
    assert sizes == [100, 50]
    assert [h for r in fake.requests_to("opensky") for h in r.ids] == hexes
    lengths = [len(fake.root_url + r.path) + 1 + 14 * len(r.query) for r in fake.requests]
    assert max(lengths) <= MAX_URL_CHARS
