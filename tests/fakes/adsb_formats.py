"""Wire formats of the fake ADS-B providers: readsb v2 aircraft objects and OpenSky state
vectors, built from a timeline of track points.

The readsb half ships with the demo (:mod:`bot.demo_fakes.readsb`) and is re-exported
here; OpenSky's is the tests' own.

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

from typing import Any

from bot.demo_fakes.readsb import (
    READSB_POSITION_VALID_S,
    Alt,
    FakeAircraft,
    TrackPoint,
    TrackTuple,
    point_at,
    readsb_envelope,
    readsb_object,
    report_point,
)

__all__ = [
    "READSB_POSITION_VALID_S",
    "Alt",
    "FakeAircraft",
    "TrackPoint",
    "TrackTuple",
    "opensky_state",
    "point_at",
    "readsb_envelope",
    "readsb_object",
    "report_point",
]

# Exact definitions (1 ft = 0.3048 m, 1 kt = 1852 m per hour), written out on purpose
# rather than imported from the bot.
_M_PER_FT = 0.3048
_MS_PER_KT = 1852 / 3600
_MS_PER_FPM = 0.3048 / 60

# OpenSky: `time_position` is null without a position in the last 15 s.
OPENSKY_POSITION_WINDOW_S = 15.0


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
