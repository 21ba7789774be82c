"""Ask the providers in order until one answers: failover, backoff and health.

`FlightFetcher.fetch(hexes)` tries each provider in the configured order. A provider
that fails (timeout, HTTP error, 429, malformed or oversized answer) gets a failure in
its health and a backoff (Retry-After wins when longer), and the next provider is
tried; a provider still in backoff, or whose own rate limiter has no slot, is skipped.
The first usable answer ends the round. What happened to each provider tried comes
back as `health_updates`, for the caller to store with `provider_health.record_health`.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.flights.providers.base import Provider
from bot.flights.providers.batching import clean_hexes
from bot.flights.providers.errors import describe
from bot.flights.providers.pacing import ProviderBusy
from bot.flights.providers.status import ProviderHealth
from bot.flights.reports import PositionReport
from bot.net.http import Backoff, FetchError

log = logging.getLogger(__name__)


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class HealthUpdate:
    """A provider's health after this round, with what `record_health` needs."""

    name: str
    kind: str
    base_url: str
    health: ProviderHealth


@dataclass(frozen=True, slots=True)
class FetchOutcome:
    """The result of one round.

    Attributes:
        reports: positions from the provider that answered (empty if none did).
        provider_used: its name, or None when every provider failed or was skipped.
        health_updates: one per provider tried this round, in order.
        skipped: providers not tried: in backoff, or no slot on their own limiter.
    """

    reports: list[PositionReport]
    provider_used: str | None
    health_updates: list[HealthUpdate]
    skipped: list[str] = field(default_factory=list)


@dataclass
class _State:
    health: ProviderHealth
    backoff: Backoff


class FlightFetcher:
    """Failover over an ordered list of providers.

    Args:
        providers: in the order to try them (`build_providers` keeps the setting's order).
        clock: the current time, aware UTC; health timestamps and backoff use it, so
            tests move time without sleeping.
        rng: randomness for the backoff jitter (seed it for reproducible tests).
        initial_health: health to start from, by provider name (e.g. from
            `provider_health.load_health`), so failure counts survive a restart.
    """

    def __init__(
        self,
        providers: Sequence[Provider],
        clock: Callable[[], datetime] = _utcnow,
        *,
        rng: random.Random | None = None,
        initial_health: Mapping[str, ProviderHealth] | None = None,
    ) -> None:
        names = [p.name for p in providers]
        if len(set(names)) != len(names):
            raise ValueError(f"provider names must be unique: {names}")
        self._providers = list(providers)
        self._clock = clock
        rng = rng or random.Random()  # noqa: S311  (jitter, not cryptography)
        self._states = {
            p.name: _State(
                (initial_health or {}).get(p.name, ProviderHealth()),
                Backoff(
                    base_s=p.limits.backoff_base_s,
                    max_s=p.limits.backoff_max_s,
                    rng=random.Random(rng.random()),  # noqa: S311
                ),
            )
            for p in providers
        }

    @property
    def providers(self) -> list[Provider]:
        """The providers, in order."""
        return list(self._providers)

    def health(self, name: str) -> ProviderHealth:
        """The current health of one provider."""
        return self._states[name].health

    def next_try_at(self, name: str) -> float:
        """When (Unix seconds on the clock) a provider may be tried again; 0 when now."""
        return self._states[name].backoff.next_allowed

    async def fetch(self, hexes: Iterable[str]) -> FetchOutcome:
        """Positions of the watched aircraft from the first provider that answers.

        Args:
            hexes: ICAO hexes, any case; invalid ones are logged and ignored.

        Returns:
            The outcome; never raises for a provider failure.
        """
        wanted, rejected = clean_hexes(hexes)
        if rejected:
            log.warning("ignoring %d malformed ICAO hex code(s): %r", len(rejected), rejected[:5])
        if not wanted:
            return FetchOutcome([], None, [])
        updates: list[HealthUpdate] = []
        skipped: list[str] = []
        for provider in self._providers:
            state = self._states[provider.name]
            if not state.backoff.ready(self._clock().timestamp()):
                skipped.append(provider.name)
                continue
            try:
                answer = await provider.positions(wanted)
            except ProviderBusy as busy:
                log.info("%s", busy)
                skipped.append(provider.name)
                continue
            except FetchError as error:
                at = self._clock()
                reason = describe(error)
                delay = state.backoff.failed(at.timestamp(), error.retry_after)
                state.health = state.health.failed(at, reason)
                updates.append(_update(provider, state.health))
                log.warning(
                    "flight provider %s failed: %s; next try in %.0f s",
                    provider.name,
                    reason,
                    delay,
                )
                continue
            state.backoff.succeeded()
            state.health = state.health.succeeded(self._clock(), answer.latency_ms)
            updates.append(_update(provider, state.health))
            return FetchOutcome(answer.reports, provider.name, updates, skipped)
        if updates or skipped:
            log.warning("no flight provider answered (skipped: %s)", ", ".join(skipped) or "none")
        return FetchOutcome([], None, updates, skipped)


def _update(provider: Provider, health: ProviderHealth) -> HealthUpdate:
    return HealthUpdate(provider.name, provider.kind, provider.base_url, health)
