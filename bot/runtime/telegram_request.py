"""PTB's HTTP seam (`BaseRequest`) over aiohttp.

PTB's default client (httpx/httpcore) scans its whole connection pool on every
request; at a few dozen concurrent sends that bookkeeping, not the network, bounded
a fan-out to about 350 messages per second here. aiohttp, which the bot already uses,
does the same work for far less (see docs/benchmarks.md).
"""

from __future__ import annotations

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    """Bot API requests over one aiohttp session with a bounded connection pool."""

    __slots__ = ("_connections", "_session", "_timeouts")

    def __init__(
        self,
        *,
        connections: int = 32,
        read_timeout: float = 10.0,
        write_timeout: float = 10.0,
        connect_timeout: float = 10.0,
        pool_timeout: float = 10.0,
    ) -> None:
        self._connections = connections
        self._timeouts = {
            "read": read_timeout,
            "write": write_timeout,
            "connect": connect_timeout,
            "pool": pool_timeout,
        }
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (PTB adds it to getUpdates' long-poll timeout)."""
        return self._timeouts["read"]

    async def initialize(self) -> None:
        """Open the session (idempotent)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(connector=connector)

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    def _value(self, given: ODVInput[float], name: str) -> float | None:
        return self._timeouts[name] if isinstance(given, DefaultValue) else given

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; Telegram's status and body come back unparsed."""
        if self._session is None:
            raise RuntimeError("AiohttpRequest is not initialized")
        connect = self._value(connect_timeout, "connect")
        pool = self._value(pool_timeout, "pool")
        timeout = aiohttp.ClientTimeout(
            total=None,
            # aiohttp's `connect` covers waiting for a pooled connection and opening it.
            connect=(connect or 0) + (pool or 0) or None,
            sock_connect=connect,
            sock_read=self._value(read_timeout, "read"),
        )
        body: aiohttp.FormData | bytes | None = None
        headers = {"User-Agent": self.USER_AGENT}
        if request_data is not None:
            if request_data.contains_files:
                body = aiohttp.FormData(request_data.json_parameters)
                for name, (filename, content, mimetype) in request_data.multipart_data.items():
                    body.add_field(name, content, filename=filename, content_type=mimetype)
            else:
                # Telegram takes JSON bodies; one json.dumps costs a fraction of
                # url-encoding every parameter, which a fan-out does thousands of times.
                body = request_data.json_payload
                headers["Content-Type"] = "application/json"
        try:
            async with self._session.request(
                method, url, data=body, timeout=timeout, headers=headers
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc
