"""Synthetic flights, for tests, benchmarks and demos.

Everything made here is clearly synthetic: callers use hex codes from the unassigned
"ff" block and registrations such as "DEMO1". A flight taxis out, takes off at an exact
time, flies the great circle at a constant ground speed while climbing and descending at
constant rates, touches down at an exact time and taxis in.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime, timedelta

from bot.flights.airports import Airport
from bot.flights.geo import bearing_deg, haversine_km
from bot.flights.reports import KT_PER_MS, PositionReport

_TAXI_KT = 15.0


def great_circle_point(
    lat1: float, lon1: float, lat2: float, lon2: float, fraction: float
) -> tuple[float, float]:
    """The point a fraction of the way along the great circle between two points."""
    p1, l1, p2, l2 = map(math.radians, (lat1, lon1, lat2, lon2))
    d = haversine_km(lat1, lon1, lat2, lon2) / 6371.0088
    if d < 1e-12:
        return lat1, lon1
    a = math.sin((1 - fraction) * d) / math.sin(d)
    b = math.sin(fraction * d) / math.sin(d)
    x = a * math.cos(p1) * math.cos(l1) + b * math.cos(p2) * math.cos(l2)
    y = a * math.cos(p1) * math.sin(l1) + b * math.cos(p2) * math.sin(l2)
    z = a * math.sin(p1) + b * math.sin(p2)
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def _report(
    hex_: str, ts: datetime, lat: float, lon: float, provider: str, **fields: object
) -> PositionReport:
    base = PositionReport(
        hex=hex_,
        ts=ts,
        lat=lat,
        lon=lon,
        alt_ft=None,
        on_ground=False,
        gs_kt=None,
        track_deg=None,
        vrate_fpm=None,
        squawk="2000",
        callsign="DEMO1",
        registration="DEMO1",
        type_code="GLF6",
        provider=provider,
    )
    return replace(base, **fields)  # type: ignore[arg-type]


def taxi(
    hex_: str,
    airport: Airport,
    start: datetime,
    duration_s: float,
    step_s: float = 15.0,
    *,
    provider: str = "synthetic",
    heading_deg: float = 90.0,
    inbound: bool = False,
) -> list[PositionReport]:
    """Ground reports of an aircraft taxiing at 15 kt from (or to) the reference point.

    Outbound, the first report is at the reference point; inbound, the aircraft comes
    from the opposite side and its last report is one step short of the point.
    """
    reports = []
    speed_km_s = _TAXI_KT * 1.852 / 3600.0
    n = int(duration_s // step_s)
    for i in range(n):
        km = (i - n if inbound else i) * step_s * speed_km_s
        dlat = km * math.cos(math.radians(heading_deg)) / 111.195
        dlon = (
            km
            * math.sin(math.radians(heading_deg))
            / (111.195 * math.cos(math.radians(airport.lat)))
        )
        reports.append(
            _report(
                hex_,
                start + timedelta(seconds=i * step_s),
                airport.lat + dlat,
                airport.lon + dlon,
                provider,
                on_ground=True,
                gs_kt=_TAXI_KT,
                track_deg=heading_deg,
            )
        )
    return reports


def flight(
    hex_: str,
    dep: Airport,
    arr: Airport,
    takeoff: datetime,
    landing: datetime,
    *,
    step_s: float = 15.0,
    taxi_s: float = 600.0,
    cruise_ft: int = 39_000,
    climb_fpm: float = 2500.0,
    descent_fpm: float = 2000.0,
    provider: str = "synthetic",
) -> list[PositionReport]:
    """Reports of a whole flight: taxi out, takeoff, climb, cruise, descent, taxi in.

    The first airborne report is at `takeoff` (at the departure reference point) and the
    first ground report at `landing` (at the arrival reference point), so a detector
    should put the takeoff and landing exactly there.
    """
    start = takeoff - timedelta(seconds=int(taxi_s // step_s) * step_s)
    reports = taxi(hex_, dep, start, taxi_s, step_s, provider=provider, inbound=True)
    duration = (landing - takeoff).total_seconds()
    distance = haversine_km(dep.lat, dep.lon, arr.lat, arr.lon)
    gs = distance * 1000 / duration * KT_PER_MS
    n = math.ceil(duration / step_s)
    for i in range(n):
        elapsed = i * step_s
        lat, lon = great_circle_point(dep.lat, dep.lon, arr.lat, arr.lon, elapsed / duration)
        up = dep.elevation_ft + climb_fpm * elapsed / 60.0
        down = arr.elevation_ft + descent_fpm * (duration - elapsed) / 60.0
        alt = min(up, float(cruise_ft), down)
        vrate = climb_fpm if alt == up else (-descent_fpm if alt == down else 0.0)
        reports.append(
            _report(
                hex_,
                takeoff + timedelta(seconds=elapsed),
                lat,
                lon,
                provider,
                alt_ft=round(alt),
                gs_kt=round(gs, 1),
                vrate_fpm=vrate,
                track_deg=round(bearing_deg(lat, lon, arr.lat, arr.lon), 1),
            )
        )
    reports.extend(taxi(hex_, arr, landing, taxi_s, step_s, provider=provider))
    return reports
