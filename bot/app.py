"""The composition root: builds the PTB Application with its services and handlers."""

from __future__ import annotations

import logging
from datetime import UTC
from typing import Any

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ContextTypes, Defaults

from bot.config import SUPPORTED_LOCALES, Settings
from bot.i18n import translator
from bot.services import BotData, Services
from handlers import errors, language, start
from handlers.catalog import COMMANDS
from handlers.context import BotContext
from storage.engine import create_engine, session_factory
from storage.migrate import upgrade

log = logging.getLogger("summitwatch.app")

SummitApp = Application[Any, BotContext, Any, Any, BotData, Any]


def command_menu(locale: str, *, groups: bool) -> list[BotCommand]:
    """The command menu Telegram shows, in one language, for private chats or groups."""
    t = translator(locale)
    return [
        BotCommand(c.name, t._(c.description))
        for c in COMMANDS
        if (c.in_groups if groups else c.in_private)
    ]


async def publish_commands(application: SummitApp) -> None:
    """set_my_commands for every language and for private and group scopes."""
    bot = application.bot
    for groups, scope in (
        (False, BotCommandScopeAllPrivateChats()),
        (True, BotCommandScopeAllGroupChats()),
    ):
        await bot.set_my_commands(command_menu("en", groups=groups), scope=scope)
        for locale in SUPPORTED_LOCALES:
            await bot.set_my_commands(
                command_menu(locale, groups=groups), scope=scope, language_code=locale
            )


async def open_services(settings: Settings) -> Services:
    """Connect to the store and bring its schema up to date."""
    engine = create_engine(settings.database_url)
    await upgrade(engine)
    return Services(settings=settings, engine=engine, sessions=session_factory(engine))


def build_application(settings: Settings) -> SummitApp:
    """Build the bot. Services are opened in post_init, inside PTB's event loop."""

    async def post_init(application: SummitApp) -> None:
        services = await open_services(settings)
        application.bot_data.attach(services)
        await publish_commands(application)
        me = application.bot
        log.info("started as @%s", me.username)

    async def post_shutdown(application: SummitApp) -> None:
        try:
            services = application.bot_data.services
        except RuntimeError:
            return
        await services.engine.dispose()

    context_types = ContextTypes(context=BotContext, bot_data=BotData)
    application: SummitApp = (
        Application.builder()
        .token(settings.token())
        .base_url(settings.bot_api_base_url)
        .base_file_url(settings.bot_file_base_url)
        .rate_limiter(AIORateLimiter())
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=UTC))
        .context_types(context_types)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    start.register(application)
    language.register(application)
    application.add_error_handler(errors.on_error)
    return application
