"""The readsb "v2" API's wire format, built from a timeline of track points.

Shared by the demo's ADS-B stand-in (`bot.demo_fakes.adsb`) and the full fake the tests
use (tests/fakes/adsb.py, which adds OpenSky, keys, rate limits and faults).

Pure functions and data, independent of the bot's own parsers and unit constants (a
fake that borrowed the code under test would prove little). Field names, units and
conventions follow readsb's README-json: ``alt_baro`` in feet or the string
``"ground"``, ``gs`` in knots, ``track`` in degrees, ``baro_rate`` in ft/min, ``flight``
padded to 8 characters, keys omitted when unknown, ``hex`` first; a position older than
60 s moves to ``lastPosition``; ``seen_pos`` / ``seen`` are seconds before the
envelope's ``now`` (milliseconds).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

__all__ = [
    "READSB_POSITION_VALID_S",
    "Alt",
    "FakeAircraft",
    "TrackPoint",
    "TrackTuple",
    "point_at",
    "readsb_envelope",
    "readsb_object",
    "report_point",
]

Alt: TypeAlias = int | float | Literal["ground"] | None
TrackTuple: TypeAlias = tuple[
    float, float, float, Alt, float | None, float | None, float | None, str | None
]

# readsb: positions older than this are only shown as `lastPosition`.
READSB_POSITION_VALID_S = 60.0
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


def readsb_envelope(aircraft: list[dict[str, Any]], now: float) -> dict[str, Any]:
    """The answer around the aircraft objects served at `now` (Unix seconds)."""
    now_ms = int(now * 1000)
    return {
        "ac": aircraft,
        "msg": "No error",
        "now": now_ms,
        "total": len(aircraft),
        "ctime": now_ms,
        "ptime": 0,
    }


def report_point(report: Any) -> TrackPoint:
    """The track point a position report describes: anything with the attributes of the
    bot's ``PositionReport`` (ts, lat, lon, alt_ft, on_ground, gs_kt, track_deg, vrate_fpm,
    squawk); the fakes do not import the bot's flight code they stand in front of."""
    alt: Alt = "ground" if report.on_ground else report.alt_ft
    return TrackPoint(
        report.ts.timestamp(),
        report.lat,
        report.lon,
        alt,
        report.gs_kt,
        report.track_deg,
        report.vrate_fpm,
        report.squawk,
    )


def _put(obj: dict[str, Any], key: str, value: float | None, digits: int) -> None:
    if value is None:
        return
    obj[key] = round(value) if digits == 0 else round(value, digits)
