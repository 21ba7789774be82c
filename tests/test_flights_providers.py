"""Provider clients over real HTTP to the fake ADS-B server: paths, batching, keys, parsing,
caps and our own rate limit; the pure batching and profile helpers; building from Settings."""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.flights.providers import (
    FetchMalformed,
    Limits,
    OpenSkyClient,
    ProviderBusy,
    ReadsbV2Client,
    build_providers,
    profile_for,
)
from bot.flights.providers.batching import chunks, clean_hexes
from bot.flights.providers.pacing import round_wait_s
from bot.flights.providers.profiles import (
    MAX_URL_CHARS,
    OPENSKY_ACCOUNT_LIMITS,
    PROFILES,
    UnknownProviderError,
    with_limits,
)
from bot.flights.providers.readsb import hex_body_cap
from bot.flights.reports import PositionReport
from bot.kernel.config import ConfigError, load_settings
from bot.net.http import FetchError, FetchHTTPStatus, FetchTimeout, FetchTooLarge, new_session
from tests.fakes.adsb import FAULT_KINDS, FakeADSB, FaultKind

FIXTURES = Path(__file__).parent / "data" / "flights" / "providers"
T0 = 1_767_000_000.0  # 2025-12-29 09:20:00 UTC
NOW = datetime.fromtimestamp(T0, UTC)
FAST = Limits(requests=1000, per_seconds=1.0, timeout_s=1.0, max_wait_s=1.0)
KEY = "test-adsbx-key-0f3c9"


@pytest.fixture
async def fake() -> AsyncIterator[FakeADSB]:
    async with FakeADSB() as server:
        server.set_time(T0)
        server.fault_timeout = 5.0
        yield server


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with new_session() as http:
        yield http


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for name in (
        "SUMMITWATCH_FLIGHT_PROVIDERS",
        "SUMMITWATCH_ADSBEXCHANGE_API_KEY",
        "SUMMITWATCH_OPENSKY_CLIENT_ID",
        "SUMMITWATCH_OPENSKY_CLIENT_SECRET",
        "SUMMITWATCH_OPENSKY_TOKEN_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env
    yield


def readsb(
    fake: FakeADSB,
    session: aiohttp.ClientSession,
    name: str,
    *,
    api_key: str | None = None,
    limits: Limits = FAST,
) -> ReadsbV2Client:
    base = fake.base_url(name)
    profile = with_limits(profile_for(name, base), limits)
    return ReadsbV2Client(name, base, session, profile, api_key=api_key)


def synthetic_hexes(count: int) -> list[str]:
    return [f"ff{n:04x}" for n in range(count)]


# ------------------------------------------------------------------------ pure helpers


@pytest.mark.parametrize(
    ("given", "valid", "rejected"),
    [
        (["FF0A01", "ff0a01", " ff0a02 "], ["ff0a01", "ff0a02"], []),
        (["~ff0a03", "ff0a0", "ff0a0g", ""], [], ["~ff0a03", "ff0a0", "ff0a0g", ""]),
        (["ff0b02", "ff0a01"], ["ff0a01", "ff0b02"], []),
    ],
)
def test_clean_hexes(given: list[str], valid: list[str], rejected: list[str]) -> None:
    assert clean_hexes(given) == (valid, rejected)


@pytest.mark.parametrize(
    ("ids", "max_items", "max_chars", "expected"),
    [
        (["aa", "bb", "cc"], 2, 100, [["aa", "bb"], ["cc"]]),
        (["aa", "bb", "cc"], 10, 6, [["aa", "bb"], ["cc"]]),
        (["aaaaaaaa", "b"], 10, 4, [["aaaaaaaa"], ["b"]]),
        ([], 5, 5, []),
    ],
)
def test_chunks_respect_count_and_width(
    ids: list[str], max_items: int, max_chars: int, expected: list[list[str]]
) -> None:
    assert list(chunks(ids, max_items=max_items, max_chars=max_chars)) == expected


@pytest.mark.parametrize(
    ("name", "base_url", "profile"),
    [
        ("adsb.lol", "https://api.adsb.lol", "adsb.lol"),
        ("ADSB.fi", "https://opendata.adsb.fi/api", "adsb.fi"),
        ("airplanes.live", "https://api.airplanes.live", "airplanes.live"),
        ("adsbexchange", "https://gateway.adsbexchange.com/api/aircraft", "adsbexchange"),
        ("adsbexchange", "https://adsbexchange-com1.p.rapidapi.com", "adsbexchange-rapidapi"),
        ("adsbexchange-rapidapi", "http://127.0.0.1:9", "adsbexchange-rapidapi"),
        ("opensky", "https://opensky-network.org/api", "opensky"),
    ],
)
def test_the_name_picks_the_profile(name: str, base_url: str, profile: str) -> None:
    assert profile_for(name, base_url).name == profile


def test_unknown_provider_name_is_refused() -> None:
    with pytest.raises(UnknownProviderError, match=r"adsb\.one"):
        profile_for("adsb.one", "https://api.adsb.one")


# ------------------------------------------------------------------------ readsb clients


def _load_three(fake: FakeADSB) -> None:
    fake.load_track(
        "ff0a01",
        [
            (T0 - 40, 40.40, 49.90, 11000, 300, 90.0, 1200, "2000"),
            (T0 - 2.5, 40.41, 50.02, 12500, 310.4, 91.25, 1500, "2000"),
        ],
        callsign="DEMO1",
        registration="DEMO1",
        type_code="GLF6",
    )
    fake.load_track(
        "ff0a02",
        [(T0 - 12, 40.4675, 50.0466, "ground", 4.0, 270.0, None, "1000")],
        callsign="DEMO2",
        registration="DEMO2",
    )
    fake.load_track("ff0a03", [(T0 + 30, 41.0, 49.0, 9000, 250, 10.0, 0, "2000")])


@pytest.mark.parametrize("name", ["adsb.lol", "airplanes.live"])
async def test_several_hexes_go_in_one_request_and_parse(
    fake: FakeADSB, session: aiohttp.ClientSession, name: str
) -> None:
    _load_three(fake)
    answer = await readsb(fake, session, name).positions(["ff0a01", "ff0a02", "ff0a03"])

    [request] = fake.requests
    assert request.path == "/v2/hex/ff0a01,ff0a02,ff0a03"
    assert request.ids == ("ff0a01", "ff0a02", "ff0a03")
    assert answer.requests == 1
    # ff0a03's only position lies in the fake's future: not seen yet.
    assert answer.reports == [
        PositionReport(
            hex="ff0a01",
            ts=NOW - timedelta(seconds=2.5),
            lat=40.41,
            lon=50.02,
            alt_ft=12500,
            on_ground=False,
            gs_kt=310.4,
            track_deg=91.25,
            vrate_fpm=1500.0,
            squawk="2000",
            callsign="DEMO1",
            registration="DEMO1",
            type_code="GLF6",
            provider=name,
        ),
        PositionReport(
            hex="ff0a02",
            ts=NOW - timedelta(seconds=12),
            lat=40.4675,
            lon=50.0466,
            alt_ft=None,
            on_ground=True,
            gs_kt=4.0,
            track_deg=270.0,
            vrate_fpm=None,
            squawk="1000",
            callsign="DEMO2",
            registration="DEMO2",
            type_code=None,
            provider=name,
        ),
    ]


async def test_adsb_fi_asks_a_comma_list_on_its_icao_path(
    fake: FakeADSB, session: aiohttp.ClientSession
) -> None:
    # adsb.fi's README: `curl https://opendata.adsb.fi/api/v2/icao/461E1A,4ACA0B`.
    _load_three(fake)
    answer = await readsb(fake, session, "adsb.fi").positions(["ff0a01", "ff0a02"])

    assert [r.path for r in fake.requests] == ["/api/v2/icao/ff0a01,ff0a02"]
    assert [r.hex for r in answer.reports] == ["ff0a01", "ff0a02"]
    assert answer.requests == 1


async def test_long_watchlists_are_chunked_under_the_url_budget(
    fake: FakeADSB, session: aiohttp.ClientSession
) -> None:
    hexes = synthetic_hexes(600)
    for index, hex_code in enumerate(hexes):
        fake.set_position(hex_code, 40.0 + index / 1000, 49.0, 30000, age_s=1.0)

    answer = await readsb(fake, session, "adsb.lol").positions(hexes)

    assert len(fake.requests) == 3
    assert all(len(fake.root_url + r.path) <= MAX_URL_CHARS for r in fake.requests)
    assert [h for r in fake.requests for h in r.ids] == hexes
    assert sorted(r.hex for r in answer.reports) == hexes


async def test_the_position_time_follows_seen_pos_as_the_clock_moves(
    fake: FakeADSB, session: aiohttp.ClientSession
) -> None:
    _load_three(fake)
    client = readsb(fake, session, "adsb.lol")

    fake.advance(20)  # the last point of ff0a01 is now 22.5 s old; ff0a02's 32 s
    first = (await client.positions(["ff0a01", "ff0a02"])).reports
    fake.advance(45)  # ff0a02's point is 77 s old: readsb's lastPosition, not a report
    second = (await client.positions(["ff0a01", "ff0a02"])).reports

    assert [(r.hex, r.ts) for r in first] == [
        ("ff0a01", NOW - timedelta(seconds=2.5)),
        ("ff0a02", NOW - timedelta(seconds=12)),
    ]
    assert [r.hex for r in second] == []  # both older than 60 s
    fake.load_track("ff0a01", [(T0 + 64, 40.5, 50.3, 14000, 320, 92.0, 800, "2000")])
    third = (await client.positions(["ff0a01"])).reports
    assert [(r.hex, r.ts, r.alt_ft) for r in third] == [
        ("ff0a01", NOW + timedelta(seconds=64), 14000)
    ]


async def test_readsb_fixture_parses_tolerantly(
    fake: FakeADSB, session: aiohttp.ClientSession
) -> None:
    fake.respond_next("readsb", (FIXTURES / "readsb_v2_mixed.json").read_bytes())
    wanted = ["ff0c01", "ff0c02", "ff0c03", "ff0c04", "ff0c05", "ff0c06"]

    reports = (await readsb(fake, session, "adsb.lol").positions(wanted)).reports

    # ff0c04 (lat as text), ~ff0c05 (non-ICAO), ff0c06 (only lastPosition), the string
    # entry and the unrequested ff0c09 give nothing; wrong optional types become None.
    assert [(r.hex, r.ts) for r in reports] == [
        ("ff0c01", NOW - timedelta(seconds=0.4)),
        ("ff0c02", NOW - timedelta(seconds=12.5)),
        ("ff0c03", NOW - timedelta(seconds=1.0)),
    ]
    assert (reports[1].on_ground, reports[1].alt_ft) == (True, None)
    assert (reports[2].gs_kt, reports[2].squawk, reports[2].emergency) == (None, None, "general")
    assert (reports[0].registration, reports[0].type_code) == ("DEMO21", "GLF6")


async def test_an_aircraft_with_wrong_field_types_is_skipped_not_fatal(
    fake: FakeADSB, session: aiohttp.ClientSession
) -> None:
    _load_three(fake)
    fake.set_raw_aircraft("ff0a09", {"hex": "ff0a09", "lat": [1], "lon": {}, "seen_pos": "x"})

    reports = (await readsb(fake, session, "adsb.lol").positions(["ff0a01", "ff0a09"])).reports

    assert [r.hex for r in reports] == ["ff0a01"]


async def test_registration_and_callsign_lookups(
    fake: FakeADSB, session: aiohttp.ClientSession
) -> None:
    _load_three(fake)
    lol = readsb(fake, session, "adsb.lol")
    fi = readsb(fake, session, "adsb.fi")

    by_reg = await lol.by_registration("demo2")
    by_callsign = await fi.by_callsign("DEMO1")
    fi_reg = await fi.by_registration("DEMO1")

    assert [r.path for r in fake.requests] == [
        "/v2/reg/DEMO2",
        "/api/v2/callsign/DEMO1",
        "/api/v2/registration/DEMO1",
    ]
    assert [r.hex for r in by_reg] == ["ff0a02"]
    assert [r.hex for r in by_callsign] == ["ff0a01"]
    assert [r.hex for r in fi_reg] == ["ff0a01"]


async def test_adsbexchange_gateway_sends_api_auth_and_a_trailing_comma(
    session: aiohttp.ClientSession,
) -> None:
    async with FakeADSB(api_key=KEY, key_style="api-auth") as fake:
        fake.set_time(T0)
        _load_three(fake)
        answer = await readsb(fake, session, "adsbexchange", api_key=KEY).positions(["ff0a01"])
        [request] = fake.requests

        # Without the comma the gateway answers a bare aircraft object, not an envelope.
        async with session.get(
            fake.base_url("adsbexchange") + "/v2/hex/ff0a01", headers={"api-auth": KEY}
        ) as bare:
            bare_body = json.loads(await bare.read())

    assert request.path == "/api/aircraft/v2/hex/ff0a01,"
    assert request.headers["api-auth"] == "***"
    assert request.authorized is True
    assert [r.hex for r in answer.reports] == ["ff0a01"]
    assert bare_body["hex"] == "ff0a01" and "ac" not in bare_body


async def test_adsbexchange_via_rapidapi_sends_key_and_host(
    session: aiohttp.ClientSession,
) -> None:
    async with FakeADSB(api_key=KEY, key_style="rapidapi") as fake:
        fake.set_time(T0)
        _load_three(fake)
        client = readsb(fake, session, "adsbexchange-rapidapi", api_key=KEY)
        answer = await client.positions(["ff0a01", "ff0a02"])
        requests = list(fake.requests)

    assert [r.path for r in requests] == ["/v2/icao/ff0a01/", "/v2/icao/ff0a02/"]
    assert all(r.headers["x-rapidapi-key"] == "***" for r in requests)
    assert all(r.headers["x-rapidapi-host"] == r.headers["host"] for r in requests)
    assert all(r.authorized for r in requests)
    assert [r.hex for r in answer.reports] == ["ff0a01", "ff0a02"]


@pytest.mark.parametrize(("style", "status"), [("api-auth", 403), ("rapidapi", 401)])
async def test_a_wrong_key_is_an_http_error(
    session: aiohttp.ClientSession, style: str, status: int
) -> None:
    name = "adsbexchange" if style == "api-auth" else "adsbexchange-rapidapi"
    async with FakeADSB(api_key=KEY, key_style=style) as fake:  # type: ignore[arg-type]
        with pytest.raises(FetchHTTPStatus) as refused:
            await readsb(fake, session, name, api_key="wrong-key").positions(["ff0a01"])
        assert fake.requests[0].authorized is False
    assert refused.value.status == status


# Each fault, what the client raises (None: a valid, empty answer).
CLIENT_FAULTS: list[tuple[FaultKind, type[FetchError] | None]] = [
    ("timeout", FetchTimeout),
    ("500", FetchHTTPStatus),
    ("502", FetchHTTPStatus),
    ("503", FetchHTTPStatus),
    ("429", FetchHTTPStatus),
    ("malformed_json", FetchMalformed),
    ("html_200", FetchMalformed),
    ("empty_ac", None),
    ("no_ac", FetchMalformed),
    ("wrong_shape", FetchMalformed),
    ("oversized", FetchTooLarge),
]


def test_every_fault_kind_is_covered() -> None:
    assert {kind for kind, _ in CLIENT_FAULTS} == set(FAULT_KINDS)


@pytest.mark.parametrize(("kind", "error"), CLIENT_FAULTS)
@pytest.mark.parametrize("name", ["adsb.lol", "opensky"])
async def test_each_fault_is_one_narrow_error(
    fake: FakeADSB,
    session: aiohttp.ClientSession,
    kind: FaultKind,
    error: type[FetchError] | None,
    name: str,
) -> None:
    _load_three(fake)
    # A short timeout only where the fault is the provider's silence (the fake holds it
    # 5 s): the other answers come at once, but a loaded CI machine took over 0.3 s once.
    timeout_s = 0.3 if kind == "timeout" else 10.0
    fast = with_limits(profile_for(name, ""), Limits(requests=100, timeout_s=timeout_s))
    client: ReadsbV2Client | OpenSkyClient
    if name == "opensky":
        client = OpenSkyClient(name, fake.base_url(name), session, fast)
        fake.fail_next(kind, api="opensky", retry_after=42)
    else:
        client = ReadsbV2Client(name, fake.base_url(name), session, fast)
        fake.fail_next(kind, retry_after=42)

    if error is None:
        assert (await client.positions(["ff0a01"])).reports == []
        return
    with pytest.raises(error) as caught:
        await client.positions(["ff0a01"])
    if kind == "429":
        assert caught.value.retry_after == 42.0
    if kind in ("500", "502", "503", "429"):
        assert isinstance(caught.value, FetchHTTPStatus) and caught.value.status == int(kind)


async def test_the_body_cap_follows_the_number_of_hexes(
    fake: FakeADSB, session: aiohttp.ClientSession
) -> None:
    # A provider that ignores the filter and sends 64 KB for one hex is cut off; the
    # same answer for 20 hexes is within their cap.
    fake.oversized_bytes = 64 * 1024
    fake.fail_next("oversized", count=2)
    client = readsb(fake, session, "adsb.lol")

    with pytest.raises(FetchTooLarge):
        await client.positions(["ff0a01"])
    answer = await client.positions(synthetic_hexes(20))

    assert hex_body_cap(1) < 64 * 1024 < hex_body_cap(20)
    assert answer.reports == []  # the padding aircraft is not one we asked for


async def test_our_rate_limit_spaces_requests(
    fake: FakeADSB, session: aiohttp.ClientSession
) -> None:
    _load_three(fake)
    client = readsb(
        fake,
        session,
        "adsbexchange-rapidapi",
        limits=Limits(requests=1, per_seconds=0.2),
        api_key=KEY,
    )

    started = time.monotonic()
    await client.positions(["ff0a01", "ff0a02", "ff0a03"])
    elapsed = time.monotonic() - started

    assert len(fake.requests) == 3
    assert elapsed >= 0.35  # a slot every 0.2 s: the 2nd after ~0.2 s, the 3rd after ~0.4 s


async def test_no_slot_within_the_wait_means_busy_not_failed(
    fake: FakeADSB, session: aiohttp.ClientSession
) -> None:
    client = readsb(
        fake, session, "adsb.lol", limits=Limits(requests=1, per_seconds=60, max_wait_s=0.05)
    )
    await client.positions(["ff0a01"])

    with pytest.raises(ProviderBusy):
        await client.positions(["ff0a01"])
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    ("requests", "limits", "wait"),
    [
        (1, Limits(requests=1, per_seconds=1.0), 0.0),
        (25, Limits(requests=1, per_seconds=1.0), 24.0),
        (10, Limits(requests=4, per_seconds=2.0), 3.0),
        (2, Limits(requests=1, per_seconds=900.0), 900.0),
    ],
)
def test_round_wait(requests: int, limits: Limits, wait: float) -> None:
    assert round_wait_s(requests, limits) == wait


async def test_a_round_too_long_for_the_rate_is_skipped_before_sending(
    fake: FakeADSB, session: aiohttp.ClientSession
) -> None:
    # adsbexchange-rapidapi takes one hex per request at one request per second: 25
    # hexes would keep the round waiting over 20 s, longer than a round may take.
    client = readsb(
        fake, session, "adsbexchange-rapidapi", limits=PROFILES["adsb.fi"].limits, api_key=KEY
    )

    with pytest.raises(ProviderBusy, match="25 requests"):
        await client.positions(synthetic_hexes(25))
    assert fake.requests == []
    await client.positions(synthetic_hexes(1))  # a small round goes through
    assert len(fake.requests) == 1


# ------------------------------------------------------------------------ building


@pytest.mark.usefixtures("clean_env")
async def test_build_providers_keeps_order_and_picks_clients(
    session: aiohttp.ClientSession,
) -> None:
    settings = load_settings(
        SUMMITWATCH_FLIGHT_PROVIDERS=(
            "adsb.fi=https://opendata.adsb.fi/api/,adsb.lol=https://api.adsb.lol,"
            "adsbexchange=https://adsbexchange-com1.p.rapidapi.com,"
            "opensky=https://opensky-network.org/api"
        ),
        SUMMITWATCH_ADSBEXCHANGE_API_KEY=KEY,
    )

    providers = build_providers(settings, session)

    assert [(p.name, p.kind, p.base_url) for p in providers] == [
        ("adsb.fi", "readsb", "https://opendata.adsb.fi/api"),
        ("adsb.lol", "readsb", "https://api.adsb.lol"),
        ("adsbexchange", "readsb", "https://adsbexchange-com1.p.rapidapi.com"),
        ("opensky", "opensky", "https://opensky-network.org/api"),
    ]
    opensky = providers[3]
    assert isinstance(opensky, OpenSkyClient) and not opensky.authenticated
    assert opensky.limits == PROFILES["opensky"].limits
    rapid = providers[2]
    assert isinstance(rapid, ReadsbV2Client)
    assert rapid.hex_urls(["ff0a01"]) == [
        ("https://adsbexchange-com1.p.rapidapi.com/v2/icao/ff0a01/", ["ff0a01"])
    ]


@pytest.mark.usefixtures("clean_env")
async def test_opensky_with_credentials_gets_the_account_budget(
    session: aiohttp.ClientSession,
) -> None:
    settings = load_settings(
        SUMMITWATCH_FLIGHT_PROVIDERS="opensky=https://opensky-network.org/api",
        SUMMITWATCH_OPENSKY_CLIENT_ID="demo-client",
        SUMMITWATCH_OPENSKY_CLIENT_SECRET="demo-secret",
    )

    [opensky] = build_providers(settings, session)

    assert isinstance(opensky, OpenSkyClient) and opensky.authenticated
    assert opensky.limits == OPENSKY_ACCOUNT_LIMITS


@pytest.mark.usefixtures("clean_env")
@pytest.mark.parametrize(
    ("providers", "extra", "message"),
    [
        ("adsb.one=https://api.adsb.one", {}, "unknown flight provider 'adsb.one'"),
        ("adsb.lol=https://a.example,adsb.lol=https://b.example", {}, "listed twice"),
        (
            "adsbexchange=https://gateway.adsbexchange.com/api/aircraft",
            {},
            "SUMMITWATCH_ADSBEXCHANGE_API_KEY is not set",
        ),
        (
            "opensky=https://opensky-network.org/api",
            {"SUMMITWATCH_OPENSKY_CLIENT_ID": "demo-client"},
            "SUMMITWATCH_OPENSKY_CLIENT_SECRET is not set",
        ),
    ],
)
async def test_build_providers_refuses_bad_configuration(
    session: aiohttp.ClientSession, providers: str, extra: dict[str, str], message: str
) -> None:
    settings = load_settings(SUMMITWATCH_FLIGHT_PROVIDERS=providers, **extra)
    with pytest.raises(ConfigError, match=re.escape(message)):
        build_providers(settings, session)
