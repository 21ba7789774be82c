"""Store a provider's health in its `sources` row."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.flights.providers.status import MAX_ERROR_CHARS, ProviderHealth
from bot.runtime import metrics
from storage.models import Source, SourceKind
from storage.sources import SourceHealth, register_source, source_named, write_health

_T = TypeVar("_T")

# Widths of the `sources` columns.
_NAME_CHARS = 64
_URL_CHARS = 2048


async def record_health(
    session: AsyncSession, name: str, kind: str, base_url: str, health: ProviderHealth
) -> Source:
    """Create or update the `sources` row of a provider with its health.

    The row is found by name (unique); its kind and URL follow the configuration, so
    a provider moved to a mirror keeps its history. Only health columns are written:
    an operator's `enabled` or `interval_s` stay as they are. A timestamp or error the
    new health does not know (a fresh process) keeps its stored value. The caller
    commits.

    Args:
        session: an open session.
        name: the configured provider name.
        kind: "readsb" or "opensky".
        base_url: the configured base URL.
        health: the health to store.

    Returns:
        The row, flushed (it has an id).

    Raises:
        ValueError: `kind` is not a `SourceKind`, or `name` is empty or too long.
    """
    if not name or len(name) > _NAME_CHARS:
        raise ValueError(f"provider name must be 1..{_NAME_CHARS} characters")
    source = await register_source(session, name, SourceKind(kind), base_url[:_URL_CHARS])
    # A timestamp or error this process does not know yet keeps the stored one.
    merged = SourceHealth(
        last_success_at=_known(health.last_success_at, source.last_success_at),
        last_error_at=_known(health.last_error_at, source.last_error_at),
        last_error=_known(
            health.last_error[:MAX_ERROR_CHARS] if health.last_error is not None else None,
            source.last_error,
        ),
        consecutive_failures=health.consecutive_failures,
        latency_ms=_known(health.latency_ms, source.latency_ms),
    )
    # One stored health is one polling round of this provider.
    latency = health.latency_ms / 1000 if health.latency_ms is not None else None
    metrics.record_poll(name, kind, ok=health.consecutive_failures == 0, latency_s=latency)
    return await write_health(session, source, merged)


def _known(new: _T | None, stored: _T | None) -> _T | None:
    return new if new is not None else stored


async def load_health(session: AsyncSession, name: str) -> ProviderHealth | None:
    """The stored health of a provider, to seed a new `FlightFetcher`; None if unknown."""
    source = await source_named(session, name)
    if source is None:
        return None
    return ProviderHealth(
        last_success_at=source.last_success_at,
        last_error_at=source.last_error_at,
        last_error=source.last_error,
        consecutive_failures=source.consecutive_failures,
        latency_ms=source.latency_ms,
    )
