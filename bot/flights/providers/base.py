"""What every provider client offers the fetcher."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import aiohttp
from aiolimiter import AsyncLimiter

from bot.flights.providers.decoding import decode_json
from bot.flights.providers.pacing import check_round, new_limiter, take_slot
from bot.flights.providers.profiles import Limits, Profile, WireFormat
from bot.flights.reports import PositionReport
from bot.net.http import Response, fetch


@dataclass(frozen=True, slots=True)
class ProviderAnswer:
    """A provider's usable answer for a set of hexes.

    Attributes:
        reports: position reports of the requested aircraft it has seen.
        latency_ms: mean latency of the requests made.
        requests: how many HTTP requests it took.
    """

    reports: list[PositionReport]
    latency_ms: float
    requests: int


class Provider(Protocol):
    """A client of one ADS-B provider.

    `positions` raises `bot.net.http.FetchError` (or a subclass) when the provider gives
    no usable answer, and `ProviderBusy` when our own rate limit has no slot.
    """

    @property
    def name(self) -> str:
        """The configured name, also the `sources.name` of its health row."""
        ...

    @property
    def kind(self) -> WireFormat:
        """The wire format, also the `sources.kind`: "readsb" or "opensky"."""
        ...

    @property
    def base_url(self) -> str:
        """The configured base URL."""
        ...

    @property
    def limits(self) -> Limits:
        """Its limits (backoff figures included)."""
        ...

    async def positions(self, hexes: Sequence[str]) -> ProviderAnswer:
        """Positions of these aircraft (valid lowercase hexes), in as few requests as allowed."""
        ...


class ProviderClient(ABC):
    """What the clients share: a name, a base URL, a profile of its wire format, a limiter,
    and the round of requests that `positions` makes.

    A wire format fills in how hexes become URLs (`hex_urls`), how large an answer may
    be (`_body_cap`), how one request is sent (`_request`: its headers or token) and how
    an answer becomes reports (`_parse`).
    """

    wire: ClassVar[WireFormat]

    def __init__(
        self,
        name: str,
        base_url: str,
        session: aiohttp.ClientSession,
        profile: Profile,
        *,
        limiter: AsyncLimiter | None = None,
    ) -> None:
        if profile.wire != self.wire:
            raise ValueError(f"profile {profile.name!r} is not a {self.wire} profile")
        self._name = name
        self._base_url = base_url.rstrip("/")
        self._session = session
        self._profile = profile
        self._limiter = limiter or new_limiter(profile.limits.requests, profile.limits.per_seconds)

    @property
    def name(self) -> str:
        """The configured name (health rows and `PositionReport.provider` use it)."""
        return self._name

    @property
    def kind(self) -> WireFormat:
        """The wire format."""
        return self.wire

    @property
    def base_url(self) -> str:
        """The API root, without a trailing slash."""
        return self._base_url

    @property
    def limits(self) -> Limits:
        """The profile's limits."""
        return self._profile.limits

    async def positions(self, hexes: Sequence[str]) -> ProviderAnswer:
        """Positions of the given aircraft; hexes must be valid and lowercase.

        Raises:
            FetchError: any request failed or answered something unusable; reports of
                earlier batches are dropped, so a round is all or nothing.
            ProviderBusy: our rate limiter had no slot in time, or the round needs
                more requests than the provider's rate allows in one round.
        """
        planned = self.hex_urls(hexes)
        check_round(len(planned), self._profile.limits, self._name)
        reports: list[PositionReport] = []
        latencies: list[float] = []
        for url, batch in planned:
            response = await self._get(url, self._body_cap(len(batch)))
            reports.extend(self._parse(decode_json(response), only=frozenset(batch)))
            latencies.append(response.latency_ms)
        mean = sum(latencies) / len(latencies) if latencies else 0.0
        return ProviderAnswer(reports, mean, len(latencies))

    async def _get(self, url: str, max_body: int) -> Response:
        """One request, once our rate limiter has a slot for it."""
        await take_slot(self._limiter, self._profile.limits.max_wait_s, self._name)
        return await self._request(url, max_body)

    async def _fetch(self, url: str, max_body: int, headers: Mapping[str, str]) -> Response:
        """One GET with the profile's timeout: what `_request` sends, with its headers."""
        return await fetch(
            self._session,
            url,
            headers=headers,
            timeout_s=self._profile.limits.timeout_s,
            max_body=max_body,
        )

    @abstractmethod
    def hex_urls(self, hexes: Sequence[str]) -> list[tuple[str, list[str]]]:
        """(URL, hexes in it) for each request `positions` would make."""

    @abstractmethod
    def _body_cap(self, count: int) -> int:
        """The body cap of a request for `count` aircraft."""

    @abstractmethod
    async def _request(self, url: str, max_body: int) -> Response:
        """Send one GET (the limiter slot is already taken)."""

    @abstractmethod
    def _parse(self, payload: Any, only: frozenset[str] | None) -> list[PositionReport]:
        """Reports from a decoded answer, only of the `only` hexes when given.

        Raises:
            FetchMalformed: the answer is not of the expected shape.
        """
