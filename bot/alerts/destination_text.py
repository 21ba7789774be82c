"""The words of a destination prediction, shared by its alert and the /status page:
'🧭 Heading for Baku (GYD), ETA about 05:30 Baku time (01:30 UTC), likely (72%)'.

In Russian the city takes the case the sentence needs ("в Баку (GYD)", "в Махачкалу").
"""

from __future__ import annotations

from datetime import datetime

from bot.alerts.flight_text import AirportLike, airport_city, airport_zone
from bot.alerts.parts import AirportPart
from bot.alerts.text import dated_moment
from bot.kernel.i18n import Translator
from bot.kernel.inflection import Name

# At and above this a destination is "very likely" rather than "likely".
VERY_LIKELY = 0.85


def airport_name(airport: AirportPart, t: Translator) -> Name:
    """'Baku (GYD)', the city declinable; the code alone when the city is unknown."""
    city = airport_city(airport, t)
    if not city:
        return Name(airport.code, t.locale, "fixed")
    return Name(city, t.locale, "place", tail=f" ({airport.code})")


def likelihood(probability: float, t: Translator) -> str:
    """'likely (72%)' or 'very likely (91%)': the percentage as the locale writes it
    (Russian "72\u00a0%")."""
    percent = t.percent(round(probability * 100) / 100)
    if probability >= VERY_LIKELY:
        # Translators: {percent} is the whole percentage, its sign included ("91%").
        return t._("very likely ({percent})", percent=percent)
    # Translators: {percent} is the whole percentage, its sign included ("72%").
    return t._("likely ({percent})", percent=percent)


def heading_line(
    airport: AirportLike, probability: float, eta: datetime | None, t: Translator
) -> str:
    """Where to, when (the destination's local time and UTC), how sure."""
    part = AirportPart.of(airport)
    if part is None:
        return ""
    where = airport_name(part, t)
    sure = likelihood(probability, t)
    if eta is None:
        return t._("🧭 Heading for {airport}, {likelihood}", airport=where, likelihood=sure)
    return t._(
        "🧭 Heading for {airport}, ETA about {eta}, {likelihood}",
        airport=where,
        eta=dated_moment(eta, airport_zone(part), t, day=False),
        likelihood=sure,
    )
