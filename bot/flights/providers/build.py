"""Build the provider clients from the settings, in the configured order."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

import aiohttp

from bot.flights.providers.base import Provider
from bot.flights.providers.opensky import OpenSkyClient
from bot.flights.providers.opensky_auth import ClientCredentialsToken
from bot.flights.providers.profiles import (
    OPENSKY_ACCOUNT_LIMITS,
    Limits,
    UnknownProviderError,
    profile_for,
    with_limits,
)
from bot.flights.providers.readsb import ReadsbV2Client
from bot.kernel.config import ConfigError, Settings

_VARIABLE = "SUMMITWATCH_FLIGHT_PROVIDERS"


def build_providers(
    settings: Settings,
    session: aiohttp.ClientSession,
    *,
    limits: Mapping[str, Limits] | None = None,
    token_clock: Callable[[], float] = time.monotonic,
) -> list[Provider]:
    """One client per `name=base_url` pair of `SUMMITWATCH_FLIGHT_PROVIDERS`, in order.

    Args:
        settings: the validated settings.
        session: the shared aiohttp session (`bot.net.http.new_session`).
        limits: per configured name, limits to use instead of the profile's (tests
            and unusual deployments, e.g. a paid plan with a higher rate).
        token_clock: monotonic clock for OpenSky token expiry.

    Raises:
        ConfigError: an unknown provider name, a name listed twice, ADS-B Exchange
            without `SUMMITWATCH_ADSBEXCHANGE_API_KEY`, or only one of the OpenSky
            client id and secret.
    """
    overrides = limits or {}
    providers: list[Provider] = []
    seen: set[str] = set()
    for name, base_url in settings.provider_list():
        if name in seen:
            raise ConfigError(f"{_VARIABLE} is malformed: {name!r} is listed twice")
        seen.add(name)
        try:
            profile = profile_for(name, base_url)
        except UnknownProviderError as exc:
            raise ConfigError(f"{_VARIABLE} is malformed: {exc}") from None
        if profile.wire == "opensky":
            token = _opensky_token(settings, session, token_clock)
            if token is not None:
                profile = with_limits(profile, OPENSKY_ACCOUNT_LIMITS)
            if name in overrides:
                profile = with_limits(profile, overrides[name])
            providers.append(OpenSkyClient(name, base_url, session, profile, token=token))
            continue
        if name in overrides:
            profile = with_limits(profile, overrides[name])
        key: str | None = None
        if profile.auth in ("api-auth", "rapidapi"):
            if settings.adsbexchange_api_key is None:
                raise ConfigError(
                    f"SUMMITWATCH_ADSBEXCHANGE_API_KEY is not set, but {_VARIABLE} lists {name!r}"
                )
            key = settings.adsbexchange_api_key.get_secret_value()
        providers.append(ReadsbV2Client(name, base_url, session, profile, api_key=key))
    return providers


def _opensky_token(
    settings: Settings, session: aiohttp.ClientSession, clock: Callable[[], float]
) -> ClientCredentialsToken | None:
    client_id = settings.opensky_client_id
    secret = settings.opensky_client_secret
    if client_id is None and secret is None:
        return None
    if client_id is None or secret is None:
        missing = (
            "SUMMITWATCH_OPENSKY_CLIENT_ID"
            if client_id is None
            else ("SUMMITWATCH_OPENSKY_CLIENT_SECRET")
        )
        raise ConfigError(f"{missing} is not set, but the other OpenSky credential is")
    return ClientCredentialsToken(
        session, settings.opensky_token_url, client_id, secret.get_secret_value(), clock=clock
    )
