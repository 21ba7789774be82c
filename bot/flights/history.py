"""Flights and whereabouts from stored events and positions (pure: no I/O, no clock).

A flight is a takeoff paired with the next landing of the same aircraft. Stored events
can revise each other: a probable landing and its confirmation share a thread key (the
newest of a thread counts), and a signal_regained with `data["retracts"]` withdraws a
probable landing. A landing with no takeoff seen takes its departure from its own data
(`departure`, `departure_ts`, `duration_s`, as the detector writes them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from storage.flight_records import EventRecord, Fix

# An airborne aircraft not heard from for this long may have landed out of coverage:
# we then say "unknown" rather than "airborne". A parked aircraft often stops
# transmitting, so "on the ground" does not go stale the same way.
STALE_AIRBORNE = timedelta(minutes=15)


class State(StrEnum):
    """Where an aircraft is, as far as the data tells."""

    AIRBORNE = "airborne"
    ON_GROUND = "on_ground"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Flight:
    """One flight: departure and arrival, either of which may be unknown."""

    hex: str
    departure: str | None  # ICAO code
    departed: datetime | None
    arrival: str | None
    landed: datetime | None
    landing_confidence: str | None  # "confirmed" | "probable"; None when not landed
    known_duration_s: int | None = None

    @property
    def duration_s(self) -> int | None:
        """Seconds from takeoff to landing, when both are known."""
        if self.departed is not None and self.landed is not None:
            return round((self.landed - self.departed).total_seconds())
        return self.known_duration_s

    @property
    def started(self) -> datetime:
        """The earliest time the flight is known by (for ordering)."""
        moment = self.departed or self.landed
        assert moment is not None  # a flight has a takeoff or a landing
        return moment


@dataclass(frozen=True, slots=True)
class Whereabouts:
    """Current state of an aircraft, when it was last seen, and where."""

    state: State
    last_seen: datetime | None
    airport: str | None = None  # where it stands, or where it took off from
    since: datetime | None = None  # time of the takeoff or landing behind the state
    probable: bool = False  # the landing behind "on ground" is only probable


def effective_events(events: Sequence[EventRecord]) -> list[EventRecord]:
    """Takeoffs and landings that still stand after revisions and retractions, by time."""
    retracted = {str(e.data["retracts"]) for e in events if e.data.get("retracts")}
    newest: dict[str, EventRecord] = {}
    for event in sorted(events, key=lambda e: (e.ts, e.id)):
        thread = event.thread_key or event.dedup_key
        current = newest.get(thread)
        if current is None or event.id > current.id:
            newest[thread] = event
    kept = [
        e
        for e in newest.values()
        if e.kind in ("takeoff", "landing") and e.dedup_key not in retracted
    ]
    return sorted(kept, key=lambda e: (e.ts, e.id))


def _parse_ts(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _landing_only(event: EventRecord) -> Flight:
    departure = event.data.get("departure")
    duration = event.data.get("duration_s")
    return Flight(
        hex=event.hex,
        departure=str(departure) if departure else None,
        departed=_parse_ts(event.data.get("departure_ts")),
        arrival=event.airport_icao,
        landed=event.ts,
        landing_confidence=event.confidence,
        known_duration_s=int(duration) if isinstance(duration, int | float) else None,
    )


def _takeoff_only(event: EventRecord) -> Flight:
    return Flight(event.hex, event.airport_icao, event.ts, None, None, None)


def flights(events: Sequence[EventRecord]) -> list[Flight]:
    """Flights found in the events (any number of aircraft), newest first."""
    found: list[Flight] = []
    open_takeoffs: dict[str, EventRecord] = {}
    for event in effective_events(events):
        if event.kind == "takeoff":
            previous = open_takeoffs.pop(event.hex, None)
            if previous is not None:  # its landing was never seen
                found.append(_takeoff_only(previous))
            open_takeoffs[event.hex] = event
            continue
        takeoff = open_takeoffs.pop(event.hex, None)
        if takeoff is None:
            found.append(_landing_only(event))
            continue
        found.append(
            Flight(
                hex=event.hex,
                departure=takeoff.airport_icao,
                departed=takeoff.ts,
                arrival=event.airport_icao,
                landed=event.ts,
                landing_confidence=event.confidence,
            )
        )
    found.extend(_takeoff_only(t) for t in open_takeoffs.values())
    return sorted(found, key=lambda f: f.started, reverse=True)


def whereabouts(
    fix: Fix | None,
    events: Sequence[EventRecord],
    now: datetime,
    *,
    stale_after: timedelta = STALE_AIRBORNE,
) -> Whereabouts:
    """The state of one aircraft from its newest position and its flight events.

    The newest piece of evidence decides: a landing or a ground fix means on the ground;
    a takeoff or an airborne fix means airborne while it is fresh, unknown once stale.
    """
    standing = effective_events(events)
    last_event = standing[-1] if standing else None
    seen = [moment for moment in (fix.ts if fix else None, *(e.ts for e in events)) if moment]
    last_seen = max(seen) if seen else None
    if fix is None and last_event is None:
        return Whereabouts(State.UNKNOWN, last_seen)
    if last_event is not None and (fix is None or last_event.ts >= fix.ts):
        evidence_ts, on_ground = last_event.ts, last_event.kind == "landing"
    else:
        assert fix is not None  # one of the two exists
        evidence_ts, on_ground = fix.ts, fix.on_ground
    if on_ground:
        landing = last_event if last_event is not None and last_event.kind == "landing" else None
        return Whereabouts(
            State.ON_GROUND,
            last_seen,
            airport=landing.airport_icao if landing else None,
            since=landing.ts if landing else None,
            probable=landing is not None and landing.confidence == "probable",
        )
    if now - evidence_ts > stale_after:
        return Whereabouts(State.UNKNOWN, last_seen)
    takeoff = last_event if last_event is not None and last_event.kind == "takeoff" else None
    return Whereabouts(
        State.AIRBORNE,
        last_seen,
        airport=takeoff.airport_icao if takeoff else None,
        since=takeoff.ts if takeoff else None,
    )
