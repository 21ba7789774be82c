"""The flight poller as the bot runs it: providers from the settings, one HTTP session.

`LiveFlights.poll` is the scheduled job's body. It never raises: a provider failure is
provider health (see `FlightFetcher`), and anything else (the store unreachable, a bad
provider configuration) is logged and the next round tries again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

import aiohttp
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.flights.airports import AirportIndex
from bot.flights.detector import DetectorConfig
from bot.flights.polling import FlightWatch, PollResult
from bot.flights.providers import (
    FlightFetcher,
    Limits,
    build_providers,
    load_health,
    profile_for,
)
from bot.flights.providers.pacing import requests_per_round
from bot.flights.providers.profiles import UnknownProviderError
from bot.flights.providers.status import ProviderHealth
from bot.flights.thresholds import DestinationConfig
from bot.kernel.config import Settings
from bot.net.http import new_session

log = logging.getLogger(__name__)


class LiveFlights:
    """Builds the pipeline on the first round (inside the running loop) and runs it.

    Args:
        settings: provider list and keys.
        sessions: the store.
        clock: the current time, aware UTC; read at every use.
        wake: wakes the delivery worker; read at every use.
        config: detector thresholds.
        airports: the airport index (default: loaded on the first round).
    """

    def __init__(
        self,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        *,
        clock: Callable[[], datetime],
        wake: Callable[[], None],
        config: DetectorConfig | None = None,
        airports: AirportIndex | None = None,
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._clock = clock
        self._wake = wake
        self._config = config
        self._airports = airports
        self._http: aiohttp.ClientSession | None = None
        self._watch: FlightWatch | None = None

    async def poll(self) -> PollResult | None:
        """One round; None when it could not run (the reason is logged)."""
        try:
            watch = self._watch or await self._build()
            return await watch.poll()
        except Exception:
            log.exception("flight poll round failed; the next round will try again")
            return None

    async def close(self) -> None:
        """Close the HTTP session (at shutdown)."""
        if self._http is not None:
            await self._http.close()
            self._http = None
        self._watch = None

    async def _build(self) -> FlightWatch:
        self._http = self._http or new_session()
        providers = build_providers(self._settings, self._http, limits=self._limits())
        health: dict[str, ProviderHealth] = {}
        async with self._sessions() as session:
            for provider in providers:
                stored = await load_health(session, provider.name)
                if stored is not None:
                    health[provider.name] = stored
        fetcher = FlightFetcher(providers, clock=self._clock, initial_health=health)
        self._watch = FlightWatch(
            self._sessions,
            fetcher,
            clock=self._clock,
            wake=self._wake,
            config=self._config,
            airports=self._airports,
            slice_size=self._slice_size(),
            destinations=DestinationConfig(alert_probability=self._settings.destination_threshold),
            link_window=self._settings.link_window,
        )
        return self._watch

    def _slice_size(self) -> int | None:
        """What the first provider answers in one round (the others are fallbacks)."""
        pairs = self._settings.provider_list()
        if not pairs:
            return None
        name, url = pairs[0]
        profile = profile_for(name, url)
        limits = self._limits().get(name, profile.limits)
        return requests_per_round(limits) * profile.max_batch

    def _limits(self) -> dict[str, Limits]:
        """Every provider at the configured rate, when one is set."""
        rate = self._settings.flight_provider_rate
        if rate is None:
            return {}
        limits: dict[str, Limits] = {}
        for name, url in self._settings.provider_list():
            try:
                profile = profile_for(name, url)
            except UnknownProviderError:
                continue  # build_providers names it in a ConfigError
            limits[name] = replace(profile.limits, requests=rate, per_seconds=1.0)
        return limits
