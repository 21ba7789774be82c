"""The time zone a statement source speaks from: shared by the statement watch and the
linked signals (which read a source's country from the store, not its alert)."""

from __future__ import annotations

from babel.core import get_global

# Where a country has several zones, the one its government speaks from.
CAPITAL_ZONES = {
    "RU": "Europe/Moscow",
    "US": "America/New_York",
    "AZ": "Asia/Baku",
    "TR": "Europe/Istanbul",
    "KZ": "Asia/Almaty",
    "BR": "America/Sao_Paulo",
    "CN": "Asia/Shanghai",
    "AU": "Australia/Sydney",
    "CA": "America/Toronto",
}


def source_zone(country: str | None, listing_zone: str | None = None) -> str:
    """The time zone a source speaks from: its listing's zone, else its country's capital's.

    Args:
        country: ISO 3166 alpha-2 code, or None.
        listing_zone: the zone an HTML listing's dates are in, if configured.

    Returns:
        An IANA zone name; "UTC" when nothing says better.
    """
    if listing_zone and listing_zone != "UTC":
        return listing_zone
    if not country:
        return "UTC"
    code = country.upper()
    if code in CAPITAL_ZONES:
        return CAPITAL_ZONES[code]
    zones = get_global("territory_zones").get(code, ())
    return str(zones[0]) if len(zones) == 1 else "UTC"
