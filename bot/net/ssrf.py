"""Refuse URLs that would make the bot fetch from its own network (SSRF).

`/source add` lets a chat admin give the bot any URL, and the bot then fetches
it every few minutes. Without a check, "http://169.254.169.254/latest/meta-data/"
or "http://10.0.0.5:8080/admin" would be read from wherever the bot runs. So a
URL is refused unless it is http(s), names a host by a valid DNS name or a
canonical IP address, and every address that host resolves to is public.

Refused addresses: loopback, private (RFC 1918, unique-local), link-local,
multicast, reserved, unspecified, any other non-global range (shared CGNAT
space, benchmarking, documentation), and cloud metadata endpoints. IPv4 hidden
inside IPv6 (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible, NAT64 `64:ff9b::`,
6to4 `2002::`, Teredo) is unwrapped and judged as IPv4. Hosts spelled as a bare
number or in hex or octal ("2130706433", "0x7f000001", "0177.0.0.1", "127.1"),
which resolvers turn into addresses, are refused outright: no public feed is
named that way.

`allow_private=True` lifts the private-range checks (the tests' fake servers
and the offline demo listen on 127.0.0.1); `allow` lets chosen networks through
one by one, which is the narrower choice. Neither ever admits a cloud metadata
address. The check here resolves the name once; the fetcher's session repeats
the address check on every connection and every redirect (see
`bot.net.guarded_http`), so a name that resolves differently the second
time (DNS rebinding) or a redirect to a private address is refused too.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass

from yarl import URL

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Cloud instance metadata: AWS/GCP/Azure/OpenStack (169.254.169.254), AWS over IPv6,
# Alibaba Cloud, and Azure's WireServer, which sits in public address space.
METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "168.63.129.16")
)
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata.goog"})
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa")
_WEB_SCHEMES = frozenset({"http", "https"})
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_HOST_RE = re.compile(
    r"^(?=.{1,253}\.?$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$"
)
# A label a resolver reads as a number: decimal, 0x-hex or 0-octal.
_NUMERIC_LABEL_RE = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$")
DEFAULT_RESOLVE_TIMEOUT_S = 5.0


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries, if it is one of the wrappers."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64 or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _category(address: IPAddress) -> str | None:
    """The name of the non-public range an address is in, or None if public."""
    checks = (
        ("an unspecified", address.is_unspecified),
        ("a loopback", address.is_loopback),
        ("a link-local", address.is_link_local),
        ("a multicast", address.is_multicast),
        ("a reserved", address.is_reserved),
        ("a private", address.is_private),
        ("a non-public", not address.is_global),
    )
    return next((name for name, hit in checks if hit), None)


def _parse_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which addresses the bot may fetch from.

    Attributes:
        allow_private: admit every non-public address except cloud metadata
            (tests and the offline demo, whose fake servers are on 127.0.0.1).
            Never set it in production.
        allow: networks admitted even though they are not public (narrower
            than `allow_private`, e.g. `127.0.0.1/32` for one fake server).
    """

    allow_private: bool = False
    allow: tuple[IPNetwork, ...] = ()

    @classmethod
    def build(cls, *, allow_private: bool = False, allow: Iterable[str] = ()) -> AddressPolicy:
        """A policy from network strings ("127.0.0.1", "10.0.0.0/8", "::1").

        Raises:
            ValueError: a string that is not an address or network.
        """
        return cls(allow_private, tuple(ipaddress.ip_network(n, strict=False) for n in allow))

    def address_refusal(self, address: IPAddress) -> str | None:
        """Why the bot must not connect to `address`, or None if it may."""
        kind = self._refused_kind(address)
        return f"{address} is {kind}" if kind else None

    def _refused_kind(self, address: IPAddress) -> str | None:
        inner = _embedded_ipv4(address)
        if inner is not None:
            kind = self._refused_kind(inner)
            return f"{kind} (IPv4 {inner} inside IPv6)" if kind else None
        if address in METADATA_ADDRESSES:
            return "a cloud metadata address"
        if self.allow_private or any(address in network for network in self.allow):
            return None
        category = _category(address)
        return f"{category} address" if category else None

    def url_refusal(self, url: str | URL) -> str | None:
        """Why `url` is refused before any DNS lookup, or None.

        Checks the scheme, credentials, the host's spelling, names that are
        local by definition, and the address of a literal IP host. A host name
        passing here still needs its addresses checked (`check_url`).
        """
        try:
            parsed = url if isinstance(url, URL) else URL(url)
            raw_host = parsed.raw_host
        except (ValueError, TypeError) as exc:
            return f"not a valid URL ({exc})"
        if parsed.scheme.lower() not in _WEB_SCHEMES:
            return f"only http and https URLs are allowed, not {parsed.scheme or 'none'!r}"
        if parsed.user is not None or parsed.password is not None:
            return "URLs with a user name or password are not allowed"
        if not raw_host:
            return "the URL has no host"
        host = raw_host.lower()
        address = _parse_ip(host)
        if address is not None:
            return self.address_refusal(address)
        return self._name_refusal(host)

    def _name_refusal(self, host: str) -> str | None:
        name = host.rstrip(".")
        if name in METADATA_HOSTS:
            return f"{name!r} is a cloud metadata host"
        if not _HOST_RE.match(host):
            return f"{host!r} is not a valid host name"
        labels = name.split(".")
        if all(_NUMERIC_LABEL_RE.match(label) for label in labels):
            return f"{name!r} is an IP address in a non-standard form{self._decoded(name)}"
        # "localhost" itself is left to the resolver, which says where it points.
        if not self.allow_private and name.endswith(_LOCAL_SUFFIXES):
            return f"{name!r} is a local host name"
        return None

    @staticmethod
    def _decoded(name: str) -> str:
        try:
            # inet_aton reads the legacy forms exactly as resolvers do.
            return f" (= {socket.inet_ntoa(socket.inet_aton(name))})"
        except OSError:
            return ""

    async def check_url(
        self, url: str, *, resolve_timeout_s: float = DEFAULT_RESOLVE_TIMEOUT_S
    ) -> str | None:
        """Why fetching `url` is refused, or None when it may be fetched.

        Args:
            url: the URL as given.
            resolve_timeout_s: how long to wait for DNS.

        Returns:
            A short reason fit to show to the admin who gave the URL, or None.
        """
        if reason := self.url_refusal(url):
            return reason
        parsed = URL(url)
        host = (parsed.raw_host or "").lower()
        if _parse_ip(host) is not None:
            return None
        port = parsed.port or (443 if parsed.scheme.lower() == "https" else 80)
        try:
            async with asyncio.timeout(resolve_timeout_s):
                infos = await asyncio.get_running_loop().getaddrinfo(
                    host, port, type=socket.SOCK_STREAM
                )
        except TimeoutError:
            return f"looking up {host!r} took longer than {resolve_timeout_s:g}s"
        except (OSError, UnicodeError) as exc:
            return f"cannot resolve {host!r} ({exc})"
        return self.addresses_refusal(host, (str(info[4][0]) for info in infos))

    def addresses_refusal(self, host: str, addresses: Iterable[str]) -> str | None:
        """Why a host that resolved to `addresses` is refused, or None.

        Every address must pass: a name with one public and one private record
        is refused, since the connection may use either.
        """
        seen = False
        for text in addresses:
            seen = True
            address = _parse_ip(text)
            if address is None:
                return f"{host!r} resolved to something that is not an address: {text!r}"
            if kind := self._refused_kind(address):
                return f"{host!r} resolves to {address}, {kind}"
        return None if seen else f"{host!r} resolved to no address"


async def check_url(
    url: str, *, allow_private: bool = False, allow: Iterable[str] = ()
) -> str | None:
    """Why fetching `url` is refused (SSRF check), or None when it may be fetched.

    Args:
        url: the URL as given.
        allow_private: admit non-public addresses other than cloud metadata
            (tests and the demo only: say so where you pass it).
        allow: networks to admit one by one ("127.0.0.1/32").

    Returns:
        A short reason, or None.
    """
    return await AddressPolicy.build(allow_private=allow_private, allow=allow).check_url(url)
