"""Polling a watchlist larger than a provider's round in slices, one slice per round. Pure.

A provider answers only so many aircraft per round (adsb.lol: 250 per request and, at
one request per 1.1 s, 19 requests before a round would outlast its budget: 4,750; an
anonymous OpenSky account: 100). A larger watchlist (an imported plane-alert-db has
~15,000 aircraft) is split into interleaved slices of the sorted hexes, polled in turn.

Silence is judged only once a whole cycle has been asked, and at the time the cycle
began: every aircraft was asked at or after that moment, so one that has said nothing
since was silent then. A cycle in which any slice got no answer judges nothing (the
silence may be ours). A cycle must stay shorter than the detector's
`probable_landing_after_s`, or an aircraft polled once a cycle looks silent between
polls; `slices` lets the caller warn.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime


class Rotation:
    """Which hexes to poll this round, and when a cycle is complete.

    Args:
        slice_size: most hexes per round; None polls everything every round.
    """

    def __init__(self, slice_size: int | None = None) -> None:
        if slice_size is not None and slice_size < 1:
            raise ValueError("slice_size must be positive")
        self._size = slice_size
        self._next = 0
        self._slices = 1
        self._current = 0
        self._cycle_start: datetime | None = None
        self._cycle_answered = True

    @property
    def slices(self) -> int:
        """Rounds per cycle for the last watchlist seen."""
        return self._slices

    def take(self, hexes: Iterable[str], now: datetime) -> list[str]:
        """The hexes to poll in the round starting at `now`."""
        ordered = sorted(hexes)
        count = 1 if self._size is None else max(1, math.ceil(len(ordered) / self._size))
        if count != self._slices:
            self._slices, self._next = count, 0  # the watchlist changed size: start over
        self._current = self._next % count
        self._next = self._current + 1
        if self._current == 0:
            self._cycle_start, self._cycle_answered = now, True
        return ordered[self._current :: count]

    def judge_at(self, answered: bool) -> datetime | None:
        """After the round: when to judge silence (the cycle's start), or None.

        Args:
            answered: whether a provider answered this round.
        """
        self._cycle_answered = self._cycle_answered and answered
        if self._current != self._slices - 1 or not self._cycle_answered:
            return None
        return self._cycle_start
