"""What every fake server shares: an aiohttp app on a free port of 127.0.0.1.

The demo's small fakes and the full fakes under tests/fakes both run on it.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Self

from aiohttp import web


class LoopbackServer:
    """Start, stop and address a fake; subclasses add their routes in `_routes`.

    Attributes:
        client_max_size: Largest request body accepted, in bytes (aiohttp's default 1 MiB).
    """

    client_max_size: int = 1024**2

    def __init__(self) -> None:
        # Set when stopping, so requests a fault holds open are released at once.
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    def _routes(self, app: web.Application) -> None:
        raise NotImplementedError

    async def start(self) -> None:
        """Starts listening on a free port of 127.0.0.1.

        Raises:
            RuntimeError: already started.
        """
        if self._runner is not None:
            raise RuntimeError(f"{type(self).__name__} is already running")
        self._closing = asyncio.Event()
        app = web.Application(client_max_size=self.client_max_size)
        self._routes(app)
        # handler_cancellation: a client that gives up (long poll cancelled, read timeout)
        # must not leave a handler behind that later answers into the void.
        runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        self._runner = runner
        self._port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Releases held requests and stops the server. Idempotent."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        self._closing.set()
        await self._on_stop()
        await runner.cleanup()

    async def _on_stop(self) -> None:
        """Ends what waits on something other than `_closing`; runs before the server stops."""

    async def _hold_and_drop(self, request: web.Request, seconds: float) -> web.StreamResponse:
        """An injected timeout: hold the request until `seconds` pass or the fake stops.

        Returns:
            A response that is never sent: the connection is closed instead, as a hung
            server's would be after the client's timeout.
        """
        try:
            async with asyncio.timeout(seconds):
                await self._closing.wait()
        except TimeoutError:
            pass
        # Closing the transport makes aiohttp drop the response below instead of sending it.
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=504)

    async def __aenter__(self) -> Self:
        """Starts the server."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stops the server."""
        await self.stop()

    @property
    def port(self) -> int:
        """The TCP port the fake listens on."""
        if self._port is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return self._port

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"
