"""Wire formats of the fake ADS-B providers: readsb v2 aircraft objects and OpenSky state
vectors, built from a timeline of track points.

Pure functions and data, independent of the bot's own parsers and unit constants (a
fake that borrowed the code under test would prove little). Field names, units and
conventions follow readsb's README-json and OpenSky's REST documentation:

* readsb: ``alt_baro`` in feet or the string ``"ground"``, ``gs`` in knots, ``track``
  in degrees, ``baro_rate`` in ft/min, ``flight`` padded to 8 characters, keys omitted
  when unknown, ``hex`` first; a position older than 60 s moves to ``lastPosition``;
  ``seen_pos`` / ``seen`` are seconds before the envelope's ``now`` (milliseconds).
* OpenSky: ``[icao24, callsign, origin_country, time_position, last_contact, longitude,
  latitude, baro_altitude (m), on_ground, velocity (m/s), true_track, vertical_rate
  (m/s), sensors, geo_altitude (m), squawk, spi, position_source(, category)]``;
  ``time_position`` (and the position) is null when no position came in the last 15 s.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

__all__ = [
    "Alt",
    "FakeAircraft",
    "TrackPoint",
    "TrackTuple",
    "opensky_state",
    "point_at",
    "readsb_object",
]

Alt: TypeAlias = int | float | Literal["ground"] | None
TrackTuple: TypeAlias = tuple[
    float, float, float, Alt, float | None, float | None, float | None, str | None
]

# Exact definitions (1 ft = 0.3048 m, 1 kt = 1852 m per hour), written out on purpose
# rather than imported from the bot.
_M_PER_FT = 0.3048
_MS_PER_KT = 1852 / 3600
_MS_PER_FPM = 0.3048 / 60

# readsb: positions older than this are only shown as `lastPosition`.
READSB_POSITION_VALID_S = 60.0
# OpenSky: `time_position` is null without a position in the last 15 s.
OPENSKY_POSITION_WINDOW_S = 15.0
# Transponders set the ADS-B emergency status together with these Mode A codes.
_EMERGENCY_BY_SQUAWK = {"7500": "unlawful", "7600": "nordo", "7700": "general"}


@dataclass(frozen=True, slots=True)
class TrackPoint:
    """One position of a fake aircraft.

    Attributes:
        ts: Unix seconds of the position.
        lat: latitude in degrees.
        lon: longitude in degrees.
        alt: barometric altitude in feet, ``"ground"``, or None when unknown.
        gs: ground speed in knots.
        track: true track in degrees.
        baro_rate: vertical rate in ft/min.
        squawk: Mode A code, 4 octal digits.
    """

    ts: float
    lat: float
    lon: float
    alt: Alt = None
    gs: float | None = None
    track: float | None = None
    baro_rate: float | None = None
    squawk: str | None = None

    @classmethod
    def of(cls, value: TrackPoint | Sequence[Any]) -> TrackPoint:
        """A point from itself or a ``(ts, lat, lon, alt, gs, track, baro_rate, squawk)``
        tuple (trailing items may be left out)."""
        if isinstance(value, TrackPoint):
            return value
        return cls(*value)


@dataclass(slots=True)
class FakeAircraft:
    """A fake aircraft: database fields and a timeline of positions.

    Attributes:
        hex: ICAO address, 6 lowercase hex digits (use the unassigned ``ff`` block).
        callsign: flight callsign, unpadded.
        registration: registration, e.g. ``"DEMO1"``.
        type_code: ICAO type designator.
        category: emitter category, e.g. ``"A3"``.
        origin_country: OpenSky's ``origin_country`` (derived there from the address
            block; the ``ff`` block has no country, so tests choose).
        points: positions, sorted by time.
        raw: a readsb object served verbatim instead of the timeline (for malformed
            aircraft); OpenSky ignores it.
    """

    hex: str
    callsign: str | None = None
    registration: str | None = None
    type_code: str | None = None
    category: str | None = None
    origin_country: str = "Unknown"
    points: list[TrackPoint] = field(default_factory=list)
    raw: dict[str, Any] | None = None

    def add(self, points: Sequence[TrackPoint]) -> None:
        """Merge points into the timeline, keeping it sorted (a later point for the same
        second replaces the earlier one)."""
        by_ts = {p.ts: p for p in self.points}
        by_ts.update({p.ts: p for p in points})
        self.points = [by_ts[ts] for ts in sorted(by_ts)]


def point_at(
    aircraft: FakeAircraft, now: float, drop_after_s: float
) -> tuple[int, TrackPoint] | None:
    """(index, the latest point at or before `now`), or None when there is none or it
    is older than `drop_after_s` (the aircraft is no longer listed)."""
    times = [p.ts for p in aircraft.points]
    index = bisect.bisect_right(times, now) - 1
    if index < 0:
        return None
    point = aircraft.points[index]
    if now - point.ts > drop_after_s:
        return None
    return index, point


def readsb_object(
    aircraft: FakeAircraft, index: int, point: TrackPoint, now: float
) -> dict[str, Any]:
    """The readsb v2 aircraft object as served at `now` (Unix seconds)."""
    age = round(max(0.0, now - point.ts), 3)
    obj: dict[str, Any] = {"hex": aircraft.hex, "type": "adsb_icao"}
    if aircraft.callsign:
        obj["flight"] = aircraft.callsign.ljust(8)
    if aircraft.registration:
        obj["r"] = aircraft.registration
    if aircraft.type_code:
        obj["t"] = aircraft.type_code
    if point.alt is not None:
        obj["alt_baro"] = point.alt if point.alt == "ground" else round(point.alt)
    _put(obj, "gs", point.gs, 1)
    _put(obj, "track", point.track, 2)
    if point.alt != "ground":
        _put(obj, "baro_rate", point.baro_rate, 0)
    if point.squawk is not None:
        obj["squawk"] = point.squawk
    obj["emergency"] = _EMERGENCY_BY_SQUAWK.get(point.squawk or "", "none")
    if aircraft.category:
        obj["category"] = aircraft.category
    if age <= READSB_POSITION_VALID_S:
        obj.update(lat=round(point.lat, 6), lon=round(point.lon, 6), nic=8, rc=186, seen_pos=age)
    else:
        obj["lastPosition"] = {
            "lat": round(point.lat, 6),
            "lon": round(point.lon, 6),
            "nic": 8,
            "rc": 186,
            "seen_pos": age,
        }
    obj.update(
        version=2,
        nac_p=9,
        nac_v=1,
        sil=3,
        sil_type="perhour",
        alert=0,
        spi=0,
        mlat=[],
        tisb=[],
        messages=1000 + 37 * index,
        seen=age,
        rssi=-21.4,
    )
    return obj


def opensky_state(
    aircraft: FakeAircraft, point: TrackPoint, at: int, *, extended: bool = False
) -> list[Any]:
    """The OpenSky state vector of the aircraft for the answer time `at` (Unix seconds)."""
    fresh = at - point.ts <= OPENSKY_POSITION_WINDOW_S
    on_ground = point.alt == "ground"
    altitude_m = None
    if isinstance(point.alt, int | float) and not on_ground:
        altitude_m = round(point.alt * _M_PER_FT, 2)
    state: list[Any] = [
        aircraft.hex,
        aircraft.callsign.ljust(8) if aircraft.callsign else None,
        aircraft.origin_country,
        int(point.ts) if fresh else None,
        int(point.ts),
        round(point.lon, 4) if fresh else None,
        round(point.lat, 4) if fresh else None,
        altitude_m,
        on_ground,
        None if point.gs is None else round(point.gs * _MS_PER_KT, 2),
        None if point.track is None else round(point.track, 2),
        None if point.baro_rate is None or on_ground else round(point.baro_rate * _MS_PER_FPM, 2),
        None,
        altitude_m,
        point.squawk,
        False,
        0,
    ]
    if extended:
        state.append(0)
    return state


def _put(obj: dict[str, Any], key: str, value: float | None, digits: int) -> None:
    if value is None:
        return
    obj[key] = round(value) if digits == 0 else round(value, digits)
