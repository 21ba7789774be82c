"""What every fake server shares: an aiohttp app on a free port of 127.0.0.1."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Self

from aiohttp import web


class LoopbackServer:
    """Start, stop and address a fake; subclasses add their routes in `_routes`."""

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
        app = web.Application()
        self._routes(app)
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
        await runner.cleanup()

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
    def root_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        if self._port is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return f"http://127.0.0.1:{self._port}"
