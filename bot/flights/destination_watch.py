"""The destination predictor in the live poll round: fixes in, alerts out.

`FlightWatch` hands each round's fresh reports of watched aircraft that the detector
says are flying to `observe`; inside the round's transaction `alert` predicts, at most
once a minute per aircraft, and records a `DestinationAlert` when one destination
becomes likely (`Announcements`: again only when another does). Nothing here runs in
the detector's `feed`: a round costs one prediction (a few ms, see
docs/benchmarks-flights.md) per watched aircraft in the air and due, and one or two
bounded reads per flight for its priors.

A flight is keyed by its takeoff time (or, when the takeoff was not seen, by when this
process first saw it flying); after a restart the last alerted destination of the
flight is read back from the store, so it is not alerted twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.destination_alert import KIND, DestinationAlert, WhyPart
from bot.alerts.events import AircraftPart
from bot.alerts.parts import AirportPart, PersonPart
from bot.alerts.record import record_event
from bot.flights import airports as airport_data
from bot.flights.airports import Airport
from bot.flights.destination import (
    Announcements,
    Candidate,
    DestinationPredictor,
    Fix,
    counts,
)
from bot.flights.detector import Detector
from bot.flights.payload import airport_part
from bot.flights.reports import PositionReport
from bot.flights.thresholds import DestinationConfig
from storage.flight_destinations import airports_of, landings_from, last_destination
from storage.models import FlightEventRow

log = logging.getLogger(__name__)
# A flight without a seen takeoff is looked back on this far for its last prediction.
LOOK_BACK = timedelta(hours=18)
Describe = Callable[[AsyncSession, str], Awaitable[tuple[AircraftPart, list[PersonPart]]]]


class DestinationWatch:
    """Predictions and their alerts for the watched aircraft in the air.

    Args:
        config: thresholds (`alert_probability` from the settings); None: predict
            nothing (a poller whose tests count the detector's events alone).
        airports: candidate airports; the default index's airports, read on first use.
    """

    def __init__(
        self, config: DestinationConfig | None, airports: Iterable[Airport] | None = None
    ) -> None:
        self._enabled = config is not None
        self._config = config or DestinationConfig()
        self._airports = list(airports) if airports is not None else None
        self._predictor: DestinationPredictor | None = None
        self._announce = Announcements(self._config.alert_probability)
        self._predicted_at: dict[str, float] = {}
        self._flights: dict[str, str] = {}  # hex -> flight key
        self._origins: dict[str, str | None] = {}
        self._priors: dict[tuple[str, str], tuple[dict[str, int], dict[str, int]]] = {}

    async def ready(self) -> None:
        """Build the predictor (reading the airports takes ~0.2 s: not on the loop)."""
        if self._predictor is None and self._enabled:
            found = self._airports
            if found is not None:
                self._predictor = DestinationPredictor(found, self._config)
            else:
                # The poller's default index has these airports already: no second read
                # of airportsdata's 28,000 rows (a peak of several MB the heap keeps).
                self._predictor = await asyncio.to_thread(
                    lambda: DestinationPredictor(
                        airport_data.default_index().airports(), self._config
                    )
                )

    def observe(self, detector: Detector, reports: Sequence[PositionReport]) -> set[str]:
        """Keep the fixes of aircraft in the air; the hexes observed."""
        predictor = self._predictor
        if predictor is None:
            return set()
        seen: set[str] = set()
        for report in reports:
            flight = detector.flight_of(report.hex)
            if flight is None:
                continue
            origin, departed = flight
            key = f"{departed:.0f}" if departed is not None else None
            if key is None:
                key = self._flights.get(report.hex) or f"seen{report.t:.0f}"
            if self._flights.get(report.hex) != key:
                predictor.forget(report.hex)
                self._flights[report.hex] = key
                self._origins[report.hex] = origin
            predictor.observe(report.hex, Fix.of(report))
            seen.add(report.hex)
        return seen

    def forget(self, hexes: Iterable[str]) -> None:
        """Drop aircraft that landed or are no longer watched."""
        for hex_ in hexes:
            if self._predictor is not None:
                self._predictor.forget(hex_)
            self._announce.forget(hex_)
            self._predicted_at.pop(hex_, None)
            flight = self._flights.pop(hex_, None)
            self._origins.pop(hex_, None)
            if flight is not None:
                self._priors.pop((hex_, flight), None)

    def retain(self, watched: set[str]) -> None:
        """Forget every aircraft no longer watched."""
        self.forget([h for h in self._flights if h not in watched])

    async def alert(
        self,
        session: AsyncSession,
        hexes: Iterable[str],
        now: datetime,
        describe: Describe,
    ) -> list[int]:
        """Predict for the aircraft that are due and record the alerts that are due."""
        predictor = self._predictor
        if predictor is None:
            return []
        stored: list[int] = []
        for hex_ in sorted(hexes):
            flight = self._flights.get(hex_)
            last = self._predicted_at.get(hex_)
            if flight is None or (last is not None and now.timestamp() - last < _EVERY_S):
                continue
            self._predicted_at[hex_] = now.timestamp()
            if not self._announce.known(hex_, flight):
                earlier = await last_destination(session, hex_, self._flight_start(flight, now))
                self._announce.restore(hex_, flight, earlier.airport_icao if earlier else None)
            visits, route = await self._flight_priors(session, hex_, flight)
            try:
                prediction = predictor.predict(hex_, visits=visits, route=route)
            except Exception:
                # A prediction is extra: its failure must not cost the round's takeoffs
                # and landings (stored in the same transaction).
                log.exception("destination of %s not predicted", hex_)
                continue
            if prediction is None:
                continue
            previous = self._announce.last(hex_, flight)
            candidate = self._announce.due(hex_, flight, prediction)
            if candidate is None:
                continue
            event_id = await self._record(
                session, hex_, flight, candidate, prediction.ts, previous, now, describe
            )
            if event_id is not None:
                stored.append(event_id)
        return stored

    async def predicted_for_landing(
        self, session: AsyncSession, hex_: str, departed: datetime | None, landed: datetime
    ) -> str | None:
        """The destination alerted last for the flight that landed (for its landing alert)."""
        since = departed if departed is not None else landed - LOOK_BACK
        row = await last_destination(session, hex_, since)
        return row.airport_icao if row is not None else None

    def _flight_start(self, flight: str, now: datetime) -> datetime:
        if flight.isdigit():
            return datetime.fromtimestamp(int(flight), now.tzinfo)
        return now - LOOK_BACK

    async def _flight_priors(
        self, session: AsyncSession, hex_: str, flight: str
    ) -> tuple[dict[str, int], dict[str, int]]:
        """The aircraft's airports and the route's usual ones, read once per flight."""
        key = (hex_, flight)
        cached = self._priors.get(key)
        if cached is None:
            visits = counts(await airports_of(session, hex_))
            origin = self._origins.get(hex_)
            route = counts(await landings_from(session, origin)) if origin else {}
            cached = self._priors[key] = (visits, route)
        return cached

    async def _record(
        self,
        session: AsyncSession,
        hex_: str,
        flight: str,
        candidate: Candidate,
        ts: datetime,
        previous: str | None,
        now: datetime,
        describe: Describe,
    ) -> int | None:
        airport = _part(candidate.icao)
        if airport is None:
            return None
        aircraft, people = await describe(session, hex_)
        origin = self._origins.get(hex_)
        alert = DestinationAlert.predicted(
            hex_=hex_,
            ts=ts,
            airport=airport,
            probability=round(candidate.probability, 3),
            eta=candidate.eta,
            distance_km=round(candidate.distance_km, 1),
            # Strongest evidence first; terms that count against it are left out.
            reasons=[
                WhyPart(r.code, r.value)
                for r in sorted(
                    (r for r in candidate.reasons if r.code in _SHOWN),
                    key=lambda r: _SHOWN.index(r.code),
                )
            ],
            origin=_part(origin) if origin else None,
            previous=_part(previous) if previous else None,
            aircraft=aircraft,
            people=people,
        )
        row = FlightEventRow(
            # One alert per destination and flight: a replayed round stores nothing twice.
            dedup_key=f"{KIND}:{hex_}:{flight}:{candidate.icao}:{ts.timestamp():.0f}",
            kind=KIND,
            hex=hex_,
            ts=ts,
            airport_icao=candidate.icao,
            confidence="probable",
            data={
                "flight": flight,
                "probability": alert.probability,
                "eta": candidate.eta.isoformat() if candidate.eta else None,
                "distance_km": alert.distance_km,
                "reasons": [r.to_json() for r in alert.reasons],
            },
            detected_at=now,
        )
        recorded = await record_event(session, alert, now, row=row)
        return recorded.event_id if recorded else None


# The reasons an alert gives, the track's evidence first; the terms that only count
# against an airport (too close, too far, distance) are left out.
_SHOWN = ("bearing", "descent", "visits", "route", "international")
# A prediction a minute per aircraft: the track changes little faster, and each costs
# a pass over every airport.
_EVERY_S = 60.0


def _part(icao: str) -> AirportPart | None:
    return airport_part(airport_data.get(icao))
