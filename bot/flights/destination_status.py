"""The destination prediction on /status: the newest one of a flight not yet landed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.destination_text import heading_line
from bot.flights.overview import AircraftOverview
from bot.flights.status_text import airport_info
from bot.kernel.i18n import Translator
from storage.flight_destinations import destinations_since
from storage.models import FlightEventRow


async def open_predictions(
    session: AsyncSession, overviews: Sequence[AircraftOverview]
) -> dict[str, FlightEventRow]:
    """Hex -> the newest prediction made since its last flight took off, for the
    aircraft whose last flight has taken off and not landed."""
    flying: dict[str, datetime] = {
        o.hex: o.last_flight.departed
        for o in overviews
        if o.last_flight is not None
        and o.last_flight.landed is None
        and o.last_flight.departed is not None
    }
    if not flying:
        return {}
    found: dict[str, FlightEventRow] = {}
    for row in await destinations_since(session, list(flying), min(flying.values())):
        if row.hex not in found and row.ts >= flying[row.hex]:
            found[row.hex] = row  # newest first
    return found


def prediction_line(row: FlightEventRow, t: Translator) -> str:
    """'🧭 Heading for Baku (GYD), ETA about 05:30 Baku time (01:30 UTC), likely (72%)'."""
    data = row.data or {}
    eta = data.get("eta")
    return heading_line(
        airport_info(row.airport_icao) or {},
        float(data.get("probability") or 0.0),
        datetime.fromisoformat(eta) if isinstance(eta, str) else None,
        t,
    )
