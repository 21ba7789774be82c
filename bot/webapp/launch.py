"""Starts the Mini App with the bot when SUMMITWATCH_WEBAPP_URL is set, and gives private
chats a menu button that opens it."""

from __future__ import annotations

import asyncio
import errno
import logging
from typing import Any

from telegram import Bot, MenuButtonWebApp, WebAppInfo
from telegram.error import TelegramError
from telegram.ext import Application

from bot.kernel.i18n import translator
from bot.runtime.services import Services
from bot.runtime.startup import EXIT_CONFIG, StartupError
from bot.webapp.access import AccessRule
from bot.webapp.live import LiveHub
from bot.webapp.server import WebAppServer

log = logging.getLogger("summitwatch.webapp")
MEMBER_STATES = frozenset({"creator", "administrator", "member"})


def _member_check(bot: Bot) -> Any:
    async def is_member(chat_id: int, user_id: int) -> bool:
        member = await bot.get_chat_member(chat_id, user_id)
        status = str(member.status)
        return status in MEMBER_STATES or bool(getattr(member, "is_member", False))

    return is_member


async def publish_menu_button(bot: Bot, url: str, locale: str) -> None:
    """The default menu button of private chats opens the Mini App (Telegram keeps one
    text for all languages: the default language's)."""
    text = translator(locale)._("Map")
    try:
        await bot.set_chat_menu_button(menu_button=MenuButtonWebApp(text, WebAppInfo(url)))
    except TelegramError as exc:
        # The app still answers at its URL; the button is tried again at the next start.
        log.warning("could not set the Mini App menu button: %s", exc)


async def start_webapp(
    application: Application[Any, Any, Any, Any, Any, Any],
    services: Services,
    stop: asyncio.Event,
    tasks: list[asyncio.Task[None]],
) -> WebAppServer | None:
    """The Mini App's server and live hub, or None when SUMMITWATCH_WEBAPP_URL is unset or
    SUMMITWATCH_WEBAPP_PORT is 0; a port it cannot have stops start-up, as for health."""
    settings = services.settings
    if not settings.webapp_url or not settings.webapp_port:
        return None
    hub = LiveHub(services.sessions, settings.webapp_live_s, services.clock)
    server = WebAppServer(
        settings=settings,
        sessions=services.sessions,
        access=AccessRule(settings.allowed_chats, _member_check(application.bot)),
        clock=services.clock,
        hub=hub,
    )
    try:
        port = await server.start(settings.webapp_listen, settings.webapp_port)
    except OSError as exc:
        address = f"{settings.webapp_listen}:{settings.webapp_port}"
        reason = "already in use" if exc.errno == errno.EADDRINUSE else exc.strerror or str(exc)
        raise StartupError(
            f"Mini App cannot listen on {address}: {reason}; set SUMMITWATCH_WEBAPP_PORT "
            "to a free port (0 turns it off) or SUMMITWATCH_WEBAPP_LISTEN",
            EXIT_CONFIG,
        ) from None
    application.bot_data.webapp_port = port
    tasks.append(asyncio.create_task(hub.run(stop), name="webapp-live"))
    await publish_menu_button(application.bot, settings.webapp_url, settings.default_locale)
    return server
