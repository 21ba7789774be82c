"""/status and /flights in the chat's language: state, flights and the track picture.

Times follow the flight alerts (`bot.alerts.render_flight`): the airport's local time
with its zone named, and UTC. Airports come from the airport index by ICAO code, so a
stored event needs nothing but its code to be shown with city, country and IATA code.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date

from bot.alerts.flight_text import GLOBE_URL, duration, short_place, when
from bot.alerts.text import dated_moment
from bot.flights import airports, payload
from bot.flights.history import Flight, State, Whereabouts
from bot.flights.maps import MapUnavailable, render_track_png
from bot.flights.maps_title import aircraft_name, airport_mark, flight_title
from bot.kernel.i18n import Translator
from storage.flight_records import Fix
from storage.models import Aircraft


def airport_info(icao: str | None) -> dict[str, Any] | None:
    """The airport as the alert helpers take it, or a bare code when the index lacks it."""
    if not icao:
        return None
    return payload.airport_info(airports.get(icao)) or {"icao": icao, "name": icao}


def _zone(airport: dict[str, Any] | None) -> str:
    return str(airport["tz"]) if airport and airport.get("tz") else "UTC"


def _clock(moment: datetime, airport: dict[str, Any] | None, t: Translator) -> str:
    """'01:54 Moscow time (Mar 13, 22:54 UTC)' (UTC dated when on another day), or '22:54 UTC'."""
    return dated_moment(moment, _zone(airport), t, day=False)


def _day(moment: datetime, airport: dict[str, Any] | None, t: Translator) -> str:
    local = moment.astimezone(ZoneInfo(_zone(airport)))
    return str(format_date(local, "medium", locale=t.locale))


def state_line(where: Whereabouts, t: Translator) -> str:
    """'✈️ Airborne — took off from Moscow (VKO), …' and the like, then when last seen."""
    airport = airport_info(where.airport)
    if where.state == State.AIRBORNE:
        text = "✈️ " + t._("Airborne")
        if where.since is not None:
            took_off = t._("took off from {place}", place=short_place(airport, t))
            text += f" — {took_off}, {when(where.since.isoformat(), airport, t)}"
    elif where.state == State.ON_GROUND:
        text = "🅿️ " + t._("On the ground")
        if airport is not None and where.since is not None:
            place = short_place(airport, t)
            landed = (
                t._("probably landed at {place}", place=place)
                if where.probable
                else t._("landed at {place}", place=place)
            )
            text += f" — {landed}, {when(where.since.isoformat(), airport, t)}"
    else:
        text = "❔ " + t._("Whereabouts unknown")
    if where.last_seen is not None:
        seen = dated_moment(where.last_seen, "UTC", t)
        text += "\n" + t._("Last seen: {time}", time=seen)
    else:
        text += "\n" + t._("No position or flight of this aircraft is stored yet.")
    return text


def flight_line(flight: Flight, t: Translator, *, ident: str | None = None) -> str:
    """'14 Mar 2025 · Moscow (VKO) 01:54 … → Baku (GYD) 05:30 … · 3 h 36 min'."""
    origin, destination = airport_info(flight.departure), airport_info(flight.arrival)
    first = flight.departed or flight.landed
    day = _day(first, origin if flight.departed else destination, t) if first else ""
    if flight.departed is not None:
        left = f"{short_place(origin, t)} {_clock(flight.departed, origin, t)}"
    elif origin is not None:
        left = short_place(origin, t)
    else:
        left = t._("departure not seen")
    if flight.landed is not None:
        right = f"{short_place(destination, t)} {_clock(flight.landed, destination, t)}"
        if flight.landing_confidence == "probable":
            right += " " + t._("(probable landing)")
    else:
        right = t._("landing not seen yet")
    parts = [escape(day), f"{left} → {right}"]
    if flight.duration_s is not None and flight.landed is not None:
        parts.append(duration(flight.duration_s, t))
    line = " · ".join(p for p in parts if p)
    return f"{escape(ident)}: {line}" if ident else line


def globe_link(hex_code: str, label: str) -> str:
    """A link to the aircraft on globe.adsb.lol."""
    url = GLOBE_URL.format(hex=escape(hex_code))
    return f'<a href="{url}">{escape(label)}</a>'


def track_picture(
    fixes: Sequence[Fix],
    flight: Flight | None,
    t: Translator | None = None,
    aircraft: Aircraft | None = None,
) -> bytes | None:
    """PNG of the track with departure and arrival marked; CPU-heavy: call off the loop.

    Drawn for one chat, so its title (aircraft, route, the times the track spans) is
    in that chat's language when `t` is given (see `bot.flights.maps_title`). None
    when the map worker died drawing it: the text goes without its map.
    """
    if not fixes:
        return None
    origin = airport_info(flight.departure) if flight is not None else None
    destination = airport_info(flight.arrival) if flight is not None else None
    found = (airport_mark(a, t) for a in (origin, destination))
    marks = [mark for mark in found if mark is not None]
    callsign = next((f.callsign for f in reversed(fixes) if f.callsign), None)
    name = aircraft_name(
        aircraft.registration if aircraft else None,
        callsign,
        aircraft.type_code if aircraft else None,
        fixes[-1].hex,
    )
    title = flight_title(name, origin, destination, departed=fixes[0].ts, landed=fixes[-1].ts, t=t)
    points = [(f.lat, f.lon, None if f.on_ground else f.alt_ft) for f in fixes]
    try:
        return render_track_png(points, airports=marks, title=title)
    except MapUnavailable:
        return None


# ---------------------------------------------------------------- fleets

# An aircraft not seen for this long is "not seen for N days" rather than "since 14:02".
_DAY = timedelta(days=1)


def activity_key(where: Whereabouts) -> tuple[int, float]:
    """Sort key, most recently active first: airborne, then by last sighting, never seen last."""
    seen = where.last_seen.timestamp() if where.last_seen is not None else float("-inf")
    return (0 if where.state == State.AIRBORNE else 1, -seen)


def fleet_summary(states: Sequence[Whereabouts], t: Translator) -> str:
    """'27 aircraft: ✈️ 1 airborne · 🅿️ 3 on the ground · ❔ 23 not seen lately'."""
    airborne = sum(1 for w in states if w.state == State.AIRBORNE)
    grounded = sum(1 for w in states if w.state == State.ON_GROUND)
    unseen = len(states) - airborne - grounded
    parts = [
        "✈️ " + t.n_("{n} airborne", "{n} airborne", airborne),
        "🅿️ " + t.n_("{n} on the ground", "{n} on the ground", grounded),
        "❔ " + t.n_("{n} not seen lately", "{n} not seen lately", unseen),
    ]
    total = t.n_("{n} aircraft", "{n} aircraft", len(states))
    return f"{total}: " + " · ".join(parts)


def fleet_state_line(where: Whereabouts, fix: Fix | None, now: datetime, t: Translator) -> str:
    """One line of an aircraft in a fleet list: where it is and since when, in brief."""
    airport = airport_info(where.airport)
    if where.state == State.AIRBORNE:
        parts = ["✈️ " + t._("Airborne")]
        if fix is not None and not fix.on_ground:
            parts.append(f"{fix.lat:.2f}, {fix.lon:.2f}")
            if fix.alt_ft is not None:
                parts.append(t._("{feet} ft", feet=t.number(round(fix.alt_ft, -2))))
        if where.since is not None:
            took_off = t._("took off from {place}", place=short_place(airport, t))
            parts.append(f"{took_off}, {when(where.since.isoformat(), airport, t)}")
        return " · ".join(parts)
    if where.state == State.ON_GROUND:
        text = "🅿️ " + t._("On the ground")
        if airport is not None and where.since is not None:
            landed = (
                t._("probably landed at {place}", place=short_place(airport, t))
                if where.probable
                else t._("landed at {place}", place=short_place(airport, t))
            )
            return f"{text} — {landed}, {when(where.since.isoformat(), airport, t)}"
        if where.last_seen is not None:
            seen = t._("{time} UTC", time=t.date_time(where.last_seen))
            text += " · " + t._("Last seen: {time}", time=seen)
        return text
    if where.last_seen is None:
        return "❔ " + t._("Never seen since it is watched")
    age = now - where.last_seen
    if age >= _DAY:
        days = age.days
        return "❔ " + t.n_(
            "Not seen for {n} day (last: {date})",
            "Not seen for {n} days (last: {date})",
            days,
            date=_day(where.last_seen, None, t),
        )
    seen = t._("{time} UTC", time=t.date_time(where.last_seen))
    return "❔ " + t._("Whereabouts unknown") + " · " + t._("Last seen: {time}", time=seen)
