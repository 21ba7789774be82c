"""The map picture sent with landing alerts: the flight's recent track, titled.

Registered as the picture of "flight" events; the composition root imports this
module so that the alerts package, which may not import flights, finds it. One
picture per event, for every chat whatever its language (it is uploaded once and
then sent by file id), so its text is language-neutral: see `bot.flights.maps_title`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.alerts.render import photo_maker
from bot.flights.maps import AirportMark, MapTitle, MapUnavailable, render_track_png
from bot.flights.maps_title import aircraft_name, airport_mark, flight_title

# Payload key: the recent track as [lat, lon, alt_ft or null] triples, oldest first.
TRACK_KEY = "track"


def _marks(payload: dict[str, Any]) -> list[AirportMark]:
    found = (airport_mark(payload.get(key)) for key in ("origin", "airport"))
    return [mark for mark in found if mark is not None]


def landing_title(payload: dict[str, Any]) -> MapTitle:
    """'DEMO1 · GLF6' / 'Moscow (VKO) → Baku (GYD)' / '2025-03-13 22:54 – … UTC'."""
    aircraft = aircraft_name(
        payload.get("registration"),
        payload.get("callsign"),
        payload.get("type_code"),
        payload.get("hex"),
    )
    return flight_title(
        aircraft,
        payload.get("origin"),
        payload.get("airport"),
        departed=_time(payload.get("departed_ts")),
        landed=_time(payload.get("ts")),
    )


def _time(value: object) -> datetime | None:
    # Payload times are ISO 8601 with their offset (`bot.flights.payload`).
    return datetime.fromisoformat(value) if isinstance(value, str) else None


@photo_maker("flight")
def landing_map(payload: dict[str, Any]) -> bytes | None:
    """A PNG of the track for landings that carry one; nothing for other events.

    Nothing either when the map worker died drawing it: the alert goes out without
    its map (the worker logged why and was replaced).
    """
    track = payload.get(TRACK_KEY)
    if payload.get("kind") != "landing" or not track:
        return None
    points = [(float(p[0]), float(p[1]), p[2] if len(p) > 2 else None) for p in track]
    try:
        return render_track_png(points, airports=_marks(payload), title=landing_title(payload))
    except MapUnavailable:
        return None
