"""Distances on the Earth, for airport lookups and speed checks."""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
KM_PER_DEG = math.pi * EARTH_RADIUS_KM / 180.0  # km per degree along a great circle


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees."""
    p1 = math.radians(lat1)
    p2 = math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km, with a fast flat approximation for short hops.

    The detector measures the hop between consecutive fixes of every report, so the
    common case (under a degree apart, away from the poles) skips the trigonometry of
    the haversine; its error there is well under 1 %, far inside the speed-check slack.
    """
    dlat = lat2 - lat1
    dlon = lon2 - lon1
    if dlon > 180.0:
        dlon -= 360.0
    elif dlon < -180.0:
        dlon += 360.0
    if -1.0 < dlat < 1.0 and -1.0 < dlon < 1.0 and -80.0 < lat1 < 80.0:
        x = dlon * math.cos(math.radians((lat1 + lat2) * 0.5))
        return KM_PER_DEG * math.sqrt(dlat * dlat + x * x)
    return haversine_km(lat1, lon1, lat2, lon2)


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial great-circle bearing from the first point to the second, 0-360°."""
    p1 = math.radians(lat1)
    p2 = math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(y, x)) % 360.0


def angle_between(a_deg: float, b_deg: float) -> float:
    """The smaller angle between two directions, 0-180°."""
    diff = abs(a_deg - b_deg) % 360.0
    return 360.0 - diff if diff > 180.0 else diff
