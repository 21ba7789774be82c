"""Run the bot inside an existing event loop (the demo, tests, benchmarks).

`summitwatch run` takes the same steps in `bot.runtime.lifecycle`, which also owns
the loop's stop signals and stops in order from any step of start-up; here they are
taken around the caller's block. A configured SUMMITWATCH_WEBHOOK_URL starts the
webhook server instead of long polling.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.alerts.pacing import Sleep
from bot.kernel.config import Settings
from bot.runtime.app import Clock, SummitApp, build_application
from bot.runtime.webhook import webhook_options
from storage.types import utcnow


@asynccontextmanager
async def running(
    settings: Settings,
    *,
    clock: Clock = utcnow,
    delivery_clock: Clock = utcnow,
    delivery_sleep: Sleep | None = None,
) -> AsyncIterator[SummitApp]:
    """Start the bot with long polling (or its webhook) and background work; stop on exit.

    `clock`, `delivery_clock` and `delivery_sleep` as in `build_application` (the demo
    and tests run the pollers on a fake provider's clock, tests delivery on a virtual one).
    """
    application = build_application(
        settings, clock=clock, delivery_clock=delivery_clock, delivery_sleep=delivery_sleep
    )
    async with application:
        if application.post_init:
            await application.post_init(application)
        updater = application.updater
        if updater is None:
            raise RuntimeError("the bot is built with an updater")
        if settings.webhook_url is not None:
            await updater.start_webhook(**webhook_options(settings))
        else:
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
