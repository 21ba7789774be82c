"""Client for OpenSky's REST API: `/states/all?icao24=a&icao24=b`.

Answers are `{"time": <s>, "states": [[icao24, callsign, ...], ...] | null}`, parsed by
`bot.flights.reports.from_opensky` (which converts metres and m/s). With client
credentials every request carries a bearer token (see `opensky_auth`); without them
the API is used anonymously, with its smaller credit budget. A 429 carries
`X-Rate-Limit-Retry-After-Seconds`, which `bot.net.http.retry_after_seconds` reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiohttp
from aiolimiter import AsyncLimiter

from bot.flights.providers.base import ProviderClient
from bot.flights.providers.batching import chunks
from bot.flights.providers.errors import FetchMalformed, ProviderAuthError
from bot.flights.providers.opensky_auth import ClientCredentialsToken
from bot.flights.providers.profiles import MAX_URL_CHARS, Profile
from bot.flights.reports import PositionReport, ReportFormatError, from_opensky
from bot.net.http import FetchHTTPStatus, Response

# A state vector is ~150-250 bytes of JSON; 1 KB each is generous.
BODY_BASE = 8 * 1024
BODY_PER_AIRCRAFT = 1024
_PARAM = "icao24="
_ACCEPT = {"Accept": "application/json"}


def body_cap(count: int) -> int:
    """The body cap of a `/states/all` query for `count` aircraft."""
    return BODY_BASE + BODY_PER_AIRCRAFT * count


class OpenSkyClient(ProviderClient):
    """The OpenSky provider.

    Args:
        name: configured name.
        base_url: the API root, e.g. `https://opensky-network.org/api`.
        session: the shared aiohttp session.
        profile: the "opensky" profile (with the limits that fit the account).
        token: the client-credentials token, or None to call anonymously.
        limiter: our rate limiter; by default one made from the profile's limits.
    """

    wire = "opensky"

    def __init__(
        self,
        name: str,
        base_url: str,
        session: aiohttp.ClientSession,
        profile: Profile,
        *,
        token: ClientCredentialsToken | None = None,
        limiter: AsyncLimiter | None = None,
    ) -> None:
        super().__init__(name, base_url, session, profile, limiter=limiter)
        self._token = token

    @property
    def authenticated(self) -> bool:
        """Whether requests carry a bearer token."""
        return self._token is not None

    def hex_urls(self, hexes: Sequence[str]) -> list[tuple[str, list[str]]]:
        """(URL, hexes in it) for each request `positions` would make."""
        root = f"{self._base_url}{self._profile.hex_path}?"
        budget = MAX_URL_CHARS - len(root)
        batches = chunks(
            hexes,
            max_items=self._profile.max_batch,
            max_chars=budget,
            item_overhead=len(_PARAM) + 1,
        )
        return [(root + "&".join(_PARAM + h for h in batch), batch) for batch in batches]

    def _body_cap(self, count: int) -> int:
        return body_cap(count)

    async def _request(self, url: str, max_body: int) -> Response:
        token = self._token
        if token is None:
            return await self._fetch(url, max_body, _ACCEPT)
        try:
            return await self._get_with_token(token, url, max_body)
        except FetchHTTPStatus as exc:
            if exc.status != 401:
                raise
        # The token was revoked or expired early: one fresh token, one more try. This
        # retry is the same logical request, so it takes no second limiter slot.
        token.invalidate()
        try:
            return await self._get_with_token(token, url, max_body)
        except FetchHTTPStatus as exc:
            if exc.status == 401:
                raise ProviderAuthError("HTTP 401 with a fresh token") from None
            raise

    def _parse(self, payload: Any, only: frozenset[str] | None) -> list[PositionReport]:
        if not isinstance(payload, dict):
            raise FetchMalformed("answer is not a JSON object")
        moment = payload.get("time")
        if type(moment) not in (int, float) or "states" not in payload:
            # `states` is null when nothing matched, but the key and `time` are always there.
            raise FetchMalformed("answer lacks 'time' or 'states'")
        try:
            return from_opensky(payload, self._name, only=only)
        except ReportFormatError as exc:
            raise FetchMalformed(str(exc)) from None

    async def _get_with_token(
        self, token: ClientCredentialsToken, url: str, max_body: int
    ) -> Response:
        bearer = await token.get()
        return await self._fetch(url, max_body, {**_ACCEPT, "Authorization": f"Bearer {bearer}"})
