"""ADS-B provider clients: the readsb v2 family and OpenSky, with failover and health.

This is the I/O edge of the flight watch (aiohttp, and `provider_health` uses the store); the
parsers it feeds (`bot.flights.reports`) stay pure. Typical use::

    providers = build_providers(settings, session)
    fetcher = FlightFetcher(providers)
    outcome = await fetcher.fetch(watched_hexes)
    for update in outcome.health_updates:
        await record_health(db, update.name, update.kind, update.base_url, update.health)
"""

from bot.flights.providers.base import Provider, ProviderAnswer
from bot.flights.providers.build import build_providers
from bot.flights.providers.errors import FetchMalformed, ProviderAuthError
from bot.flights.providers.fetcher import FetchOutcome, FlightFetcher, HealthUpdate
from bot.flights.providers.opensky import OpenSkyClient
from bot.flights.providers.opensky_auth import ClientCredentialsToken
from bot.flights.providers.pacing import ProviderBusy
from bot.flights.providers.profiles import PROFILES, Limits, Profile, profile_for
from bot.flights.providers.provider_health import load_health, record_health
from bot.flights.providers.readsb import ReadsbV2Client
from bot.flights.providers.status import ProviderHealth

__all__ = [
    "PROFILES",
    "ClientCredentialsToken",
    "FetchMalformed",
    "FetchOutcome",
    "FlightFetcher",
    "HealthUpdate",
    "Limits",
    "OpenSkyClient",
    "Profile",
    "Provider",
    "ProviderAnswer",
    "ProviderAuthError",
    "ProviderBusy",
    "ProviderHealth",
    "ReadsbV2Client",
    "build_providers",
    "load_health",
    "profile_for",
    "record_health",
]
