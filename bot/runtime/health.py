"""The operations endpoint (aiohttp, its own port): /healthz, /readyz and /metrics.

- /healthz: the process and its event loop answer (200), nothing else is checked;
- /readyz: the store answers, its schema is at the code's head revision, and no
  enabled source has been silent longer than SUMMITWATCH_SOURCE_SILENCE_S (200,
  or 503 with the reasons, as JSON);
- /metrics: `bot.runtime.metrics` in Prometheus' text format, with the store's figures
  (outbox by status, age of the oldest waiting row, events by kind) read at scrape.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.runtime import metrics
from storage import observability, outbox
from storage.migrate import current_revision, head_revision
from storage.models import OutboxStatus
from storage.types import utcnow

log = logging.getLogger("summitwatch.health")
# A scrape or probe must not hang on a stuck store.
STORE_TIMEOUT_S = 5.0


@dataclass
class HealthServer:
    """Serves the three endpoints for one process until `stop`."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    silence_s: float
    is_leader: Callable[[], bool] = lambda: True
    clock: Callable[[], datetime] = utcnow
    # This process's delivery worker's counters (sent, retried, dead), if it runs one.
    delivery_counts: metrics.DeliveryCountsSource | None = None
    _runner: web.AppRunner | None = None
    _head: str = field(default_factory=head_revision)
    _delivery: CollectorRegistry | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.delivery_counts is not None:
            self._delivery = metrics.delivery_registry(self.delivery_counts)

    def app(self) -> web.Application:
        """The aiohttp application (also used in tests without a socket)."""
        app = web.Application()
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/readyz", self.readyz)
        app.router.add_get("/metrics", self.metrics)
        return app

    async def start(self, host: str, port: int) -> int:
        """Listen on host:port (0: a free port); the port it got."""
        runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        bound = int(runner.addresses[0][1])
        log.info("health endpoint on http://%s:%d (/healthz /readyz /metrics)", host, bound)
        return bound

    async def stop(self) -> None:
        """Stop listening. Idempotent."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def healthz(self, request: web.Request) -> web.Response:
        """Alive: the loop runs this handler."""
        return web.json_response({"status": "ok", "leader": self.is_leader()})

    async def readyz(self, request: web.Request) -> web.Response:
        """Ready to serve: store, schema and sources (see the module's docstring)."""
        problems: list[str] = []
        try:
            problems = await asyncio.wait_for(self._readiness(), timeout=STORE_TIMEOUT_S)
        except (OSError, SQLAlchemyError, TimeoutError) as exc:
            problems = [f"store unreachable: {type(exc).__name__}"]
        body = {"ready": not problems, "problems": problems, "leader": self.is_leader()}
        return web.Response(
            status=200 if not problems else 503,
            text=json.dumps(body),
            content_type="application/json",
        )

    async def _readiness(self) -> list[str]:
        async with self.sessions() as session:
            await observability.ping(session)
            silent = await observability.silent_sources(
                session, now=self.clock(), allowed_s=self.silence_s
            )
        problems = []
        revision = await current_revision(self.engine)
        if revision != self._head:
            problems.append(f"schema at {revision}, code expects {self._head}")
        for source in silent:
            since = source.last_success_at.isoformat() if source.last_success_at else "never"
            problems.append(
                f"source {source.name} ({source.kind}) silent since {since}, "
                f"{source.consecutive_failures} failures in a row"
            )
        return problems

    async def metrics(self, request: web.Request) -> web.Response:
        """Prometheus text format; the store's figures are left stale if it does not answer."""
        try:
            await asyncio.wait_for(self._store_figures(), timeout=STORE_TIMEOUT_S)
        except (OSError, SQLAlchemyError, TimeoutError) as exc:
            log.warning("metrics: store figures unavailable: %s", type(exc).__name__)
        body = generate_latest(metrics.REGISTRY)
        if self._delivery is not None:
            body += generate_latest(self._delivery)
        response = web.Response(body=body)
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    async def _store_figures(self) -> None:
        async with self.sessions() as session:
            depth = await outbox.depth(session)
            oldest = await observability.oldest_waiting_at(session)
            events = await observability.events_by_kind(session)
        for status in OutboxStatus:
            metrics.OUTBOX_ROWS.labels(status=status.value).set(depth.get(status.value, 0))
        age = (self.clock() - oldest).total_seconds() if oldest is not None else 0.0
        metrics.OUTBOX_OLDEST_SECONDS.set(max(0.0, age))
        for kind, count in events.items():
            metrics.EVENTS.labels(kind=kind).set(count)
