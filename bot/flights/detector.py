"""The flight-event detector: a per-aircraft state machine over position reports.

Pure code: no clock, no I/O. `Detector.feed` takes one report and returns the events it
completes; `Detector.tick` is called with the current time and returns the events that
silence completes (signal lost, probable landing). A report that arrives after a long
silence first runs the same silence logic for its aircraft, so the events found do not
depend on how often `tick` runs, and a replay finds the same events as a live run.

How each event is found:

* takeoff, confirmed: the aircraft was on the ground and `confirm_reports` consecutive
  reports show it flying; the time is that of the first of them, the airport the one
  nearest the last ground position.
* takeoff, probable ("took off near"): the first fix of an aircraft (or the first after
  a gap) is low and climbing near an airport; the time is estimated back from the climb
  rate. Also when an aircraft last seen on the ground reappears flying after a gap: it
  took off from where it stood (if `reanchor_reports` reports put it there; else the
  airport is unknown), at an unknown time (`data["estimated"]`).
* landing, confirmed: the aircraft was flying and `confirm_reports` consecutive reports
  show it on the ground. `data` has the departure airport, time and flight duration
  when the takeoff was seen.
* landing, probable: the signal vanished for `probable_landing_after_s` while the
  aircraft was low and descending near an airport (or had just reported ground). Later
  data confirms it (a ground report, or a departure from the same airport after a
  plausible turnaround): a confirmed landing with the same thread key follows. If the
  aircraft reappears flying too soon to have landed, a signal_regained event with the
  same thread key and `data["retracts"]` withdraws it.
* signal_lost: nothing heard for `lost_after_s` from a flying aircraft (time: the last
  report); signal_regained: the next report. A gap at cruise altitude never becomes a
  landing: only low, descending aircraft near an airport do.
* emergency: squawk 7500/7600/7700 held for `emergency_hold_s` over at least
  `emergency_min_reports` reports; the time is when the squawk was first seen.

Which airport: a ground fix belongs to the nearest airport within `ground_airport_km`.
A low fix in the air is matched against every airport within `near_airport_km` that it
is low above: one climbing out takes the nearest airport behind it, one on approach the
airport ahead whose distance best fits a 3° glide path from its height (the nearest is
often a small field beside a big airport's final approach).

Reports implying an impossible speed or climb from the last accepted one are rejected
and produce nothing; `reanchor_reports` consecutive rejected reports that agree with
each other move the track there (the earlier fix was the bad one), still without an
event. Reports no newer than the last accepted one are ignored. A lone fix after a long
gap cannot be checked against anything: it may place a signal_regained, never a takeoff
or landing, since those need `confirm_reports` agreeing reports or a low fix near an
airport.

Keys of `FlightEvent.data` (all JSON values; times ISO 8601 UTC):

* takeoff: `how` ("ground", "first_fix", "after_gap"), `estimated`, `first_fix_ts`,
  `last_ground_ts`, `distance_km` (from the airport, probable ones).
* landing: `how` ("ground", "lost_low", "ground_then_lost", "departure"), `estimated`,
  `departure`, `departure_ts`, `duration_s` (when the takeoff was seen), `gap_s`,
  `last_fix_ts`, `last_alt_ft`, `distance_km` (probable ones), `probable_ts` and
  `probable_airport` (a confirmation of a probable landing).
* signal_lost: `last_gs_kt`. signal_regained: `gap_s`, `lost_ts`, and `retracts` (the
  dedup key of a probable landing it withdraws).
* emergency: `squawk`, `held_s`, `status` (readsb's emergency field, when given).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.flights.airports import AirportMatch
from bot.flights.events import Confidence, EventKind, FlightEvent
from bot.flights.geo import KM_PER_DEG, angle_between, bearing_deg, distance_km
from bot.flights.reports import Report
from bot.flights.thresholds import DetectorConfig
from bot.flights.track import AIR, GROUND, RECENT_KEYS, UNKNOWN, SnapshotError, Track

__all__ = ["AirportLookup", "Detector", "DetectorConfig", "SnapshotError"]

SNAPSHOT_VERSION = 1
_KM_PER_KT_S = 1.852 / 3600.0  # km travelled per second at one knot
_HIGHEST_FIELD_FT = 14_500  # the highest airports lie a little below this
_OVERHEAD_KM = 3.0  # this close, an airport is both ahead and behind
_ENOUGH = 1000  # cap of counters kept in the state, so snapshots stay small


class AirportLookup(Protocol):
    """What the detector needs from an airport index (see `AirportIndex`)."""

    def nearest(self, lat: float, lon: float, max_km: float) -> AirportMatch | None:
        """The nearest airport within max_km, or None."""
        ...

    def within(self, lat: float, lon: float, max_km: float) -> list[AirportMatch]:
        """Every airport within max_km, nearest first."""
        ...


@dataclass(frozen=True, slots=True)
class _Fix:
    """The few fields of a fix that the low-and-climbing test needs."""

    lat: float
    lon: float
    alt_ft: int | None
    vrate_fpm: float | None
    course: float | None  # direction of travel over the ground, degrees
    gs_kt: float | None = None


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")


class Detector:
    """Turns position reports into flight events, one state machine per aircraft.

    Args:
        config: thresholds.
        airports: the nearest-airport lookup (usually `airports.default_index()`).
        fields: every field, for ground fixes only (`field_km`): an aircraft standing
            on a heliport or an airstrip outside `airports` is put there. None: only
            `airports`.
    """

    def __init__(
        self,
        config: DetectorConfig,
        airports: AirportLookup,
        fields: AirportLookup | None = None,
    ) -> None:
        self._config = config
        self._airports = airports
        self._fields = fields
        # Distance from the last accepted fix of the report being fed (set by
        # `_plausible`; None for a first fix): `_classify` reuses it.
        self._hop_km: float | None = None
        self._tracks: dict[str, Track] = {}
        # Hexes whose track changed, appeared or went since `take_changed` last ran:
        # the store rewrites only those (serialising 15,000 tracks every save would not do).
        self._changed: set[str] = set()

    @property
    def config(self) -> DetectorConfig:
        """The thresholds in use."""
        return self._config

    def __len__(self) -> int:
        return len(self._tracks)

    # ---- public API -------------------------------------------------------------

    def feed(self, report: Report) -> list[FlightEvent]:
        """Take one report; return the events it completes (usually none)."""
        t = report.t
        track = self._tracks.get(report.hex)
        if track is None:
            track = self._tracks[report.hex] = Track(report.hex)
            self._changed.add(report.hex)
            return self._first(track, report, t, first_fix=True)
        if t <= track.t:
            return []  # stale: a position already seen (same seen_pos) or older
        if report.lat == track.lat and report.lon == track.lon and self._repeated(track, report):
            # The very same position, yet moving fast or thousands of feet higher or
            # lower: a position repeated without a new fix (resampled or forward-filled
            # data). No news: for the detector it is silent since its last real fix.
            return []
        self._changed.add(report.hex)
        if not self._plausible(track, report, t):
            return self._reject(track, report, t)
        track.rej_n = 0
        out: list[FlightEvent] = []
        gap = t - track.t
        if gap >= self._config.probable_landing_after_s:
            # What `tick` would have found during the silence, found now: the events
            # then do not depend on how often `tick` runs.
            self._expire(track, t, out)
        phase = track.phase
        if phase == UNKNOWN:
            kind = self._classify(track, report)
            if kind != UNKNOWN:
                self._enter(track, report, t, kind, first_fix=True, out=out)
        elif track.pend_key is not None:
            self._resolve_pending(track, report, t, gap, out)
        elif (
            phase == AIR
            and not track.lost
            and not report.on_ground
            and report.gs_kt is not None
            and report.gs_kt >= self._config.air_min_gs_kt
        ):
            # The common report, an aircraft flying on: what `_transition` does when
            # `_classify` says AIR (a reported flying speed off the ground), inline.
            track.cand = UNKNOWN
            track.cand_n = 0
        else:
            if track.lost:
                self._regained(track, report, t, gap, out)
            self._transition(track, report, t, out)
        squawk = report.squawk
        if squawk is not None:
            if squawk in self._config.emergency_squawks:
                self._squawk(track, report, t, out)
            else:
                track.em_code = None  # as `_squawk` does for an ordinary code
        self._accept(track, report, t)
        return out

    def tick(self, now: datetime) -> list[FlightEvent]:
        """Run the silence logic for every aircraft at `now`; return the events found.

        Also forgets aircraft silent for longer than `forget_after_s`.
        """
        t = now.timestamp()
        horizon = t - self._config.probable_landing_after_s
        forget = t - self._config.forget_after_s
        out: list[FlightEvent] = []
        dropped: list[str] = []
        for hex_, track in self._tracks.items():
            if track.t > horizon:
                continue
            if track.t <= forget:
                dropped.append(hex_)
            else:
                self._expire(track, t, out)
        for hex_ in dropped:
            del self._tracks[hex_]
        self._changed.update(dropped)
        return out

    def retain(self, hexes: Collection[str]) -> None:
        """Forget the aircraft that are not in `hexes` (no longer watched)."""
        gone = [hex_ for hex_ in self._tracks if hex_ not in hexes]
        for hex_ in gone:
            del self._tracks[hex_]
        self._changed.update(gone)

    def flight_of(self, hex_: str) -> tuple[str | None, float | None] | None:
        """The flight of an aircraft known to be in the air: its departure airport and
        time (each None when the takeoff was not seen); None when it is not flying.

        Read by the poller for the destination predictor, never by `feed`.
        """
        track = self._tracks.get(hex_)
        if track is None or track.phase != AIR:
            return None
        return track.dep_icao, track.dep_t

    def take_changed(self) -> set[str]:
        """The hexes whose track changed, appeared or was forgotten since the last call
        (or `restore`); the next call starts afresh. `track_state` gives their state."""
        changed, self._changed = self._changed, set()
        return changed

    def track_row(self, hex_: str) -> list[Any] | None:
        """One aircraft's track in row form (`Track.to_row`, which `restore` takes too),
        or None when it has none."""
        track = self._tracks.get(hex_)
        return None if track is None else track.to_row()

    def snapshot(self) -> dict[str, Any]:
        """The whole per-aircraft state as plain JSON-ready data."""
        return {
            "version": SNAPSHOT_VERSION,
            "tracks": {hex_: track.to_dict() for hex_, track in self._tracks.items()},
        }

    def restore(self, snapshot: Mapping[str, Any]) -> None:
        """Replace the per-aircraft state with one that `snapshot` made (each track may
        also be in row form, `track_row`).

        Raises:
            SnapshotError: the snapshot is of another version or malformed; the
                current state is then left as it was.
        """
        if not isinstance(snapshot, Mapping) or snapshot.get("version") != SNAPSHOT_VERSION:
            raise SnapshotError(f"not a version {SNAPSHOT_VERSION} detector snapshot")
        tracks = snapshot.get("tracks")
        if not isinstance(tracks, Mapping):
            raise SnapshotError("snapshot has no 'tracks' object")
        restored: dict[str, Track] = {}
        for hex_, raw in tracks.items():
            if not isinstance(hex_, str) or not isinstance(raw, Mapping | list):
                raise SnapshotError(f"track {hex_!r} is not a hex with an object or a row")
            restored[hex_] = (
                Track.from_dict(hex_, raw)
                if isinstance(raw, Mapping)
                else Track.from_row(hex_, raw)
            )
        self._tracks = restored
        self._changed = set()  # what was restored is what the store holds

    # ---- classification and plausibility ----------------------------------------

    def _near(self, lat: float, lon: float, max_km: float) -> AirportMatch | None:
        return self._airports.nearest(lat, lon, max_km)

    def _repeated(self, track: Track, report: Report) -> bool:
        """Whether a report at the track's very position is a repeat, not a fix."""
        config = self._config
        gs = report.gs_kt
        if gs is not None and gs > config.taxi_max_gs_kt:
            return True
        before = track.alt if track.alt is not None else track.g_elev
        after = report.alt_ft
        return (
            before is not None
            and after is not None
            and abs(after - before) > (config.altitude_slack_ft)
        )

    def _ground_field(self, lat: float, lon: float) -> AirportMatch | None:
        """The field a ground fix stands on: the nearest indexed airport within
        `ground_airport_km`, unless a field of `fields` lies within `field_km` and
        nearer (a helicopter on its base beside a big airport)."""
        config = self._config
        match = self._near(lat, lon, config.ground_airport_km)
        if self._fields is None or (match is not None and match.distance_km <= config.field_km):
            return match
        field = self._fields.nearest(lat, lon, config.field_km)
        if field is not None and (match is None or field.distance_km < match.distance_km):
            return field
        return match

    def _speed(self, track: Track, report: Report) -> float | None:
        """The ground speed to judge a report by: the reported one; or the one its
        position shows since the last fix when none is reported (up to
        `derive_max_s` after it); or when a report on the ground claims a flying
        speed that a position which has not moved belies (`belie_min_s` up to
        `lost_after_s` after the last fix): a bad speed, not a bad ground bit."""
        gs = report.gs_kt
        hop = self._hop_km
        if hop is None:
            return gs
        config = self._config
        dt = report.t - track.t
        if dt <= 0:
            return gs
        if gs is None:
            return hop / _KM_PER_KT_S / dt if dt <= config.derive_max_s else None
        if not report.on_ground or gs < config.air_min_gs_kt:
            return gs
        if not config.belie_min_s <= dt <= config.lost_after_s:
            return gs
        shown = hop / _KM_PER_KT_S / dt
        return shown if shown < config.taxi_max_gs_kt else gs

    def _vrate(self, track: Track, report: Report) -> float | None:
        """The vertical rate: reported, or worked out from the last fix's altitude."""
        vrate = report.vrate_fpm
        if vrate is not None or report.alt_ft is None or track.alt is None:
            return vrate
        dt = report.t - track.t
        if dt <= 0 or dt > self._config.derive_max_s:
            return None
        return (report.alt_ft - track.alt) * 60.0 / dt

    def _fix_of(self, track: Track, report: Report) -> _Fix:
        """A report's fix, its speed and vertical rate filled in from the track."""
        return _Fix(
            report.lat,
            report.lon,
            report.alt_ft,
            self._vrate(track, report),
            report.track_deg,
            self._speed(track, report),
        )

    def _classify(self, track: Track, report: Report) -> int:
        """GROUND, AIR or UNKNOWN for one report, in the context of its track."""
        config = self._config
        gs = self._speed(track, report)
        if report.on_ground:
            # Nothing touches down this fast: a bad air/ground bit, not a landing.
            return GROUND if gs is None or gs <= config.max_ground_gs_kt else UNKNOWN
        if gs is not None and gs >= config.air_min_gs_kt:
            return AIR
        alt = report.alt_ft
        if alt is not None and alt >= config.high_alt_ft:
            return AIR
        # Slow, or no speed: judge the height against the field, when there is one.
        if track.phase == GROUND and track.g_elev is not None:
            elev: int | None = track.g_elev
        else:
            match = self._near(report.lat, report.lon, config.ground_airport_km)
            elev = None if match is None else match.airport.elevation_ft
        slow = gs is not None and gs <= config.taxi_max_gs_kt
        if elev is not None:
            if alt is not None and alt > elev + config.airborne_min_agl_ft:
                return AIR
            return GROUND if slow else UNKNOWN
        if gs is not None and not slow:
            return AIR  # a slow flier away from any airport
        return UNKNOWN

    def _plausible(self, track: Track, report: Report, t: float) -> bool:
        """Whether the report can physically follow the last accepted one."""
        config = self._config
        dt = t - track.t
        reach = config.max_speed_kt * _KM_PER_KT_S * dt + config.position_slack_km
        lat1, lon1, lat2, lon2 = track.lat, track.lon, report.lat, report.lon
        dlat = lat2 - lat1
        dlon = lon2 - lon1
        if -1.0 < dlat < 1.0 and -1.0 < dlon < 1.0 and -80.0 < lat1 < 80.0:
            # `distance_km`'s flat-earth case, the same arithmetic, inline: every
            # report but a first fix comes here.
            x = dlon * math.cos(math.radians((lat1 + lat2) * 0.5))
            hop = KM_PER_DEG * math.sqrt(dlat * dlat + x * x)
        else:
            hop = distance_km(lat1, lon1, lat2, lon2)
        self._hop_km = hop
        if hop > reach:
            return False
        before = track.alt
        after = report.alt_ft
        if before is None and track.g_t == track.t:
            # The last fix was on the ground: at this field, or at most as high as
            # the highest one.
            before = track.g_elev
            if before is None and after is not None:
                before = min(after, _HIGHEST_FIELD_FT)
        climb = config.max_vrate_fpm * dt / 60.0 + config.altitude_slack_ft
        if after is None and report.on_ground and before is not None and before > climb:
            # On the ground right after a high fix: can it have come down that fast?
            match = self._near(report.lat, report.lon, config.ground_airport_km)
            # Away from airports the ground is at most as high as the highest field.
            after = _HIGHEST_FIELD_FT if match is None else match.airport.elevation_ft
            after = min(after, before)
        if before is None or after is None:
            return True
        return abs(after - before) <= climb

    def _reject(self, track: Track, report: Report, t: float) -> list[FlightEvent]:
        """Count a rejected report; re-anchor when rejected ones agree with each other."""
        config = self._config
        if t <= track.rej_t:
            return []
        agrees = False
        if track.rej_n:
            reach = config.max_speed_kt * _KM_PER_KT_S * (t - track.rej_t)
            reach += config.position_slack_km
            agrees = distance_km(track.rej_lat, track.rej_lon, report.lat, report.lon) <= reach
        track.rej_n = track.rej_n + 1 if agrees else 1
        track.rej_t = t
        track.rej_lat = report.lat
        track.rej_lon = report.lon
        if track.rej_n < config.reanchor_reports:
            return []
        # Several agreeing fixes: the bad one was ours. Restart here, with no event
        # but those the silence of the old track had earned (as `tick` would have).
        out: list[FlightEvent] = []
        if t - track.t >= config.probable_landing_after_s:
            self._expire(track, t, out)
        fresh = Track(track.hex)
        fresh.keys = track.keys
        self._tracks[track.hex] = fresh
        return out + self._first(fresh, report, t, first_fix=False)

    # ---- ground and air ---------------------------------------------------------

    def _first(
        self, track: Track, report: Report, t: float, *, first_fix: bool
    ) -> list[FlightEvent]:
        """The first accepted report of a track."""
        out: list[FlightEvent] = []
        self._hop_km = None
        kind = self._classify(track, report)
        if kind != UNKNOWN:
            self._enter(track, report, t, kind, first_fix=first_fix, out=out)
        if report.squawk is not None:
            self._squawk(track, report, t, out)
        self._accept(track, report, t)
        return out

    def _enter(
        self,
        track: Track,
        report: Report,
        t: float,
        kind: int,
        *,
        first_fix: bool,
        out: list[FlightEvent],
    ) -> None:
        """Give a phase to a track whose phase was unknown."""
        if first_fix and kind == AIR:
            fix = self._fix_of(track, report)
            if self._rolling(fix):
                return  # on the runway at flying speed: the next fix tells which roll
            track.phase = AIR
            match = self._low_climbing(fix, first=True)
            if match is not None:
                self._takeoff_near(track, report, t, fix, match, "first_fix", out)
            return
        rolled = t - track.t <= self._config.derive_max_s
        if first_fix and kind == GROUND and rolled and self._rolling(_track_fix(track)):
            # First seen on the runway at flying speed, now (soon after) slow on the
            # ground: it was rolling out after a landing, as a ground/air change would
            # show.
            track.phase = AIR
            self._candidate(track, report, t, GROUND)
            track.cand_alt = None
            track.cand_n = self._config.confirm_reports - 1
            self._transition(track, report, t, out)
            return
        track.phase = kind
        if kind == GROUND:
            self._on_ground(track, report, t)

    def _rolling(self, fix: _Fix) -> bool:
        """Whether a fix is on a runway at flying speed, neither climbing nor descending."""
        config = self._config
        gs, alt, vrate = fix.gs_kt, fix.alt_ft, fix.vrate_fpm
        if gs is None or gs < config.air_min_gs_kt or alt is None:
            return False
        if vrate is not None and not -config.descent_min_fpm < vrate < config.climb_min_fpm:
            return False
        field = self._ground_field(fix.lat, fix.lon)
        return field is not None and alt - field.airport.elevation_ft <= config.roll_max_agl_ft

    def _on_ground(self, track: Track, report: Report, t: float) -> None:
        """Remember a ground fix; look the field up again only when it moved far."""
        far = self._config.ground_airport_km / 2
        if track.g_t is None or distance_km(track.g_lat, track.g_lon, report.lat, report.lon) > far:
            match = self._ground_field(report.lat, report.lon)
            track.g_elev = None if match is None else match.airport.elevation_ft
            track.g_n = 0
        track.g_n = min(track.g_n + 1, _ENOUGH)
        track.g_t = t
        track.g_lat = report.lat
        track.g_lon = report.lon

    def _transition(self, track: Track, report: Report, t: float, out: list[FlightEvent]) -> None:
        """Ground/air change with hysteresis, for a track whose phase is known."""
        kind = self._classify(track, report)
        if kind == UNKNOWN:
            return
        if kind == track.phase:
            track.cand = UNKNOWN
            track.cand_n = 0
            if kind == GROUND:
                self._on_ground(track, report, t)
            return
        if track.cand != kind or track.cand_n == 0:
            self._candidate(track, report, t, kind)
        track.cand_n += 1
        if track.cand_n < self._config.confirm_reports:
            return
        track.cand = UNKNOWN
        track.cand_n = 0
        if kind == AIR:
            self._took_off(track, report, out)
        else:
            self._landed(track, report, out)
            self._on_ground(track, report, t)
        track.phase = kind

    def _candidate(self, track: Track, report: Report, t: float, kind: int) -> None:
        track.cand = kind
        track.cand_n = 0
        track.cand_t = t
        track.cand_prev_t = track.t
        track.cand_lat = report.lat
        track.cand_lon = report.lon
        track.cand_alt = report.alt_ft
        track.cand_vrate = report.vrate_fpm

    def _took_off(self, track: Track, report: Report, out: list[FlightEvent]) -> None:
        config = self._config
        t0 = track.cand_t
        at = (track.cand_lat, track.cand_lon, track.cand_alt)
        gap = t0 - (track.g_t if track.g_t is not None else t0)
        if gap < config.lost_after_s:
            match = self._ground_field(track.g_lat, track.g_lon)
            icao = None if match is None else match.airport.icao
            self._emit(
                out,
                track,
                EventKind.TAKEOFF,
                Confidence.CONFIRMED,
                t0,
                at=at,
                airport=icao,
                provider=report.provider,
                data={"how": "ground"},
            )
            track.dep_icao = icao
            track.dep_t = t0
            return
        # Last seen on the ground, flying after a gap: it took off in between.
        fix = _Fix(
            track.cand_lat,
            track.cand_lon,
            track.cand_alt,
            track.cand_vrate,
            report.track_deg,
            report.gs_kt,
        )
        near = self._low_climbing(fix)
        if near is not None:
            self._takeoff_near(track, report, t0, fix, near, "after_gap", out)
            return
        # Where it stood, if enough reports put it there: one fix with nothing before
        # it may be a spoofed one.
        ground = None
        if track.g_n >= config.reanchor_reports:
            ground = self._ground_field(track.g_lat, track.g_lon)
        icao = None if ground is None else ground.airport.icao
        data = {
            "how": "after_gap",
            "estimated": True,
            "last_ground_ts": _iso(t0 - gap),
            "first_fix_ts": _iso(t0),
        }
        self._emit(
            out,
            track,
            EventKind.TAKEOFF,
            Confidence.PROBABLE,
            t0,
            at=at,
            airport=icao,
            provider=report.provider,
            data=data,
        )
        track.dep_icao = icao
        track.dep_t = None  # when it left is not known

    def _landed(self, track: Track, report: Report, out: list[FlightEvent]) -> None:
        config = self._config
        t0 = track.cand_t
        match = self._ground_field(track.cand_lat, track.cand_lon)
        icao = None if match is None else match.airport.icao
        data = self._flight_data(track, t0)
        data["how"] = "ground"
        gap = t0 - track.cand_prev_t
        if gap >= config.lost_after_s:
            data["estimated"] = True  # it landed during the gap, at the latest now
            data["gap_s"] = round(gap)
        thread = track.pend_thread
        if thread is not None:
            data["probable_ts"] = _iso(track.pend_t or t0)
            data["probable_airport"] = track.pend_icao
            self._clear_pending(track)
        self._emit(
            out,
            track,
            EventKind.LANDING,
            Confidence.CONFIRMED,
            t0,
            at=(track.cand_lat, track.cand_lon, None),
            airport=icao,
            provider=report.provider,
            data=data,
            thread=thread,
        )
        track.dep_icao = None
        track.dep_t = None

    def _flight_data(self, track: Track, landed_t: float) -> dict[str, Any]:
        """Departure airport, time and duration of the flight that ends at landed_t."""
        data: dict[str, Any] = {}
        if track.dep_icao is not None:
            data["departure"] = track.dep_icao
        if track.dep_t is not None:
            data["departure_ts"] = _iso(track.dep_t)
            data["duration_s"] = round(landed_t - track.dep_t)
        return data

    def _low_climbing(self, fix: _Fix, *, first: bool = False) -> AirportMatch | None:
        """The airport a fix climbs out of, if it is low and climbing near one (up to
        `first_fix_agl_ft` for an aircraft's first fix), within reach of its climb."""
        config = self._config
        alt = fix.alt_ft
        vrate = fix.vrate_fpm
        if alt is None or vrate is None or vrate < config.climb_min_fpm:
            return None
        band = config.first_fix_agl_ft if first else config.low_agl_ft
        candidates = self._low_near(fix.lat, fix.lon, alt, band)
        if fix.gs_kt is not None:
            candidates = [m for m in candidates if m.distance_km <= self._climb_reach(fix, m)]
        if fix.course is not None:
            # Climbing away from it: the airport lies behind.
            behind = [
                m
                for m in candidates
                if m.distance_km <= _OVERHEAD_KM
                or angle_between(
                    bearing_deg(m.airport.lat, m.airport.lon, fix.lat, fix.lon), fix.course
                )
                <= config.approach_cone_deg
            ]
            candidates = behind or candidates
        return candidates[0] if candidates else None

    def _climb_reach(self, fix: _Fix, match: AirportMatch) -> float:
        """How far from `match` a fix climbing out of it can be (`climb_reach_factor`)."""
        config = self._config
        height = max(0.0, (fix.alt_ft or 0) - match.airport.elevation_ft)
        climb = max(fix.vrate_fpm or 0.0, config.climb_min_fpm)
        seconds = height / climb * 60.0
        flown = (fix.gs_kt or 0.0) * _KM_PER_KT_S * seconds
        return flown * config.climb_reach_factor + config.runway_km

    def _approached(self, fix: _Fix) -> AirportMatch | None:
        """The airport a low fix is on approach to, if any.

        The nearest airport is often wrong here: a small field can lie closer to the
        final approach of a big one. The airport must lie ahead, and on a 3° glide path
        the height above it tells how far it should be: the best fit wins.
        """
        config = self._config
        alt = fix.alt_ft
        if alt is None:
            return None
        candidates = self._low_near(fix.lat, fix.lon, alt)
        if fix.course is not None:
            ahead = [
                m
                for m in candidates
                if m.distance_km <= _OVERHEAD_KM
                or angle_between(
                    bearing_deg(fix.lat, fix.lon, m.airport.lat, m.airport.lon), fix.course
                )
                <= config.approach_cone_deg
            ]
            candidates = ahead or candidates
        ft_per_km = math.tan(math.radians(config.glide_slope_deg)) * 1000 / 0.3048

        def misfit(match: AirportMatch) -> float:
            height = max(0.0, alt - match.airport.elevation_ft)
            return abs(match.distance_km - height / ft_per_km)

        return min(candidates, key=misfit) if candidates else None

    def _low_near(
        self, lat: float, lon: float, alt: int, band: float | None = None
    ) -> list[AirportMatch]:
        """Airports near a fix that it is low above (`band`, `low_agl_ft` by default)."""
        config = self._config
        low = config.low_agl_ft if band is None else band
        return [
            match
            for match in self._airports.within(lat, lon, config.near_airport_km)
            if alt - match.airport.elevation_ft <= low
        ]

    def _takeoff_near(
        self,
        track: Track,
        report: Report,
        t: float,
        fix: _Fix,
        match: AirportMatch,
        how: str,
        out: list[FlightEvent],
    ) -> None:
        """A probable takeoff from a low, climbing fix, its time estimated back."""
        config = self._config
        height = max(0.0, (fix.alt_ft or 0) - match.airport.elevation_ft)
        climb = max(fix.vrate_fpm or 0.0, config.climb_min_fpm)
        # Back along the climb, but never further than the "low" band can take.
        t0 = t - min(height / climb, config.low_agl_ft / config.climb_min_fpm) * 60.0
        data = {
            "how": how,
            "estimated": True,
            "first_fix_ts": _iso(t),
            "distance_km": round(match.distance_km, 1),
        }
        self._emit(
            out,
            track,
            EventKind.TAKEOFF,
            Confidence.PROBABLE,
            t0,
            at=(fix.lat, fix.lon, fix.alt_ft),
            airport=match.airport.icao,
            provider=report.provider,
            data=data,
        )
        track.dep_icao = match.airport.icao
        track.dep_t = t0

    # ---- silence ----------------------------------------------------------------

    def _expire(self, track: Track, now: float, out: list[FlightEvent]) -> None:
        """Silence logic for one track at `now`, later than its last report."""
        if track.phase != AIR or track.lost:
            return  # parked aircraft go quiet all the time: not news
        config = self._config
        silence = now - track.t
        if not track.checked and silence >= config.probable_landing_after_s:
            self._changed.add(track.hex)
            track.checked = True
            if self._probable_landing(track, out):
                return
        if silence >= config.lost_after_s:
            self._changed.add(track.hex)
            track.lost = True
            self._emit(
                out,
                track,
                EventKind.SIGNAL_LOST,
                Confidence.CONFIRMED,
                track.t,
                at=(track.lat, track.lon, track.alt),
                airport=None,
                provider=track.provider,
                data={"last_gs_kt": _round(track.gs)},
            )

    def _probable_landing(self, track: Track, out: list[FlightEvent]) -> bool:
        """Report a probable landing if the last fixes look like one; say if so."""
        config = self._config
        if track.cand == GROUND and track.cand_n:
            # A ground report, then silence: probably down, but one report proves little.
            lat, lon, alt = track.cand_lat, track.cand_lon, None
            match = self._ground_field(lat, lon)
            t0 = track.cand_t
            how = "ground_then_lost"
        else:
            lat, lon, alt = track.lat, track.lon, track.alt
            if alt is None:
                return False
            vrate = track.vrate
            if vrate is None:
                if track.prev_alt is None or alt >= track.prev_alt:
                    return False
            elif vrate > -config.descent_min_fpm:
                return False
            match = self._approached(_Fix(lat, lon, alt, vrate, self._course(track)))
            if match is None:
                return False
            height = max(0.0, alt - match.airport.elevation_ft)
            sink = max(-(vrate or 0.0), config.descent_min_fpm)
            # Touchdown estimated along the descent, within the silence it took.
            t0 = track.t + min(height / sink * 60.0, config.probable_landing_after_s)
            how = "lost_low"
        if match is None:
            return False
        data = self._flight_data(track, t0)
        data.update(
            how=how,
            estimated=True,
            last_fix_ts=_iso(track.t),
            last_alt_ft=alt,
            distance_km=round(match.distance_km, 1),
        )
        key = self._emit(
            out,
            track,
            EventKind.LANDING,
            Confidence.PROBABLE,
            t0,
            at=(lat, lon, alt),
            airport=match.airport.icao,
            provider=track.provider,
            data=data,
        )
        track.pend_key = key
        track.pend_thread = key
        track.pend_t = t0
        track.pend_icao = match.airport.icao
        track.lost = True
        return True

    def _turnaround_s(self, report: Report) -> float:
        """The shortest plausible time on the ground for this aircraft's category."""
        config = self._config
        if report.category in config.quick_categories:
            return config.quick_turnaround_s
        return config.min_turnaround_s

    def _clear_pending(self, track: Track) -> None:
        track.pend_key = None
        track.pend_thread = None
        track.pend_t = None
        track.pend_icao = None

    def _regained(
        self, track: Track, report: Report, t: float, gap: float, out: list[FlightEvent]
    ) -> None:
        """First report after a signal_lost: say so, and spot a departure in the gap."""
        track.lost = False
        self._emit(
            out,
            track,
            EventKind.SIGNAL_REGAINED,
            Confidence.CONFIRMED,
            t,
            at=(report.lat, report.lon, report.alt_ft),
            airport=None,
            provider=report.provider,
            data={"gap_s": round(gap), "lost_ts": _iso(track.t)},
        )
        if gap >= self._turnaround_s(report) and not report.on_ground:
            fix = self._fix_of(track, report)
            match = self._low_climbing(fix)
            if match is not None:
                # It landed somewhere unseen and is climbing out again.
                self._takeoff_near(track, report, t, fix, match, "after_gap", out)

    def _resolve_pending(
        self, track: Track, report: Report, t: float, gap: float, out: list[FlightEvent]
    ) -> None:
        """Data after a probable landing: confirm it, or withdraw it."""
        kind = self._classify(track, report)
        if kind == UNKNOWN:
            return
        track.lost = False
        if kind == GROUND:
            # On the ground: it did land (perhaps elsewhere: the alert gets edited).
            # After a probable landing, one ground report is enough.
            self._candidate(track, report, t, GROUND)
            track.cand_alt = None
            track.cand_n = self._config.confirm_reports - 1
            self._transition(track, report, t, out)
            return
        key, thread, landed, icao = track.pend_key, track.pend_thread, track.pend_t, track.pend_icao
        self._clear_pending(track)
        at = (report.lat, report.lon, report.alt_ft)
        regained = {"gap_s": round(gap), "lost_ts": _iso(track.t)}
        if gap < self._turnaround_s(report):
            # Flying again too soon to have landed: withdraw the probable landing.
            self._emit(
                out,
                track,
                EventKind.SIGNAL_REGAINED,
                Confidence.CONFIRMED,
                t,
                at=at,
                airport=None,
                provider=report.provider,
                data={**regained, "retracts": key},
                thread=thread,
            )
            return
        fix = self._fix_of(track, report)
        match = self._low_climbing(fix)
        if match is not None and match.airport.icao == icao and landed is not None:
            # Climbing out of the same airport after a turnaround: it landed there.
            data = self._flight_data(track, landed)
            data.update(how="departure", estimated=True, probable_ts=_iso(landed))
            airport = match.airport
            self._emit(
                out,
                track,
                EventKind.LANDING,
                Confidence.CONFIRMED,
                landed,
                at=(airport.lat, airport.lon, None),
                airport=airport.icao,
                provider=report.provider,
                data=data,
                thread=thread,
            )
        else:
            self._emit(
                out,
                track,
                EventKind.SIGNAL_REGAINED,
                Confidence.CONFIRMED,
                t,
                at=at,
                airport=None,
                provider=report.provider,
                data=regained,
            )
        track.dep_icao = None
        track.dep_t = None
        if match is not None:
            self._takeoff_near(track, report, t, fix, match, "after_gap", out)

    # ---- emergency --------------------------------------------------------------

    def _squawk(self, track: Track, report: Report, t: float, out: list[FlightEvent]) -> None:
        """Follow an emergency-squawk episode; a report without a squawk changes nothing."""
        code = report.squawk
        config = self._config
        if code not in config.emergency_squawks:
            track.em_code = None
            return
        if code != track.em_code:
            track.em_code = code
            track.em_since = t
            track.em_n = 0
            track.em_done = False
        track.em_n += 1
        if track.em_done or track.em_n < config.emergency_min_reports:
            return
        if t - track.em_since < config.emergency_hold_s:
            return
        track.em_done = True
        data: dict[str, Any] = {"squawk": code, "held_s": round(t - track.em_since)}
        if report.emergency is not None:
            data["status"] = report.emergency
        self._emit(
            out,
            track,
            EventKind.EMERGENCY,
            Confidence.CONFIRMED,
            track.em_since,
            at=(report.lat, report.lon, report.alt_ft),
            airport=None,
            provider=report.provider,
            data=data,
        )

    # ---- bookkeeping ------------------------------------------------------------

    def _course(self, track: Track) -> float | None:
        """Direction of travel at the last fix: reported, or from the fix before it."""
        if track.course is not None:
            return float(track.course)
        if distance_km(track.plat, track.plon, track.lat, track.lon) < 0.1:
            return None  # too short a hop to tell a direction
        return bearing_deg(track.plat, track.plon, track.lat, track.lon)

    def _accept(self, track: Track, report: Report, t: float) -> None:
        track.t = t
        track.plat = track.lat
        track.plon = track.lon
        track.lat = report.lat
        track.lon = report.lon
        track.course = report.track_deg
        track.prev_alt = track.alt
        track.alt = report.alt_ft
        track.gs = report.gs_kt
        track.vrate = report.vrate_fpm
        track.provider = report.provider
        track.checked = False

    def _emit(
        self,
        out: list[FlightEvent],
        track: Track,
        kind: EventKind,
        confidence: Confidence,
        t: float,
        *,
        at: tuple[float, float, int | None],
        airport: str | None,
        provider: str | None,
        data: dict[str, Any],
        thread: str | None = None,
    ) -> str:
        """Append an event unless this track emitted its key lately; return the key."""
        step = self._config.dedup_round_s
        key = f"{track.hex}:{kind.value}:{confidence.value}:{int(t // step) * step}"
        if key in track.keys:
            return key
        track.keys.append(key)
        if len(track.keys) > RECENT_KEYS:
            del track.keys[0]
        out.append(
            FlightEvent(
                kind=kind,
                ts=datetime.fromtimestamp(t, UTC),
                hex=track.hex,
                airport=airport,
                lat=at[0],
                lon=at[1],
                alt_ft=at[2],
                confidence=confidence,
                dedup_key=key,
                thread_key=thread or key,
                provider=provider,
                data=data,
            )
        )
        return key


def _track_fix(track: Track) -> _Fix:
    """The last accepted fix of a track (on a first fix: nothing, speed None)."""
    gs = track.gs if track.t > 0 else None
    return _Fix(track.lat, track.lon, track.alt, track.vrate, track.course, gs)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
