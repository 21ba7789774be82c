"""The health of one provider, as a value. Pure: storing it is `provider_health.record_health`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

# The `sources.last_error` column is 1024 characters wide.
MAX_ERROR_CHARS = 1024


@dataclass(frozen=True, slots=True)
class ProviderHealth:
    """How a provider has been doing.

    Attributes:
        last_success_at: when it last answered usably (aware UTC).
        last_error_at: when it last failed (aware UTC).
        last_error: short, secret-free text of the last failure; kept after a success,
            so an operator still sees what went wrong last.
        consecutive_failures: failures since the last success.
        latency_ms: mean request latency of the last successful round.
    """

    last_success_at: datetime | None = None
    last_error_at: datetime | None = None
    last_error: str | None = None
    consecutive_failures: int = 0
    latency_ms: float | None = None

    def succeeded(self, at: datetime, latency_ms: float) -> ProviderHealth:
        """The health after a successful round at `at`."""
        return replace(
            self, last_success_at=at, consecutive_failures=0, latency_ms=round(latency_ms, 1)
        )

    def failed(self, at: datetime, error: str) -> ProviderHealth:
        """The health after a failed round at `at`."""
        return replace(
            self,
            last_error_at=at,
            last_error=error[:MAX_ERROR_CHARS],
            consecutive_failures=self.consecutive_failures + 1,
        )
