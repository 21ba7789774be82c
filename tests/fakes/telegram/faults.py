"""Injected failures of the fake Bot API: random ones from a seeded RNG, and queued exact ones.

An injected failure is answered before the method runs, so nothing is sent. Kinds:
``"429"`` (retry after 1), ``"500"``, ``"502"`` and ``"timeout"`` (the request is held,
then dropped without an answer; the fake's transport does that).
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias, get_args

from .records import JSON

__all__ = ["ERROR_DEFAULTS", "FaultKind", "FaultPlan", "PlannedFailure"]

FaultKind: TypeAlias = Literal["429", "500", "502", "timeout"]

# Telegram's generic descriptions, for failures given without one.
ERROR_DEFAULTS: Final = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests: retry after 1",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass(frozen=True, slots=True)
class PlannedFailure:
    """How the next call of a method fails."""

    status: int | Literal["timeout"]
    description: str
    parameters: JSON | None


class FaultPlan:
    """The failures to come: queued per method first, then random for the chosen methods."""

    def __init__(self) -> None:
        """No failure planned."""
        self._rate = 0.0
        self._kinds: tuple[FaultKind, ...] = ()
        self._methods: frozenset[str] = frozenset()
        self._rng = random.Random()
        self._queued: dict[str, deque[PlannedFailure]] = {}

    def inject(
        self,
        rate: float,
        kinds: Sequence[FaultKind],
        seed: int | None,
        methods: Iterable[str],
    ) -> None:
        """Fails a share of calls at random; see ``FakeBotAPI.inject_faults``.

        Raises:
            ValueError: ``rate`` outside [0, 1], or no kinds for a positive rate.
        """
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate must be within [0, 1], got {rate}")
        if rate > 0 and not kinds:
            raise ValueError("kinds must not be empty")
        for kind in kinds:
            if kind not in get_args(FaultKind):
                raise ValueError(f"unknown fault kind {kind!r}")
        self._rate = rate
        self._kinds = tuple(kinds)
        self._methods = frozenset(name.lower() for name in methods)
        self._rng = random.Random(seed)

    def clear(self) -> None:
        """Stops random failures and drops queued ones."""
        self._rate = 0.0
        self._queued.clear()

    def queue(
        self,
        method: str,
        status: int | Literal["timeout"],
        description: str | None,
        parameters: JSON | None,
        count: int,
    ) -> None:
        """Fails the next `count` calls of `method`; see ``FakeBotAPI.fail_next``."""
        if status == 429:
            parameters = {"retry_after": 1, **(parameters or {})}
            if description is None:
                description = f"Too Many Requests: retry after {parameters['retry_after']}"
        if description is None:
            description = "timeout" if status == "timeout" else ERROR_DEFAULTS.get(status, "Error")
        queue = self._queued.setdefault(method.lower(), deque())
        queue.extend([PlannedFailure(status, description, parameters)] * count)

    def next_failure(self, name: str) -> PlannedFailure | None:
        """How this call of method `name` fails, if it does (drawn in arrival order)."""
        key = name.lower()
        queue = self._queued.get(key)
        if queue:
            return queue.popleft()
        if self._rate > 0 and key in self._methods:
            rng = self._rng
            if rng.random() < self._rate:
                kind = rng.choice(self._kinds)
                if kind == "timeout":
                    return PlannedFailure("timeout", "timeout", None)
                if kind == "429":
                    return PlannedFailure(
                        429, "Too Many Requests: retry after 1", {"retry_after": 1}
                    )
                status = int(kind)
                return PlannedFailure(status, ERROR_DEFAULTS[status], None)
        return None
