"""OpenSky's OAuth2 client-credentials token: fetched once, reused until shortly before
it expires, fetched again after a 401.

OpenSky's token endpoint is a Keycloak realm: a form POST of `grant_type=
client_credentials`, `client_id` and `client_secret` answers
`{"access_token": "...", "expires_in": 1800, "token_type": "Bearer", ...}`.
`bot.net.http.fetch` only GETs, so the POST is done here with the same policy: total
timeout, body cap, errors mapped to the `FetchError` hierarchy, nothing secret in them.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable

import aiohttp

from bot.flights.providers.errors import FetchMalformed, ProviderAuthError
from bot.net.http import FetchError, FetchTimeout, FetchTooLarge, retry_after_seconds

TOKEN_MAX_BODY = 64 * 1024
# Refresh this long before the stated expiry, so a token never lapses mid-request.
EXPIRY_MARGIN_S = 30.0
# Keycloak always states `expires_in`; if an answer does not, assume a short life.
DEFAULT_LIFETIME_S = 300.0


class ClientCredentialsToken:
    """A cached bearer token for one client id.

    Args:
        session: the shared aiohttp session.
        token_url: the token endpoint.
        client_id: the API client's id.
        client_secret: its secret; sent only in the POST body to `token_url`.
        clock: monotonic seconds, for expiry (injectable for tests).
        timeout_s: total timeout of the token request.

    Attributes:
        fetches: how many tokens were fetched (a health and test figure).
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        clock: Callable[[], float] = time.monotonic,
        timeout_s: float = 10.0,
    ) -> None:
        self._session = session
        self._token_url = token_url
        self._form = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
        }
        self._clock = clock
        self._timeout_s = timeout_s
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()
        self.fetches = 0

    async def get(self) -> str:
        """A valid access token, from the cache when it has not (nearly) expired.

        Raises:
            ProviderAuthError: the endpoint refused the credentials.
            FetchError: the endpoint failed or answered something unusable.
        """
        async with self._lock:
            if self._token is not None and self._clock() < self._expires_at:
                return self._token
            token, lifetime = await self._request()
            self.fetches += 1
            self._token = token
            self._expires_at = self._clock() + max(0.0, lifetime - EXPIRY_MARGIN_S)
            return token

    def invalidate(self) -> None:
        """Forget the token (the API answered 401); the next `get` fetches a new one."""
        self._token = None
        self._expires_at = 0.0

    async def _request(self) -> tuple[str, float]:
        try:
            async with self._session.post(
                self._token_url,
                data=self._form,
                headers={"Accept": "application/json"},
                timeout=aiohttp.ClientTimeout(total=self._timeout_s),
            ) as answer:
                status = answer.status
                if status in (400, 401, 403):
                    raise ProviderAuthError(
                        f"token endpoint refused the client credentials (HTTP {status})"
                    )
                if status >= 400:
                    raise FetchError(
                        f"token endpoint: HTTP {status}",
                        retry_after=retry_after_seconds(answer.headers),
                    )
                body = await answer.content.read(TOKEN_MAX_BODY + 1)
        except TimeoutError as exc:
            raise FetchTimeout(f"token endpoint: no answer within {self._timeout_s:g}s") from exc
        except aiohttp.ClientError as exc:
            raise FetchError(f"token endpoint: {type(exc).__name__}") from exc
        if len(body) > TOKEN_MAX_BODY:
            raise FetchTooLarge(f"token endpoint: body is over the {TOKEN_MAX_BODY} byte cap")
        return _parse_token(body)


def _parse_token(body: bytes) -> tuple[str, float]:
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        raise FetchMalformed("token endpoint: answer is not JSON") from None
    if not isinstance(payload, dict):
        raise FetchMalformed("token endpoint: answer is not a JSON object")
    token = payload.get("access_token")
    if type(token) is not str or not token:
        raise FetchMalformed("token endpoint: no access_token")
    token_type = payload.get("token_type", "Bearer")
    if type(token_type) is not str or token_type.lower() != "bearer":
        raise FetchMalformed("token endpoint: not a bearer token")
    lifetime = payload.get("expires_in", DEFAULT_LIFETIME_S)
    if type(lifetime) not in (int, float) or lifetime <= 0:
        raise FetchMalformed("token endpoint: no usable expires_in")
    return token, float(lifetime)
