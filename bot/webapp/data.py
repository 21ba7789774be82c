"""The Mini App's JSON: the fleet, one aircraft, the statements timeline, the venues.

Everything carries its provenance (source, time, confidence). Sentences come from the
same renderers as the commands, in the user's language, as plain text (`plain`); the
page shows them with textContent, so a feed title or a note is never parsed as HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.venue_text import freshest_line, reason_text
from bot.flights import airports
from bot.flights.history import State
from bot.flights.overview import aircraft_overviews, recent_flights, recent_track
from bot.flights.status_text import flight_line, state_line
from bot.kernel.i18n import Translator
from bot.venues.ranking import Ranking
from bot.venues.views import freshest_data, reason_data
from bot.watch.person_text import person_label
from bot.webapp.plain import plain
from storage.flight_records import Fix
from storage.models import Aircraft, Person, PersonAircraft
from storage.statements import recent_statements
from storage.watchlist import aircraft_with_people, all_aircraft, all_links

FLIGHTS_SHOWN = 5
STATEMENTS_SHOWN = 50
# A track is thinned to about this many points: enough for a phone screen.
TRACK_POINTS = 600


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _link(link: PersonAircraft, person: Person, locale: str) -> dict[str, Any]:
    return {
        "person": person.slug,
        "name": person_label(person, locale),
        "confidence": str(link.confidence),
        "source": link.source or "analyst",
        "source_url": link.source_url,
        "as_of": link.as_of or _iso(link.since),
        "note": link.note,
        "stale_since": _iso(link.stale_since),
    }


def _airport(icao: str | None) -> dict[str, Any] | None:
    if not icao:
        return None
    found = airports.get(icao)
    if found is None:
        return {"icao": icao}
    return {
        "icao": found.icao,
        "iata": found.iata,
        "name": found.name,
        "city": found.city,
        "lat": found.lat,
        "lon": found.lon,
    }


def position_json(fix: Fix | None) -> dict[str, Any] | None:
    """A kept position with its time and provider, as the map draws it."""
    if fix is None:
        return None
    return {
        "lat": round(fix.lat, 5),
        "lon": round(fix.lon, 5),
        "alt_ft": fix.alt_ft,
        "heading": fix.track_deg,
        "on_ground": fix.on_ground,
        "callsign": (fix.callsign or "").strip() or None,
        "ts": _iso(fix.ts),
        "source": fix.provider,
    }


def aircraft_item(
    aircraft: Aircraft,
    links: Sequence[tuple[PersonAircraft, Person]],
    fix: Fix | None,
    state: State,
    airport: str | None,
    locale: str,
) -> dict[str, Any]:
    """One watched aircraft as the map and its filters need it."""
    return {
        "hex": aircraft.hex,
        "registration": aircraft.registration,
        "type": aircraft.type_name or aircraft.type_code,
        "operator": aircraft.operator,
        "category": aircraft.category,
        "source": aircraft.source,
        "state": str(state),
        "airport": _airport(airport) if state == State.ON_GROUND else None,
        "position": position_json(fix),
        "people": [_link(link, person, locale) for link, person in links],
    }


async def fleet(session: AsyncSession, now: datetime, locale: str) -> dict[str, Any]:
    """Every watched aircraft with its last position, state and linked people."""
    craft = await all_aircraft(session)
    links: dict[str, list[tuple[PersonAircraft, Person]]] = {}
    for link, person in await all_links(session):
        links.setdefault(link.aircraft_hex, []).append((link, person))
    overviews = await aircraft_overviews(session, [a.hex for a in craft], now)
    items = []
    newest: datetime | None = None
    for aircraft, overview in zip(craft, overviews, strict=True):
        fix = overview.last_fix
        if fix is not None and (newest is None or fix.ts > newest):
            newest = fix.ts
        items.append(
            aircraft_item(
                aircraft,
                links.get(aircraft.hex, []),
                fix,
                overview.where.state,
                overview.where.airport,
                locale,
            )
        )
    return {"as_of": _iso(newest), "now": _iso(now), "aircraft": items}


def _thin(track: Sequence[Fix], wanted: int) -> list[Fix]:
    if len(track) <= wanted:
        return list(track)
    step = len(track) / wanted
    kept = [track[int(i * step)] for i in range(wanted)]
    kept.append(track[-1])
    return kept


async def aircraft_detail(
    session: AsyncSession, hex_code: str, now: datetime, t: Translator
) -> dict[str, Any] | None:
    """One aircraft: its state sentence, its recent track, its last flights, its links."""
    aircraft, links = await aircraft_with_people(session, hex_code)
    if aircraft is None:
        return None
    overview = (await aircraft_overviews(session, [hex_code], now))[0]
    track = await recent_track(session, overview)
    flights = await recent_flights(session, [hex_code], FLIGHTS_SHOWN)
    item = aircraft_item(
        aircraft,
        links,
        overview.last_fix,
        overview.where.state,
        overview.where.airport,
        t.locale,
    )
    item["state_text"] = plain(state_line(overview.where, t))
    item["track"] = [
        [round(f.lat, 5), round(f.lon, 5), f.alt_ft, f.on_ground, _iso(f.ts)]
        for f in _thin(track, TRACK_POINTS)
    ]
    item["track_source"] = overview.last_fix.provider if overview.last_fix else None
    item["flights"] = [
        {
            "text": plain(flight_line(f, t)),
            "departed": _iso(f.departed),
            "landed": _iso(f.landed),
            "from": f.departure,
            "to": f.arrival,
            "confidence": f.landing_confidence,
        }
        for f in flights
    ]
    return item


async def statements(
    session: AsyncSession, now: datetime, t: Translator, *, days: int = 14
) -> dict[str, Any]:
    """The statements that mentioned something watched, newest first, with their links."""
    found = await recent_statements(
        session, since=now - timedelta(days=days), limit=STATEMENTS_SHOWN
    )
    return {
        "now": _iso(now),
        "statements": [
            {
                "id": s.id,
                "title": s.title,
                "summary": s.summary[:400],
                "url": s.url if s.url and s.url.startswith(("https://", "http://")) else None,
                "source": s.source,
                "official": s.official,
                "country": s.country,
                "language": s.language,
                "time": _iso(s.when),
                "when": t.dated_local_and_utc(s.when, "UTC"),
                "fetched_at": _iso(s.fetched_at),
                "revision": s.revision,
                "mentions": sorted({key for _kind, key, _text in s.mentions}),
            }
            for s in found
        ],
    }


def venues(ranking: Ranking, t: Translator) -> dict[str, Any]:
    """The ranking, best first, each score with every reason that moved it."""
    items = []
    for rank, item in enumerate(ranking.scores, start=1):
        zone = item.venue.timezone
        moved = sorted(
            (c for c in item.contributions if c.points != 0), key=lambda c: -abs(c.points)
        )
        reasons = [
            {
                "points": round(c.points, 2),
                "kind": str(c.kind),
                "text": plain(reason_text(reason_data(c, ranking.people, item.venue), zone, t)),
                "ref": c.evidence_ref,
            }
            for c in moved
        ]
        fresh = freshest_line(freshest_data(item), zone, t)
        items.append(
            {
                "rank": rank,
                "slug": item.venue.slug,
                "name": item.venue.names.get(t.locale) or item.venue.names.get("en"),
                "country": item.venue.country,
                "lat": item.venue.lat,
                "lon": item.venue.lon,
                "score": round(item.total, 2),
                "reasons": reasons,
                "freshest": plain(fresh) if fresh else None,
            }
        )
    return {"computed_at": _iso(ranking.at), "venues": items}
