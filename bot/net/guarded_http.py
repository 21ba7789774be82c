"""An HTTP session for feeds that refuses private addresses on every hop.

`bot.net.http.fetch` follows redirects itself (aiohttp's `allow_redirects=True`)
and reports neither the final URL nor the history, so a check of the first URL
alone would let "https://public.example/feed" redirect the bot to
"http://169.254.169.254/". Checking only the final URL before reading the body
would still have *sent* the request to the private address. So the check sits
inside the session, where it runs before every connection:

- a client middleware sees each request, the first and every redirect hop,
  before it is sent, and refuses bad schemes, credentials, local names and
  literal IP addresses (`AddressPolicy.url_refusal`);
- a resolver wrapper sees the addresses a host name resolves to at connection
  time and refuses the lookup if any is non-public, so a name that resolved to
  a public address when `/source add` checked it and to 10.0.0.5 now (DNS
  rebinding) is refused too.

Both raise `RefusedURL`, a `bot.net.http.FetchError`, which `fetch` lets through
unchanged, so the poller reports it like any other failure. The session is
otherwise `bot.net.http.new_session`'s: same User-Agent and connection limits.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from types import TracebackType
from typing import Self

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.net.http import USER_AGENT, FetchError
from bot.net.ssrf import AddressPolicy


class RefusedURL(FetchError):
    """The SSRF guard refused a request or a redirect hop; `reason` says why."""


class GuardedResolver(AbstractResolver):
    """A resolver that refuses host names resolving to addresses the policy bars.

    Args:
        policy: what is allowed.
        inner: the resolver doing the lookups (aiohttp's default when None).
    """

    def __init__(self, policy: AddressPolicy, inner: AbstractResolver | None = None) -> None:
        self._policy = policy
        self._inner = inner or aiohttp.DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """The inner resolver's answer, if every address in it is allowed.

        Raises:
            RefusedURL: some address is not allowed.
        """
        results = await self._inner.resolve(host, port, family)
        if reason := self._policy.addresses_refusal(host, (r["host"] for r in results)):
            raise RefusedURL(reason)
        return results

    async def close(self) -> None:
        """Closes the inner resolver."""
        await self._inner.close()


def _guard_middleware(policy: AddressPolicy) -> aiohttp.ClientMiddlewareType:
    async def guard(
        request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
    ) -> aiohttp.ClientResponse:
        if reason := policy.url_refusal(request.url):
            raise RefusedURL(reason)
        return await handler(request)

    return guard


@dataclass(frozen=True)
class GuardedSession:
    """An aiohttp session whose every connection passes `policy`.

    Attributes:
        http: the session, for `bot.net.http.fetch`.
        policy: the address policy it enforces (`check_url` uses the same).
    """

    http: aiohttp.ClientSession
    policy: AddressPolicy

    async def close(self) -> None:
        """Closes the session."""
        await self.http.close()

    async def __aenter__(self) -> Self:
        """The session itself."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Closes the session."""
        await self.close()


def new_guarded_session(
    policy: AddressPolicy, *, resolver: AbstractResolver | None = None
) -> GuardedSession:
    """A session for fetching feeds and pages, guarded by `policy`.

    Must be created inside the running event loop, like any aiohttp session.

    Args:
        policy: which addresses may be fetched; `AddressPolicy()` (public
            addresses only) in production.
        resolver: the resolver doing the lookups (tests use a stub to play a
            DNS answer); aiohttp's default when None.

    Returns:
        The guarded session; close it (or use it with `async with`).
    """
    connector = aiohttp.TCPConnector(
        # The limits of bot.net.http.new_session.
        limit=32,
        limit_per_host=4,
        ttl_dns_cache=300,
        resolver=GuardedResolver(policy, resolver),
    )
    session = aiohttp.ClientSession(
        headers={"User-Agent": USER_AGENT},
        connector=connector,
        middlewares=(_guard_middleware(policy),),
    )
    return GuardedSession(session, policy)
