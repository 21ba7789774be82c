"""Client for the readsb "v2" API family: adsb.lol, adsb.fi, airplanes.live, ADS-B Exchange.

One class for all of them; the `Profile` says which paths, batch size and key header a
provider uses. Answers are the readsb v2 envelope
`{"ac": [...], "msg": "No error", "now": <ms>, "total": n, "ctime": <ms>, "ptime": <ms>}`
and are parsed by `bot.flights.reports.from_readsb_v2`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp
from aiolimiter import AsyncLimiter

from bot.flights.providers.base import ProviderClient
from bot.flights.providers.batching import chunks
from bot.flights.providers.decoding import decode_json
from bot.flights.providers.errors import FetchMalformed, quote_remote
from bot.flights.providers.profiles import MAX_URL_CHARS, Profile
from bot.flights.reports import PositionReport, ReportFormatError, from_readsb_v2
from bot.net.http import Response

# Body caps. A hex query answers at most one object per hex (~1 KB each in practice);
# 4 KB each leaves room for every optional field. A provider that ignores the filter
# and sends its global snapshot (~5 MB) is cut off, not parsed.
HEX_BODY_BASE = 16 * 1024
HEX_BODY_PER_AIRCRAFT = 4 * 1024
# A registration or callsign can match a handful of aircraft (a callsign reused).
LOOKUP_MAX_BODY = 256 * 1024


def hex_body_cap(count: int) -> int:
    """The body cap of a hex query for `count` aircraft."""
    return HEX_BODY_BASE + HEX_BODY_PER_AIRCRAFT * count


class ReadsbV2Client(ProviderClient):
    """One readsb v2 provider.

    Args:
        name: configured name (health rows and `PositionReport.provider` use it).
        base_url: base URL without the `/v2/...` part, no trailing slash.
        session: the shared aiohttp session (`bot.net.http.new_session`).
        profile: paths, batching and auth of this provider.
        api_key: the ADS-B Exchange key, for profiles that need one.
        limiter: our rate limiter for it; by default one made from the profile's limits.
    """

    wire = "readsb"

    def __init__(
        self,
        name: str,
        base_url: str,
        session: aiohttp.ClientSession,
        profile: Profile,
        *,
        api_key: str | None = None,
        limiter: AsyncLimiter | None = None,
    ) -> None:
        if profile.auth in ("api-auth", "rapidapi") and not api_key:
            raise ValueError(f"{name}: an API key is required")
        super().__init__(name, base_url, session, profile, limiter=limiter)
        self._headers = _auth_headers(profile, self._base_url, api_key)

    def hex_urls(self, hexes: Sequence[str]) -> list[tuple[str, list[str]]]:
        """(URL, hexes in it) for each request `positions` would make."""
        template = self._base_url + self._profile.hex_path
        budget = MAX_URL_CHARS - len(template)
        batches = chunks(hexes, max_items=self._profile.max_batch, max_chars=budget)
        suffix = "," if self._profile.trailing_comma else ""
        return [(template.format(",".join(batch) + suffix), batch) for batch in batches]

    async def by_registration(self, registration: str) -> list[PositionReport]:
        """Aircraft seen now with this registration (exact match, case-insensitive).

        Raises:
            LookupError: the provider has no registration endpoint.
            FetchError, ProviderBusy: as `positions`.
        """
        return await self._lookup(self._profile.reg_path, registration)

    async def by_callsign(self, callsign: str) -> list[PositionReport]:
        """Aircraft seen now flying under this callsign.

        Raises:
            LookupError: the provider has no callsign endpoint.
            FetchError, ProviderBusy: as `positions`.
        """
        return await self._lookup(self._profile.callsign_path, callsign)

    async def _lookup(self, path: str | None, value: str) -> list[PositionReport]:
        if path is None:
            raise LookupError(f"{self._name} has no such lookup")
        url = self._base_url + path.format(quote(value.strip().upper(), safe=""))
        return self._parse(decode_json(await self._get(url, LOOKUP_MAX_BODY)), only=None)

    def _body_cap(self, count: int) -> int:
        return hex_body_cap(count)

    async def _request(self, url: str, max_body: int) -> Response:
        return await self._fetch(url, max_body, self._headers)

    def _parse(self, envelope: Any, only: frozenset[str] | None) -> list[PositionReport]:
        if not isinstance(envelope, dict):
            raise FetchMalformed("answer is not a JSON object")
        if "ac" not in envelope:
            # A real "nothing seen" is `"ac": []`; a missing list is an error answer
            # (readsb puts the reason in `msg`) or another format altogether.
            msg = envelope.get("msg")
            detail = f" (msg {quote_remote(msg)})" if isinstance(msg, str) else ""
            raise FetchMalformed(f"answer has no 'ac' list{detail}")
        try:
            return from_readsb_v2(envelope, self._name, only=only)
        except ReportFormatError as exc:
            raise FetchMalformed(str(exc)) from None


def _auth_headers(profile: Profile, base_url: str, api_key: str | None) -> Mapping[str, str]:
    headers = {"Accept": "application/json"}
    if profile.auth == "api-auth" and api_key:
        headers["api-auth"] = api_key
    elif profile.auth == "rapidapi" and api_key:
        headers["x-rapidapi-key"] = api_key
        headers["x-rapidapi-host"] = urlsplit(base_url).netloc
    return headers
