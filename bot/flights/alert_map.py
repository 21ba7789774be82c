"""The map picture sent with landing alerts: the flight's recent track.

Registered as the picture of "flight" events; the composition root imports this
module so that the alerts package, which may not import flights, finds it.
"""

from __future__ import annotations

from typing import Any

from bot.alerts.render import photo_maker
from bot.flights.maps import AirportMark, render_track_png

# Payload key: the recent track as [lat, lon, alt_ft or null] triples, oldest first.
TRACK_KEY = "track"


def _marks(payload: dict[str, Any]) -> list[AirportMark]:
    marks = []
    for key in ("origin", "airport"):
        airport = payload.get(key) or {}
        if "lat" in airport and "lon" in airport:
            label = str(airport.get("iata") or airport.get("icao") or "")
            marks.append(AirportMark(label, float(airport["lat"]), float(airport["lon"])))
    return marks


@photo_maker("flight")
def landing_map(payload: dict[str, Any]) -> bytes | None:
    """A PNG of the track for landings that carry one; nothing for other events."""
    track = payload.get(TRACK_KEY)
    if payload.get("kind") != "landing" or not track:
        return None
    points = [(float(p[0]), float(p[1]), p[2] if len(p) > 2 else None) for p in track]
    return render_track_png(points, airports=_marks(payload))
