"""The Mini App's HTTP server (aiohttp, its own port): the page, its assets and its API.

- `/` the page, `/static/<file>` its script and style (shipped in this package),
  `/basemap.json` the offline coastlines and borders; no third-party request by default;
- `/api/session`, `/api/fleet`, `/api/aircraft/<hex>`, `/api/statements`, `/api/venues`:
  JSON, each call signed with Telegram's initData in `Authorization: tma <initData>`
  (401 when missing, forged or stale; 403 when the user may not see the bot's data);
- `/api/live`: server-sent events of new positions and flight events (`live`).

initData is never logged, nor is anything else of a request but the refusal's reason.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.kernel.config import Settings
from bot.kernel.i18n import resolve_locale, translator
from bot.venues.ranking import compute_ranking, weights_from
from bot.webapp import data
from bot.webapp.access import AccessRule
from bot.webapp.auth import AuthError, WebAppUser, validate
from bot.webapp.basemap import basemap_json
from bot.webapp.live import LiveHub
from bot.webapp.strings import STRINGS, page_strings
from storage.chats import get_chat

log = logging.getLogger("summitwatch.webapp")

ASSETS = {"app.js": "text/javascript", "app.css": "text/css", "index.html": "text/html"}
_HEX = re.compile(r"^[0-9a-f]{6}$")
# A comment line now and then keeps proxies from closing an idle stream.
HEARTBEAT_S = 15.0
_USER = web.AppKey("user", WebAppUser)
_CSP = web.AppKey("csp", str)


def content_security_policy(tile_url: str | None) -> str:
    """Only our own origin, no inline script or style; tiles only when configured."""
    images = "'self' data:"
    if tile_url:
        origin = "/".join(tile_url.split("/", 3)[:3])
        images += f" {origin}"
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; "
        f"img-src {images}; connect-src 'self'; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'self' https://web.telegram.org https://*.telegram.org"
    )


def _asset(name: str) -> bytes:
    return (resources.files("bot.webapp") / "static" / name).read_bytes()


@web.middleware
async def _security_headers(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    response = await handler(request)
    response.headers["Content-Security-Policy"] = request.app[_CSP]
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@dataclass
class WebAppServer:
    """Serves the Mini App for one process until `stop`."""

    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    access: AccessRule
    clock: Callable[[], datetime]
    hub: LiveHub
    _runner: web.AppRunner | None = None

    def app(self) -> web.Application:
        """The aiohttp application."""
        app = web.Application(middlewares=[_security_headers])
        app[_CSP] = content_security_policy(self.settings.webapp_tile_url)
        app.router.add_get("/", self.page)
        app.router.add_get("/static/{name}", self.static)
        app.router.add_get("/basemap.json", self.basemap)
        app.router.add_get("/api/session", self._api(self.session))
        app.router.add_get("/api/fleet", self._api(self.fleet))
        app.router.add_get("/api/aircraft/{hex}", self._api(self.aircraft))
        app.router.add_get("/api/statements", self._api(self.statements))
        app.router.add_get("/api/venues", self._api(self.venues))
        app.router.add_get("/api/live", self._api(self.live))
        return app

    async def start(self, host: str, port: int) -> int:
        """Listen on host:port (0: a free port); the port it got."""
        runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        self._runner = runner
        bound = int(runner.addresses[0][1])
        log.info("Mini App on http://%s:%d", host, bound)
        return bound

    async def stop(self) -> None:
        """Stop listening. Idempotent."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    # ------------------------------------------------------------------ static

    async def page(self, request: web.Request) -> web.Response:
        """The page; its script and style are separate files (no inline code)."""
        return web.Response(
            body=_asset("index.html"),
            content_type="text/html",
            charset="utf-8",
            headers={"Cache-Control": "no-cache"},
        )

    async def static(self, request: web.Request) -> web.Response:
        """A shipped asset by name; nothing else on disk is reachable."""
        name = request.match_info["name"]
        if name not in ASSETS or name == "index.html":
            raise web.HTTPNotFound()
        return web.Response(
            body=_asset(name),
            content_type=ASSETS[name],
            charset="utf-8",
            headers={"Cache-Control": "no-cache"},
        )

    async def basemap(self, request: web.Request) -> web.Response:
        """Coastlines and borders; the same for every user, cached by the browser a day."""
        body = await asyncio.to_thread(basemap_json)
        response = web.Response(
            body=body,
            content_type="application/json",
            headers={"Cache-Control": "public, max-age=86400"},
        )
        response.enable_compression()
        return response

    # ------------------------------------------------------------------ API

    def _api(
        self, handler: Callable[[web.Request, WebAppUser], Awaitable[web.StreamResponse]]
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def checked(request: web.Request) -> web.StreamResponse:
            header = request.headers.get("Authorization", "")
            scheme, _, init_data = header.partition(" ")
            try:
                if scheme.lower() != "tma":
                    raise AuthError("no initData")
                user = validate(
                    init_data.strip(),
                    self.settings.token(),
                    now=self.clock(),
                    max_age_s=self.settings.webapp_max_age_s,
                )
            except AuthError as exc:
                log.info("Mini App request refused: %s", exc)
                return _error(401, "unauthorized")
            if not await self.access.may_see(user):
                log.info("Mini App user %s is not in SUMMITWATCH_ALLOWED_CHATS", user.id)
                t = translator(await self._locale(user))
                return _error(403, "forbidden", t._(STRINGS["forbidden"]))
            return await handler(request, user)

        return checked

    async def _locale(self, user: WebAppUser) -> str:
        async with self.sessions() as session:
            chat = await get_chat(session, user.id)
        return resolve_locale(
            chat.locale if chat else None, user.language_code, self.settings.default_locale
        )

    async def session(self, request: web.Request, user: WebAppUser) -> web.Response:
        """The user's language, the page's words in it, and the page's settings."""
        locale = await self._locale(user)
        return _json(
            {
                "locale": locale,
                "strings": page_strings(translator(locale)),
                "tile_url": self.settings.webapp_tile_url,
                "live_s": self.settings.webapp_live_s,
            }
        )

    async def fleet(self, request: web.Request, user: WebAppUser) -> web.Response:
        """Every watched aircraft with its last position, state and people."""
        locale = await self._locale(user)
        async with self.sessions() as session:
            body = await data.fleet(session, self.clock(), locale)
        return _json(body)

    async def aircraft(self, request: web.Request, user: WebAppUser) -> web.Response:
        """One aircraft's track, last flights and links."""
        hex_code = request.match_info["hex"].lower()
        if not _HEX.match(hex_code):
            return _error(404, "not found")
        t = translator(await self._locale(user))
        async with self.sessions() as session:
            body = await data.aircraft_detail(session, hex_code, self.clock(), t)
        return _json(body) if body is not None else _error(404, "not found")

    async def statements(self, request: web.Request, user: WebAppUser) -> web.Response:
        """The statements timeline."""
        t = translator(await self._locale(user))
        async with self.sessions() as session:
            body = await data.statements(session, self.clock(), t)
        return _json(body)

    async def venues(self, request: web.Request, user: WebAppUser) -> web.Response:
        """The venue ranking with every score's reasons."""
        t = translator(await self._locale(user))
        async with self.sessions() as session:
            ranking = await compute_ranking(session, self.clock(), weights_from(self.settings))
        return _json(data.venues(ranking, t))

    async def live(self, request: web.Request, user: WebAppUser) -> web.StreamResponse:
        """Server-sent events: one `update` per batch of new positions and events."""
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-cache",
                "X-Accel-Buffering": "no",
            }
        )
        response.headers["Content-Security-Policy"] = request.app[_CSP]
        await response.prepare(request)
        queue = self.hub.subscribe()
        try:
            await response.write(b": connected\n\n")
            while True:
                try:
                    update = await asyncio.wait_for(queue.get(), timeout=HEARTBEAT_S)
                except TimeoutError:
                    await response.write(b": ping\n\n")
                    continue
                text = json.dumps(update, separators=(",", ":"))
                await response.write(f"event: update\ndata: {text}\n\n".encode())
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self.hub.unsubscribe(queue)
        return response


def _json(body: Any) -> web.Response:
    response = web.Response(
        text=json.dumps(body, separators=(",", ":"), ensure_ascii=False),
        content_type="application/json",
        headers={"Cache-Control": "no-store"},
    )
    response.enable_compression()
    return response


def _error(status: int, reason: str, message: str | None = None) -> web.Response:
    body = {"error": reason} | ({"message": message} if message else {})
    return web.Response(
        status=status,
        text=json.dumps(body, ensure_ascii=False),
        content_type="application/json",
        headers={"Cache-Control": "no-store"},
    )
