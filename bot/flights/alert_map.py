"""The map picture sent with landing alerts: the flight's recent track, titled.

The picture of flight alerts in the renderers' table: the composition root
(`bot.runtime.app`) hands `landing_map` to `bot.alerts.render.AlertRenderers`, since the
alerts package may not import flights. One picture per event, for every chat
whatever its language (it is uploaded once and then sent by file id), so its text
is language-neutral: see `bot.flights.maps_title`.
"""

from __future__ import annotations

from bot.alerts.events import FlightAlert
from bot.flights.maps import AirportMark, MapTitle, MapUnavailable, render_track_png
from bot.flights.maps_title import aircraft_name, airport_mark, flight_title


def _marks(alert: FlightAlert) -> list[AirportMark]:
    found = (airport_mark(airport) for airport in (alert.origin, alert.airport))
    return [mark for mark in found if mark is not None]


def landing_title(alert: FlightAlert) -> MapTitle:
    """'DEMO1 · GLF6' / 'Moscow (VKO) → Baku (GYD)' / '2025-03-13 22:54 – … UTC'."""
    aircraft = aircraft_name(alert.registration, alert.callsign, alert.type_code, alert.hex)
    return flight_title(
        aircraft, alert.origin, alert.airport, departed=alert.departed_ts, landed=alert.ts
    )


def landing_map(alert: FlightAlert) -> bytes | None:
    """A PNG of the track for landings that carry one; nothing for other events.

    Nothing either when the map worker died drawing it: the alert goes out without
    its map (the worker logged why and was replaced).
    """
    if alert.kind != "landing" or not alert.track:
        return None
    try:
        return render_track_png(
            list(alert.track), airports=_marks(alert), title=landing_title(alert)
        )
    except MapUnavailable:
        return None
