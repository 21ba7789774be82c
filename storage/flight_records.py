"""Plain records of stored flight data, for pure code that must not import the store.

`storage.flight_queries` returns these; `bot.flights.history` pairs and judges them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Fix:
    """One kept position of an aircraft."""

    hex: str
    ts: datetime
    lat: float
    lon: float
    alt_ft: int | None
    on_ground: bool
    callsign: str | None = None
    # Degrees from north over the ground, and the provider that reported it (the Mini App
    # draws the heading and cites the source).
    track_deg: float | None = None
    provider: str | None = None


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One stored flight event (takeoff, landing, signal lost or regained, emergency)."""

    id: int
    kind: str
    hex: str
    ts: datetime
    airport_icao: str | None
    confidence: str
    dedup_key: str
    thread_key: str | None
    data: dict[str, Any] = field(default_factory=dict, hash=False)
