"""FlightFetcher over real HTTP to fake providers: failover, backoff with Retry-After on an
injected clock, every fault kind, our own rate limit, health, and secrets kept out of logs."""

from __future__ import annotations

import logging
import random
import re
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime

import aiohttp
import pytest

from bot.flights.providers import (
    FlightFetcher,
    Limits,
    OpenSkyClient,
    Provider,
    ProviderHealth,
    ReadsbV2Client,
    profile_for,
)
from bot.flights.providers.opensky_auth import ClientCredentialsToken
from bot.flights.providers.profiles import with_limits
from bot.net.http import new_session
from tests.fakes.adsb import FAULT_KINDS, FakeADSB, FaultKind

T0 = 1_767_000_000.0
# 1 s: a loaded 2-core CI machine once took longer than 0.3 s to answer a local request.
FAST = Limits(requests=1000, per_seconds=1.0, timeout_s=1.0, max_wait_s=1.0, backoff_base_s=30.0)
KEY = "adsbx-key-never-in-logs-5be1"
SECRET = "opensky-secret-never-in-logs-77d0"


class Clock:
    """Wall-clock time the test moves by hand; the fakes read the same time."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return datetime.fromtimestamp(self.now, UTC)

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
async def first(clock: Clock) -> AsyncIterator[FakeADSB]:
    async with FakeADSB() as fake:
        fake.clock = lambda: clock.now
        fake.fault_timeout = 5.0
        _watch(fake)
        yield fake


@pytest.fixture
async def second(clock: Clock) -> AsyncIterator[FakeADSB]:
    async with FakeADSB() as fake:
        fake.clock = lambda: clock.now
        _watch(fake)
        yield fake


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with new_session() as http:
        yield http


def _watch(fake: FakeADSB) -> None:
    """Two synthetic jets that keep reporting for the whole test."""
    for hex_code, lat in (("ff0e01", 40.4), ("ff0e02", 41.4)):
        fake.load_track(
            hex_code,
            [
                (T0 - 5 + 10 * step, lat + step / 100, 49.9, 30000, 420, 90.0, 0, "2000")
                for step in range(1000)
            ],
            callsign=f"DEMO{hex_code[-1]}",
        )


def readsb(
    fake: FakeADSB,
    session: aiohttp.ClientSession,
    name: str,
    limits: Limits = FAST,
    api_key: str | None = None,
) -> ReadsbV2Client:
    base = fake.base_url(name)
    return ReadsbV2Client(
        name, base, session, with_limits(profile_for(name, base), limits), api_key=api_key
    )


def opensky(
    fake: FakeADSB, session: aiohttp.ClientSession, token: ClientCredentialsToken | None = None
) -> OpenSkyClient:
    profile = with_limits(profile_for("opensky", ""), FAST)
    return OpenSkyClient("opensky", fake.base_url("opensky"), session, profile, token=token)


def fetcher(providers: Sequence[Provider], clock: Clock) -> FlightFetcher:
    return FlightFetcher(providers, clock, rng=random.Random(5))


WATCHED = ["ff0e01", "FF0E02"]


async def test_the_first_provider_answers(
    first: FakeADSB, second: FakeADSB, session: aiohttp.ClientSession, clock: Clock
) -> None:
    lol, live = readsb(first, session, "adsb.lol"), readsb(second, session, "airplanes.live")

    outcome = await fetcher([lol, live], clock).fetch(WATCHED)

    assert outcome.provider_used == "adsb.lol"
    assert {(r.hex, r.provider) for r in outcome.reports} == {
        ("ff0e01", "adsb.lol"),
        ("ff0e02", "adsb.lol"),
    }
    assert [(u.name, u.kind, u.base_url) for u in outcome.health_updates] == [
        ("adsb.lol", "readsb", first.root_url)
    ]
    health = outcome.health_updates[0].health
    assert (health.last_success_at, health.consecutive_failures) == (clock(), 0)
    assert health.latency_ms is not None and health.latency_ms > 0
    assert second.requests == []


async def test_failover_from_a_failing_first_provider(
    first: FakeADSB, second: FakeADSB, session: aiohttp.ClientSession, clock: Clock
) -> None:
    first.fail_next("503")
    lol, live = readsb(first, session, "adsb.lol"), readsb(second, session, "airplanes.live")

    outcome = await fetcher([lol, live], clock).fetch(WATCHED)

    assert outcome.provider_used == "airplanes.live"
    assert {r.provider for r in outcome.reports} == {"airplanes.live"}
    assert len(outcome.reports) == 2
    failed, used = outcome.health_updates
    assert (failed.name, failed.health.last_error, failed.health.consecutive_failures) == (
        "adsb.lol",
        "HTTP 503",
        1,
    )
    assert failed.health.last_error_at == clock() and failed.health.last_success_at is None
    assert (used.name, used.health.consecutive_failures) == ("airplanes.live", 0)


async def test_retry_after_keeps_a_provider_skipped_until_it_passes(
    first: FakeADSB, second: FakeADSB, session: aiohttp.ClientSession, clock: Clock
) -> None:
    first.fail_next("429", retry_after=120)
    lol, live = readsb(first, session, "adsb.lol"), readsb(second, session, "airplanes.live")
    flights = fetcher([lol, live], clock)

    await flights.fetch(WATCHED)
    assert flights.next_try_at("adsb.lol") == T0 + 120  # longer than any jittered delay
    clock.advance(119)
    during = await flights.fetch(WATCHED)
    clock.advance(2)
    after = await flights.fetch(WATCHED)

    assert (during.provider_used, during.skipped) == ("airplanes.live", ["adsb.lol"])
    assert [u.name for u in during.health_updates] == ["airplanes.live"]
    assert (after.provider_used, after.skipped) == ("adsb.lol", [])
    assert len(first.requests) == 2  # nothing was sent while it was backing off
    assert flights.health("adsb.lol").consecutive_failures == 0
    assert flights.health("adsb.lol").last_error == "HTTP 429 (retry after 120s)"


async def test_backoff_grows_with_each_failure(
    first: FakeADSB, second: FakeADSB, session: aiohttp.ClientSession, clock: Clock
) -> None:
    first.fail_next("502", count=3)
    lol, live = readsb(first, session, "adsb.lol"), readsb(second, session, "airplanes.live")
    flights = fetcher([lol, live], clock)

    delays = []
    for _ in range(3):
        await flights.fetch(WATCHED)
        delays.append(flights.next_try_at("adsb.lol") - clock.now)
        clock.now = flights.next_try_at("adsb.lol") + 0.01

    # Jittered in [ceiling / 2, ceiling] with ceilings 30, 60, 120 s.
    assert 15 <= delays[0] <= 30 and 30 <= delays[1] <= 60 and 60 <= delays[2] <= 120
    assert flights.health("adsb.lol").consecutive_failures == 3
    assert len(first.requests) == 3


# The error text each fault leaves in the provider's health (None: a valid empty answer).
FAULT_ERRORS: dict[FaultKind, str | None] = {
    "timeout": r"^no answer within 1s$",
    "500": r"^HTTP 500$",
    "502": r"^HTTP 502$",
    "503": r"^HTTP 503$",
    "429": r"^HTTP 429 \(retry after 30s\)$",
    "malformed_json": r"^answer is not JSON \(application/json, \d+ bytes\)$",
    "html_200": r"^answer is not JSON \(text/html, \d+ bytes\)$",
    "empty_ac": None,
    "no_ac": r"no 'ac' list \(msg 'Service temporarily unavailable'\)|lacks 'time' or 'states'",
    "wrong_shape": r"'(ac|states)' is not a list",
    "oversized": r"^body of \d+ bytes is over the \d+ cap$",
}


def test_every_fault_kind_has_an_expectation() -> None:
    assert set(FAULT_ERRORS) == set(FAULT_KINDS)


@pytest.mark.parametrize("kind", FAULT_KINDS)
@pytest.mark.parametrize("failing", ["adsb.lol", "opensky"])
async def test_every_fault_kind_fails_over_without_a_crash(
    first: FakeADSB,
    second: FakeADSB,
    session: aiohttp.ClientSession,
    clock: Clock,
    kind: FaultKind,
    failing: str,
) -> None:
    if failing == "opensky":
        first.fail_next(kind, api="opensky")
        broken: Provider = opensky(first, session)
    else:
        first.fail_next(kind)
        broken = readsb(first, session, "adsb.lol")
    flights = fetcher([broken, readsb(second, session, "airplanes.live")], clock)

    outcome = await flights.fetch(WATCHED)

    expected = FAULT_ERRORS[kind]
    health = flights.health(failing)
    if expected is None:  # "nothing seen" is an answer: no failover, no failure
        assert (outcome.provider_used, outcome.reports) == (failing, [])
        assert health.consecutive_failures == 0 and health.last_success_at == clock()
        return
    assert outcome.provider_used == "airplanes.live"
    assert {r.provider for r in outcome.reports} == {"airplanes.live"}
    assert health.consecutive_failures == 1 and health.last_error_at == clock()
    assert health.last_error is not None and re.search(expected, health.last_error)
    assert [u.name for u in outcome.health_updates] == [failing, "airplanes.live"]


async def test_when_every_provider_fails_the_round_is_empty(
    first: FakeADSB, second: FakeADSB, session: aiohttp.ClientSession, clock: Clock
) -> None:
    first.fail_next("500")
    second.fail_next("html_200")
    lol, live = readsb(first, session, "adsb.lol"), readsb(second, session, "airplanes.live")

    outcome = await fetcher([lol, live], clock).fetch(WATCHED)

    assert (outcome.reports, outcome.provider_used) == ([], None)
    assert [(u.name, u.health.consecutive_failures) for u in outcome.health_updates] == [
        ("adsb.lol", 1),
        ("airplanes.live", 1),
    ]


async def test_no_slot_on_our_own_limiter_skips_without_a_failure(
    first: FakeADSB, second: FakeADSB, session: aiohttp.ClientSession, clock: Clock
) -> None:
    slow = Limits(requests=1, per_seconds=600, max_wait_s=0.05)
    lol, live = readsb(first, session, "adsb.lol", slow), readsb(second, session, "airplanes.live")
    flights = fetcher([lol, live], clock)

    one = await flights.fetch(WATCHED)
    two = await flights.fetch(WATCHED)

    assert one.provider_used == "adsb.lol"
    assert (two.provider_used, two.skipped) == ("airplanes.live", ["adsb.lol"])
    assert flights.health("adsb.lol").consecutive_failures == 0
    assert flights.next_try_at("adsb.lol") == 0.0


async def test_empty_and_malformed_watchlists(
    first: FakeADSB, session: aiohttp.ClientSession, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    flights = fetcher([readsb(first, session, "adsb.lol")], clock)

    nothing = await flights.fetch([])
    only_bad = await flights.fetch(["~ff0e01", "xyz"])
    mixed = await flights.fetch(["ff0e01", "nothex"])

    assert (nothing.provider_used, nothing.health_updates) == (None, [])
    assert (only_bad.provider_used, only_bad.health_updates) == (None, [])
    assert [r.hex for r in mixed.reports] == ["ff0e01"]
    assert [r.ids for r in first.requests] == [("ff0e01",)]
    assert "malformed ICAO hex" in caplog.text


async def test_stored_health_carries_on(
    first: FakeADSB, session: aiohttp.ClientSession, clock: Clock
) -> None:
    earlier = ProviderHealth(consecutive_failures=4, last_error="HTTP 502")
    first.fail_next("500")
    flights = FlightFetcher(
        [readsb(first, session, "adsb.lol")], clock, initial_health={"adsb.lol": earlier}
    )

    await flights.fetch(WATCHED)

    assert flights.health("adsb.lol").consecutive_failures == 5
    assert flights.health("adsb.lol").last_error == "HTTP 500"


async def test_random_faults_never_crash_and_never_mix_providers(
    first: FakeADSB, second: FakeADSB, session: aiohttp.ClientSession, clock: Clock
) -> None:
    kinds = [k for k in FAULT_KINDS if k != "timeout"]  # timeouts are covered above, slowly
    first.inject_faults(0.5, kinds, seed=11, api="readsb")
    second.inject_faults(0.3, kinds, seed=12, api="opensky")
    providers: list[Provider] = [readsb(first, session, "adsb.lol"), opensky(second, session)]
    flights = fetcher(providers, clock)

    used = []
    for _ in range(40):
        outcome = await flights.fetch(WATCHED)
        used.append(outcome.provider_used)
        assert all(r.provider == outcome.provider_used for r in outcome.reports)
        if outcome.provider_used is None:
            assert outcome.reports == []
        clock.advance(31)

    assert {"adsb.lol", "opensky"} <= set(used)
    assert len(first.requests) + len(second.requests) >= 40


async def test_keys_and_secrets_never_reach_the_logs(
    session: aiohttp.ClientSession, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with FakeADSB(api_key=KEY, opensky_clients={"demo-client": SECRET}) as fake:
        fake.clock = lambda: clock.now
        _watch(fake)
        token = ClientCredentialsToken(session, fake.token_url, "demo-client", SECRET)
        adsbx = readsb(fake, session, "adsbexchange", api_key=KEY)
        flights = fetcher([adsbx, opensky(fake, session, token)], clock)
        for kind in ("503", "html_200", "malformed_json", "429", "no_ac"):
            fake.fail_next(kind)
            fake.fail_next(kind, api="opensky")
            await flights.fetch(WATCHED)
            clock.advance(1000)
        # A revoked token and a failing token endpoint: logged, and still no secret.
        fake.fail_next("503")
        fake.expire_tokens()
        fake.fail_next("500", api="token")
        refused = await flights.fetch(WATCHED)
        clock.advance(1000)
        ok = await flights.fetch(WATCHED)
        readsb_requests = fake.requests_to("readsb")
        tokens = fake.issued_tokens

    assert refused.provider_used is None
    assert flights.health("opensky").last_error == "token endpoint: HTTP 500"
    assert ok.provider_used == "adsbexchange" and len(ok.reports) == 2
    assert all(r.headers["api-auth"] == "***" for r in readsb_requests)
    assert readsb_requests[-1].authorized is True
    assert tokens and "failed" in caplog.text  # the failures were logged ...
    for secret in (KEY, SECRET, *tokens):  # ... without a key, secret or token
        assert secret not in caplog.text
    for update in ok.health_updates:
        assert KEY not in (update.health.last_error or "")
