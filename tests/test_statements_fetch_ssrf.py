"""The SSRF guard: `check_url` refusals, table-driven, and the guarded session refusing
redirects and DNS answers to private addresses over real HTTP to the fake feed server."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime

import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.net.guarded_http import new_guarded_session
from bot.net.ssrf import AddressPolicy, check_url
from bot.statements.fetch import FeedFetcher, FetchStatus
from bot.statements.sources import FeedTarget
from tests.fakes.feeds import FakeFeeds

PUBLISHED = datetime(2026, 7, 11, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/feed", "127.0.0.1 is a loopback address"),
        ("http://127.0.0.1:8080/feed", "127.0.0.1 is a loopback address"),
        ("http://10.1.2.3/feed", "10.1.2.3 is a private address"),
        ("http://172.16.5.4/feed", "172.16.5.4 is a private address"),
        ("http://192.168.1.1/feed", "192.168.1.1 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a cloud metadata address"),
        ("http://169.254.1.1/", "169.254.1.1 is a link-local address"),
        ("http://100.64.0.1/", "100.64.0.1 is a non-public address"),
        ("http://0.0.0.0/", "0.0.0.0 is an unspecified address"),
        ("http://224.0.0.1/", "224.0.0.1 is a multicast address"),
        ("http://240.0.0.1/", "240.0.0.1 is a reserved address"),
        ("http://[::1]/feed", "::1 is a loopback address"),
        ("http://[fd00:ec2::254]/", "fd00:ec2::254 is a cloud metadata address"),
        ("http://[fd12:3456::1]/", "fd12:3456::1 is a private address"),
        ("http://[fe80::1]/", "fe80::1 is a link-local address"),
        (
            "http://[::ffff:127.0.0.1]/",
            "::ffff:7f00:1 is a loopback address (IPv4 127.0.0.1 inside IPv6)",
        ),
        (
            "http://[::ffff:169.254.169.254]/",
            "::ffff:a9fe:a9fe is a cloud metadata address (IPv4 169.254.169.254 inside IPv6)",
        ),
        ("http://[64:ff9b::a00:1]/", "a private address (IPv4 10.0.0.1 inside IPv6)"),
        ("http://[2002:7f00:1::]/", "a loopback address (IPv4 127.0.0.1 inside IPv6)"),
        (
            "http://0x7f000001/",
            "'0x7f000001' is an IP address in a non-standard form (= 127.0.0.1)",
        ),
        (
            "http://2130706433/",
            "'2130706433' is an IP address in a non-standard form (= 127.0.0.1)",
        ),
        (
            "http://0177.0.0.1/",
            "'0177.0.0.1' is an IP address in a non-standard form (= 127.0.0.1)",
        ),
        ("http://127.1/", "'127.1' is an IP address in a non-standard form (= 127.0.0.1)"),
        ("http://localhost/feed", "'localhost' resolves to 127.0.0.1, a loopback address"),
        ("http://metadata.google.internal/", "'metadata.google.internal' is a cloud metadata host"),
        ("http://printer.local/", "'printer.local' is a local host name"),
        ("http://db.internal/", "'db.internal' is a local host name"),
        ("ftp://feeds.example/feed", "only http and https URLs are allowed, not 'ftp'"),
        ("file:///etc/passwd", "only http and https URLs are allowed, not 'file'"),
        ("http://user:secret@feeds.example/", "URLs with a user name or password are not allowed"),
        ("http://bad_host!/", "'bad_host!' is not a valid host name"),
        ("http:///feed", "the URL has no host"),
    ],
)
async def test_check_url_refuses(url: str, reason: str) -> None:
    refusal = await check_url(url)
    assert refusal is not None and refusal.endswith(reason), refusal


@pytest.mark.parametrize(
    "url", ["http://8.8.8.8/feed", "https://1.1.1.1:8443/x", "http://[2606:4700:4700::1111]/"]
)
async def test_check_url_admits_public_addresses(url: str) -> None:
    assert await check_url(url) is None


async def test_an_unresolvable_name_is_refused_with_the_reason() -> None:
    refusal = await check_url("http://no-such-host.invalid/feed")
    assert refusal is not None and refusal.startswith("cannot resolve 'no-such-host.invalid'")


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:8080/feed", True),
        ("http://10.1.2.3/feed", True),
        ("http://localhost/feed", True),
        ("http://169.254.169.254/latest/", False),
        ("http://[fd00:ec2::254]/", False),
        ("http://[::ffff:169.254.169.254]/", False),
        ("http://metadata.google.internal/", False),
        ("http://2130706433/", False),
    ],
)
async def test_allow_private_never_admits_cloud_metadata(url: str, allowed: bool) -> None:
    # Tests and the offline demo only: their fake servers listen on 127.0.0.1.
    assert (await check_url(url, allow_private=True) is None) is allowed


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:8080/feed", True),
        ("http://127.0.0.2/feed", False),
        ("http://10.1.2.3/feed", False),
        ("http://169.254.169.254/", False),
    ],
)
async def test_an_allow_list_admits_only_its_networks(url: str, allowed: bool) -> None:
    assert (await check_url(url, allow=["127.0.0.1/32"]) is None) is allowed


def test_a_bad_allow_list_entry_is_an_error() -> None:
    with pytest.raises(ValueError, match="does not appear to be an IPv4 or IPv6"):
        AddressPolicy.build(allow=["not-a-network"])


# ---------------------------------------------------------------- the guarded session


@pytest.fixture
async def fake() -> AsyncIterator[FakeFeeds]:
    async with FakeFeeds() as server:
        yield server


async def poll_once(fake: FakeFeeds, policy: AddressPolicy, url: str) -> tuple[str, str | None]:
    async with new_guarded_session(policy) as session:
        result = await FeedFetcher(session, timeout_s=2.0).poll(
            FeedTarget("src", "rss", url, "en"), force=True
        )
    assert result is not None
    return result.status.value, result.error


@pytest.mark.parametrize(
    ("location", "error"),
    [
        ("http://10.0.0.1/feed", "refused: 10.0.0.1 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "refused: 169.254.169.254 is a cloud"),
        ("http://[::1]:9/feed", "refused: ::1 is a loopback address"),
        ("http://0x7f000001/feed", "refused: '0x7f000001' is an IP address in a non-standard"),
        ("file:///etc/passwd", "redirect to a non-HTTP URL refused"),
    ],
)
async def test_a_redirect_to_a_barred_address_is_refused_before_it_is_followed(
    fake: FakeFeeds, location: str, error: str
) -> None:
    url = fake.add_feed("/feed", "rss")
    fake.fail_next("/feed", "redirect", location=location)
    status, message = await poll_once(fake, AddressPolicy.build(allow=["127.0.0.1"]), url)
    assert status == "failed"
    assert message is not None and message.startswith(error), message


async def test_a_redirect_to_the_metadata_address_is_refused_even_with_allow_private(
    fake: FakeFeeds,
) -> None:
    url = fake.add_feed("/feed", "rss")
    fake.fail_next("/feed", "redirect", location="http://169.254.169.254/latest/meta-data/")
    status, message = await poll_once(fake, AddressPolicy(allow_private=True), url)
    assert (status, message) == ("failed", "refused: 169.254.169.254 is a cloud metadata address")


async def test_a_redirect_within_allowed_addresses_is_followed(fake: FakeFeeds) -> None:
    fake.add_feed("/new", "rss")
    fake.add_item("/new", "Moved feed item", published=PUBLISHED)
    old = fake.add_feed("/old", "rss")
    fake.fail_next("/old", "redirect", location=fake.url("/new"))
    status, message = await poll_once(fake, AddressPolicy.build(allow=["127.0.0.1"]), old)
    assert (status, message) == ("ok", None)
    assert [r.path for r in fake.requests] == ["/old", "/new"]


async def test_the_fake_itself_is_refused_by_the_production_policy(fake: FakeFeeds) -> None:
    url = fake.add_feed("/feed", "rss")
    status, message = await poll_once(fake, AddressPolicy(), url)
    assert (status, message) == ("failed", "refused: 127.0.0.1 is a loopback address")
    assert fake.requests == []


class PlayedDNS(AbstractResolver):
    """aiohttp's resolver interface answering from a table, like a DNS server would."""

    def __init__(self, answers: dict[str, Sequence[str]]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.asked.append(host)
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=0,
            )
            for address in self.answers[host]
        ]

    async def close(self) -> None:
        return None


@pytest.mark.parametrize(
    ("addresses", "error"),
    [
        (["10.9.9.9"], "refused: 'feeds.example' resolves to 10.9.9.9, a private address"),
        (
            ["93.184.215.14", "127.0.0.1"],
            "refused: 'feeds.example' resolves to 127.0.0.1, a loopback address",
        ),
        (["fd00:ec2::254"], "refused: 'feeds.example' resolves to fd00:ec2::254, a cloud"),
    ],
)
async def test_a_name_resolving_to_a_barred_address_at_connection_time_is_refused(
    addresses: list[str], error: str
) -> None:
    # DNS rebinding: whatever the name resolved to when it was checked, the address
    # used for the connection is checked again.
    dns = PlayedDNS({"feeds.example": addresses})
    async with new_guarded_session(AddressPolicy(), resolver=dns) as session:
        result = await FeedFetcher(session, timeout_s=2.0).poll(
            FeedTarget("src", "rss", "http://feeds.example/feed", "en"), force=True
        )
    assert dns.asked == ["feeds.example"]
    assert result is not None and result.status is FetchStatus.FAILED
    assert result.error is not None and result.error.startswith(error), result.error


async def test_a_name_resolving_to_an_allowed_address_is_fetched(fake: FakeFeeds) -> None:
    url = fake.add_feed("/feed", "rss")
    fake.add_item("/feed", "Item", published=PUBLISHED)
    dns = PlayedDNS({"feeds.example": ["127.0.0.1"]})
    named = url.replace("127.0.0.1", "feeds.example")
    async with new_guarded_session(AddressPolicy.build(allow=["127.0.0.1"]), resolver=dns) as s:
        result = await FeedFetcher(s).poll(FeedTarget("src", "rss", named, "en"), force=True)
    assert result is not None and result.status is FetchStatus.OK
    assert fake.requests[0].headers["host"].startswith("feeds.example:")
