"""Run the bot inside an existing event loop (the demo, tests, benchmarks).

`summitwatch run` uses PTB's `run_polling`, which owns the loop and calls the
post-init/stop/shutdown hooks itself; here the same steps are taken by hand.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.app import SummitApp, build_application
from bot.config import Settings


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[SummitApp]:
    """Start the bot with long polling and its background work; stop it on exit."""
    application = build_application(settings)
    async with application:
        if application.post_init:
            await application.post_init(application)
        updater = application.updater
        if updater is None:
            raise RuntimeError("the bot is built with an updater")
        await updater.start_polling(poll_interval=0.0, timeout=1)
        await application.start()
        try:
            yield application
        finally:
            await updater.stop()
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
    if application.post_shutdown:
        await application.post_shutdown(application)
