"""What every provider client offers the fetcher."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

import aiohttp
from aiolimiter import AsyncLimiter

from bot.flights.providers.pacing import new_limiter
from bot.flights.providers.profiles import Limits, Profile, WireFormat
from bot.flights.reports import PositionReport


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

    `positions` raises `bot.http.FetchError` (or a subclass) when the provider gives
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


class ProviderClient:
    """What the clients share: a name, a base URL, a profile of its wire format, a limiter."""

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
