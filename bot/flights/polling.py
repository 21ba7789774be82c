"""One live poll round: watched aircraft → providers → detector → events and alerts.

`FlightWatch.poll` is the whole round:

1. read the watched hexes (`aircraft` table; more than a provider answers in one round
   are polled in slices, see `bot.flights.rotation`) and, when another process saved
   the detector state since we last did (a leader change), restore from the store;
2. ask the providers (`FlightFetcher`: failover, backoff, as few requests as each
   allows) and record each provider's health;
3. feed the reports that are new (a position whose time is not newer than the last one
   seen for the aircraft is stale: `seen_pos` did not move) to the detector; when a
   provider answered (every slice of a cycle), let silence run too (`Detector.tick`):
   if none answered, the silence is ours, not the aircraft's, and must not become
   "signal lost" or a landing;
4. in one transaction: keep positions (downsampled, with the provider), store each
   event once with its alert payload (`bot.alerts.record.record_event` routes it to the outbox),
   and save the state (see below); then wake the delivery worker.

The state is a small global row plus one row per aircraft (`storage.flight_state`),
and a save writes only the aircraft whose track or sighting changed since they were
last written (the detector and `Sightings` say which), in a few bulk statements; rows
of aircraft no longer watched are deleted. An aircraft with an event is written in
the transaction that stores the event, so after a restart the detector continues from
at least what was alerted; every other changed aircraft at most once a minute.
Aircraft are independent, so rows written at different times still make one valid
state, and dedup keys make a replay or a repeated round store nothing twice anyway. If
the transaction fails, the next round restores the state from the store and sees the
same positions again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.events import AircraftPart
from bot.alerts.parts import PersonPart
from bot.alerts.record import record_event
from bot.flights import airports as airport_data
from bot.flights.airport_cells import CellIndex, catalogue, every_field
from bot.flights.airports import AirportIndex, default_index
from bot.flights.destination_watch import DestinationWatch
from bot.flights.detector import (
    SNAPSHOT_VERSION,
    AirportLookup,
    Detector,
    DetectorConfig,
    SnapshotError,
)
from bot.flights.events import EventKind, FlightEvent
from bot.flights.freshness import Freshness, Refreshes
from bot.flights.keep import KeepRule, Sightings
from bot.flights.payload import TrackPoint, flight_alert
from bot.flights.providers import FetchOutcome, FlightFetcher, record_health
from bot.flights.reports import PositionReport
from bot.flights.rotation import Rotation
from bot.flights.thresholds import DestinationConfig
from bot.links.linker import DEFAULT_WINDOW, link_landing
from storage.flight_state import AircraftState, load_state, save_state, state_revision
from storage.flight_watch import aircraft_by_hexes, watched_hexes
from storage.models import Aircraft, FlightEventRow
from storage.positions import add_positions, track_between
from storage.watchlist import links_of_aircraft

log = logging.getLogger(__name__)

STATE_NAME = "detector"
DEMO_TAG = "demo"
# The landing map shows the flight from a little before its takeoff; without a known
# takeoff, the last hours.
_TRACK_BEFORE_TAKEOFF = timedelta(minutes=10)
_TRACK_WITHOUT_TAKEOFF = timedelta(hours=6)
# An aircraft with an event is saved with it (so the state that made an alert is the
# one a restart continues from); the other changed aircraft at most this often: while
# thousands fly, each round changes each of them. Positions polled since the last save
# are fed again after a restart; their events have the same dedup keys and are not
# stored twice.
STATE_EVERY = timedelta(seconds=60)
# Rows per batch of a save: serialising and sending one takes ~20 ms of the event loop.
_SAVE_BATCH = 1000
_MAP_POINTS = 600  # more than a map can show at Telegram's photo size
_EMPTY_SNAPSHOT = {"version": SNAPSHOT_VERSION, "tracks": {}}
DEFAULT_DESTINATIONS = DestinationConfig()


@dataclass(frozen=True, slots=True)
class PollResult:
    """What one round did.

    Attributes:
        watched: aircraft on the watchlist.
        provider: the provider that answered, or None.
        reports: reports received for watched aircraft.
        fresh: of those, the new positions fed to the detector.
        kept: positions stored.
        events: events detected this round.
        stored: ids of the events stored now (a dedup key seen before stores nothing).
        freshness: how fresh the watched fleet is after this round.
    """

    watched: int = 0
    provider: str | None = None
    reports: int = 0
    fresh: int = 0
    kept: int = 0
    events: list[FlightEvent] = field(default_factory=list)
    stored: list[int] = field(default_factory=list)
    freshness: Freshness | None = None


class StateConflict(RuntimeError):
    """Another process saved the detector state during our round."""


class FlightWatch:
    """The live flight pipeline, one `poll` per scheduled round.

    Args:
        sessions: the store.
        fetcher: the providers with failover.
        clock: the current time, aware UTC (tests drive it with the fake's clock).
        wake: called when alerts were queued (wakes the delivery worker).
        config: detector thresholds.
        airports: nearest-airport index (the default one, loaded on first use).
        fields: every field, for ground fixes (`DetectorConfig.field_km`): a helicopter
            on its base or a jet on an airstrip outside `airports` is put there, as
            `replay-flights` puts it (every airportsdata field by default, made cell
            by cell on first use).
        keep: which positions to store.
        slice_size: most aircraft asked per round (what the first provider can answer
            in one); a larger watchlist is polled in slices (`bot.flights.rotation`).
        destinations: the destination predictor's thresholds (its alert threshold
            from the settings), or None for no predictions; it runs for watched
            aircraft in the air, outside the detector (`bot.flights.destination_watch`).
        link_window: a landing is linked to statements this far before or after it.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        fetcher: FlightFetcher,
        *,
        clock: Callable[[], datetime],
        wake: Callable[[], None] = lambda: None,
        config: DetectorConfig | None = None,
        airports: AirportIndex | None = None,
        fields: AirportLookup | None = None,
        keep: KeepRule | None = None,
        slice_size: int | None = None,
        destinations: DestinationConfig | None = DEFAULT_DESTINATIONS,
        link_window: timedelta = DEFAULT_WINDOW,
    ) -> None:
        self._sessions = sessions
        self._link_window = link_window
        self._fetcher = fetcher
        self._clock = clock
        self._wake = wake
        self._config = config or DetectorConfig()
        self._airports = airports
        self._fields = fields
        self._detector: Detector | None = None
        self._sightings = Sightings(keep)
        self._revision: int | None = None  # None: restore from the store first
        self._unsaved: set[str] = set()  # aircraft whose row is behind the memory
        self._answered_at: float | None = None  # clock time of the last usable answer
        self._saved_at: datetime | None = None
        self._rotation = Rotation(slice_size)
        self._slices_told = 1
        self._refreshes = Refreshes()
        self._lock = asyncio.Lock()
        self._destinations = DestinationWatch(destinations)

    async def poll(self) -> PollResult:
        """Run one round (rounds never overlap: a second caller waits for the first).

        Provider failures are health, not errors; a store failure propagates after
        arranging for the next round to restore the state from the store.
        """
        async with self._lock:
            async with self._sessions() as session:
                watched = await watched_hexes(session)
                if not watched:
                    return PollResult()
                detector = await self._ready_detector()
                await self._sync_state(session, detector)
            part = self._rotation.take(watched, self._clock())
            if self._rotation.slices != self._slices_told:
                self._slices_told = self._rotation.slices
                # A cycle longer than the silence thresholds makes aircraft look silent.
                log.warning(
                    "%d watched aircraft: polling them in %d slice(s), one per round",
                    len(watched),
                    self._rotation.slices,
                )
            outcome = await self._fetcher.fetch(part)
            if outcome.provider_used is not None:
                self._refreshes.answered(part, self._clock())
            judge_at = self._rotation.judge_at(outcome.provider_used is not None)
            try:
                result = await self._commit(detector, watched, outcome, judge_at)
            except Exception:
                self._revision = None
                raise
            if result.stored:
                self._wake()
            return result

    async def _ready_detector(self) -> Detector:
        if self._airports is None:
            # Reading airportsdata takes a few hundred ms: not on the loop.
            self._airports = await asyncio.to_thread(default_index)
        if self._fields is None:
            # Sorting every field's row into cells (~0.1 s): not on the loop.
            self._fields = CellIndex(every_field, await asyncio.to_thread(catalogue))
        if self._detector is None:
            self._detector = Detector(self._config, self._airports, self._fields)
        await self._destinations.ready()
        return self._detector

    async def _sync_state(self, session: AsyncSession, detector: Detector) -> None:
        """Restore from the store unless what it holds is what we saved last."""
        if self._revision is not None:
            stored = await state_revision(session, STATE_NAME)
            if stored == self._revision or (stored is None and self._revision == 0):
                return
        saved = await load_state(session, STATE_NAME)
        self._revision = 0 if saved is None else saved.revision
        document = {} if saved is None else saved.document
        aircraft = {} if saved is None else saved.aircraft
        self._unsaved = set()
        try:
            detector.restore(
                {
                    "version": document.get("version", SNAPSHOT_VERSION),
                    "tracks": {h: a.track for h, a in aircraft.items() if a.track is not None},
                }
            )
        except SnapshotError as exc:
            # Another format: start afresh rather than not at all (every stored track
            # is rewritten at the next save); the dedup keys still keep an event seen
            # before from being stored twice.
            log.warning("flight detector state not restored: %s", exc)
            detector.restore(_EMPTY_SNAPSHOT)
            self._unsaved.update(aircraft)
        self._sightings.restore({h: a.seen for h, a in aircraft.items() if a.seen is not None})
        self._unsaved.update(self._sightings.take_changed())
        self._saved_at = None
        answered = document.get("answered_at")
        self._answered_at = float(answered) if isinstance(answered, int | float) else None

    async def _commit(
        self,
        detector: Detector,
        watched: set[str],
        outcome: FetchOutcome,
        judge_at: datetime | None,
    ) -> PollResult:
        now = self._clock()
        mine = [r for r in outcome.reports if r.hex in watched]
        fresh = self._sightings.fresh(mine)
        events: list[FlightEvent] = []
        for report in fresh:
            events.extend(detector.feed(report))
        answered = outcome.provider_used is not None
        detector.retain(watched)
        if judge_at is not None:
            events.extend(detector.tick(judge_at))
            events = self._after_blindness(events, judge_at)
        events = [e for e in events if e.hex in watched]
        self._destinations.retain(watched)
        flying = self._destinations.observe(detector, fresh)
        kept = [_position(r) for r in fresh if self._sightings.keep(r)]
        self._sightings.retain(watched)
        self._unsaved |= detector.take_changed() | self._sightings.take_changed()
        full = self._revision == 0 or (answered and self._save_due(now))
        # Not due: only the aircraft whose events are stored now.
        saving = set(self._unsaved) if full else self._unsaved & {e.hex for e in events}
        # Stored with the document, so /providers in any process can tell how fresh we are.
        freshness = self._refreshes.summary(watched, now)
        stored: list[int] = []
        async with self._sessions.begin() as session:
            for update in outcome.health_updates:
                await record_health(
                    session, update.name, update.kind, update.base_url, update.health
                )
            await add_positions(session, kept)
            identities = await aircraft_by_hexes(session, (e.hex for e in events))
            for event in events:
                aircraft = identities.get(event.hex, Aircraft(hex=event.hex))
                event_id = await self._store_event(session, event, aircraft, now)
                if event_id is not None:
                    stored.append(event_id)
            landed = {e.hex for e in events if e.kind == EventKind.LANDING}
            self._destinations.forget(landed)
            stored += await self._destinations.alert(session, flying - landed, now, self._describe)
            if full or events:
                revision = await save_state(
                    session,
                    STATE_NAME,
                    {
                        "version": SNAPSHOT_VERSION,
                        "answered_at": self._answered_at,
                        "freshness": freshness.to_document(),
                    },
                    revision=self._revision or 0,
                    now=now,
                    aircraft=self._rows(detector, sorted(saving)),
                )
                if revision is None:
                    raise StateConflict("the flight detector state was saved by another process")
            else:
                revision = self._revision
        if full:
            self._saved_at = now
        if revision != self._revision:
            self._unsaved -= saving
        self._revision = revision
        return PollResult(
            watched=len(watched),
            provider=outcome.provider_used,
            reports=len(mine),
            fresh=len(fresh),
            kept=len(kept),
            events=events,
            stored=stored,
            freshness=freshness,
        )

    def _rows(self, detector: Detector, hexes: Sequence[str]) -> Iterator[dict[str, AircraftState]]:
        """The rows of `hexes`, a batch at a time, each serialised only when it is due."""
        for start in range(0, len(hexes), _SAVE_BATCH):
            yield {
                hex_: AircraftState(detector.track_row(hex_), self._sightings.entry(hex_))
                for hex_ in hexes[start : start + _SAVE_BATCH]
            }

    def _save_due(self, now: datetime) -> bool:
        """Whether a round without events should save the state (see STATE_EVERY)."""
        return self._saved_at is None or now - self._saved_at >= STATE_EVERY

    def _after_blindness(self, events: list[FlightEvent], now: datetime) -> list[FlightEvent]:
        """Drop the silence events that our own blindness may have made.

        When no provider answered (or the bot was down) for longer than the detector's
        `lost_after_s`, the first answer shows every flying aircraft after a gap that
        we cannot tell from a loss of its signal: "signal lost" and "signal regained"
        found now are not alerted (a regain that withdraws a probable landing still
        is). Landings and takeoffs across the gap stand: the data on either side of it
        shows them.
        """
        last, self._answered_at = self._answered_at, now.timestamp()
        if last is None or now.timestamp() - last <= self._config.lost_after_s:
            return events
        kept = [e for e in events if not _silence_event(e)]
        if len(kept) < len(events):
            log.info(
                "no provider answer for %.0f s: %d signal lost/regained event(s) not alerted",
                now.timestamp() - last,
                len(events) - len(kept),
            )
        return kept

    async def _store_event(
        self, session: AsyncSession, event: FlightEvent, aircraft: Aircraft, now: datetime
    ) -> int | None:
        info, people = await self._identity(session, aircraft)
        track: list[TrackPoint] = []
        predicted = None
        if event.kind == "landing":
            track = await self._track(session, event)
            departed = event.data.get("departure_ts")
            predicted = await self._destinations.predicted_for_landing(
                session,
                event.hex,
                datetime.fromisoformat(departed) if isinstance(departed, str) else None,
                event.ts,
            )
        alert = flight_alert(
            event,
            aircraft=info,
            people=people,
            airports=airport_data.get,
            track=track,
            predicted=predicted,
        )
        row = FlightEventRow(
            dedup_key=event.dedup_key,
            kind=event.kind.value,
            hex=event.hex,
            ts=event.ts,
            airport_icao=event.airport,
            lat=event.lat,
            lon=event.lon,
            alt_ft=event.alt_ft,
            confidence=event.confidence.value,
            provider=event.provider,
            thread_key=event.thread_key,
            data=event.data,
            detected_at=now,
        )
        recorded = await record_event(session, alert, now, row=row)
        if recorded is None:
            return None
        if event.kind == "landing":
            # The statement may have come first: this landing completes the pair.
            await link_landing(
                session,
                event_id=recorded.event_id,
                landed_at=event.ts,
                now=now,
                window=self._link_window,
            )
        return recorded.event_id

    async def _identity(
        self, session: AsyncSession, aircraft: Aircraft
    ) -> tuple[AircraftPart, list[PersonPart]]:
        """The aircraft as an alert shows it, and the people linked to it."""
        links = await links_of_aircraft(session, aircraft.hex)
        people = [
            PersonPart(slug=person.slug, names=dict(person.names), confidence=str(link.confidence))
            for link, person in links
        ]
        # The alert reads what it shows of the aircraft from its stored row itself.
        info = AircraftPart.of_row(
            aircraft,
            callsign=self._sightings.callsign(aircraft.hex),
            demo=DEMO_TAG in (aircraft.tags or []),
        )
        return info, people

    async def _describe(
        self, session: AsyncSession, hex_: str
    ) -> tuple[AircraftPart, list[PersonPart]]:
        """`_identity` of a hex (a destination alert reads the aircraft itself)."""
        found = await aircraft_by_hexes(session, [hex_])
        return await self._identity(session, found.get(hex_, Aircraft(hex=hex_)))

    async def _track(self, session: AsyncSession, event: FlightEvent) -> list[TrackPoint]:
        departed = event.data.get("departure_ts")
        start = (
            datetime.fromisoformat(departed) - _TRACK_BEFORE_TAKEOFF
            if isinstance(departed, str)
            else event.ts - _TRACK_WITHOUT_TAKEOFF
        )
        rows = await track_between(session, event.hex, start, event.ts + timedelta(minutes=1))
        return _thin([(p.lat, p.lon, p.alt_ft) for p in rows], _MAP_POINTS)


def _silence_event(event: FlightEvent) -> bool:
    if event.kind == EventKind.SIGNAL_LOST:
        return True
    return event.kind == EventKind.SIGNAL_REGAINED and "retracts" not in event.data


def _thin(points: Sequence[TrackPoint], limit: int) -> list[TrackPoint]:
    """At most `limit` points, evenly spread, the first and last always kept."""
    if len(points) <= limit:
        return list(points)
    step = (len(points) - 1) / (limit - 1)
    return [points[round(i * step)] for i in range(limit)]


def _position(report: PositionReport) -> dict[str, Any]:
    """A `positions` row (provider kept: where each point came from)."""
    return {
        "hex": report.hex,
        "ts": report.ts,
        "lat": report.lat,
        "lon": report.lon,
        "alt_ft": report.alt_ft,
        "on_ground": report.on_ground,
        "ground_speed_kt": report.gs_kt,
        "track_deg": report.track_deg,
        "vertical_rate_fpm": report.vrate_fpm,
        "squawk": report.squawk,
        "callsign": report.callsign,
        "provider": report.provider,
    }
