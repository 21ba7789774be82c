"""Flight events: what the detector tells the rest of the bot."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class EventKind(StrEnum):
    """What happened to an aircraft."""

    TAKEOFF = "takeoff"
    LANDING = "landing"
    SIGNAL_LOST = "signal_lost"
    SIGNAL_REGAINED = "signal_regained"
    EMERGENCY = "emergency"


class Confidence(StrEnum):
    """How sure the detector is that the event happened as stated."""

    CONFIRMED = "confirmed"
    PROBABLE = "probable"


@dataclass(frozen=True, slots=True)
class FlightEvent:
    """One detected event of one aircraft.

    Attributes:
        kind: what happened.
        ts: when it happened (aware, UTC); estimated when `data["estimated"]` is true.
        hex: ICAO address of the aircraft.
        airport: ICAO code of the airport it happened at or near, or None.
        lat: latitude of the fix the event is based on.
        lon: longitude of that fix.
        alt_ft: altitude of that fix in feet (None on the ground or unknown).
        confidence: "confirmed" or "probable" (e.g. a landing inferred from the signal
            vanishing low and descending near an airport).
        dedup_key: the same event always gets the same key (hex, kind, confidence and
            the event time rounded down), so a restart or a replay stores it once.
        thread_key: shared by an event and its later revisions (a probable landing and
            its confirmation or retraction), so the alert sent for the first can be
            edited; for an event that revises nothing it equals `dedup_key`.
        provider: the provider of the report that triggered the event.
        data: JSON-ready details (departure airport and time, flight duration, gap
            length, squawk, ...); see `bot.flights.detector` for the keys.
    """

    kind: EventKind
    ts: datetime
    hex: str
    airport: str | None
    lat: float
    lon: float
    alt_ft: int | None
    confidence: Confidence
    dedup_key: str
    thread_key: str
    provider: str | None = None
    data: dict[str, Any] = field(default_factory=dict, hash=False)
