"""How fresh the watched fleet is: when each aircraft was last asked of a provider that
answered. Pure.

An aircraft counts as *refreshed* when a provider answered a round that asked for it,
whether or not it was seen: a parked aircraft with its transponder off is as fresh as
the data can be. The poller keeps one time per watched aircraft in memory and stores
only a summary (`Freshness`) with its state document, for /providers to read from any
process.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

# The target: every watched aircraft asked at least this often (two rounds at the default
# 30 s interval, so one failed round does not yet count as stale).
FRESH_WITHIN = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class Freshness:
    """A summary of the fleet's refresh times at one moment.

    Attributes:
        at: when it was taken (the end of a poll round).
        watched: aircraft watched then.
        fresh: of those, refreshed within `window_s` before `at`.
        never: of those, not refreshed since the poller started.
        oldest: the oldest refresh among the refreshed ones, or None.
        window_s: the freshness target in seconds.
    """

    at: datetime
    watched: int
    fresh: int
    never: int
    oldest: datetime | None
    window_s: float

    @property
    def share(self) -> float:
        """Fresh aircraft as a share of the watched ones (1.0 when none is watched)."""
        return self.fresh / self.watched if self.watched else 1.0

    def to_document(self) -> dict[str, Any]:
        """A JSON-ready form for the state document."""
        return {
            "at": self.at.isoformat(),
            "watched": self.watched,
            "fresh": self.fresh,
            "never": self.never,
            "oldest": self.oldest.isoformat() if self.oldest else None,
            "window_s": self.window_s,
        }

    @classmethod
    def from_document(cls, value: object) -> Freshness | None:
        """The summary stored by `to_document`, or None when absent or malformed."""
        if not isinstance(value, dict):
            return None
        try:
            oldest = value.get("oldest")
            return cls(
                at=datetime.fromisoformat(str(value["at"])),
                watched=int(value["watched"]),
                fresh=int(value["fresh"]),
                never=int(value["never"]),
                oldest=datetime.fromisoformat(oldest) if isinstance(oldest, str) else None,
                window_s=float(value["window_s"]),
            )
        except (KeyError, TypeError, ValueError):
            return None


class Refreshes:
    """The last refresh time of each watched aircraft.

    Args:
        window: the freshness target.
    """

    def __init__(self, window: timedelta = FRESH_WITHIN) -> None:
        self._window = window
        self._at: dict[str, datetime] = {}

    def answered(self, hexes: Iterable[str], at: datetime) -> None:
        """A provider answered a round that asked for these aircraft at `at`."""
        for hex_ in hexes:
            self._at[hex_] = at

    def summary(self, watched: set[str], now: datetime) -> Freshness:
        """The fleet's freshness now; forgets aircraft no longer watched."""
        for gone in self._at.keys() - watched:
            del self._at[gone]
        times = [self._at[h] for h in watched if h in self._at]
        return Freshness(
            at=now,
            watched=len(watched),
            fresh=sum(1 for t in times if now - t <= self._window),
            never=len(watched) - len(times),
            oldest=min(times) if times else None,
            window_s=self._window.total_seconds(),
        )
