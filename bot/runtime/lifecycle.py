"""`summitwatch run`: start the bot, serve until a stop signal, and stop in order.

PTB's `run_polling` and `run_webhook` raise SystemExit from their signal handler
wherever the event loop happens to be. Once the bot runs that is harmless; during
start-up (the bot's own post-init, setWebhook, PTB's start) it left the step half done:
the tasks the post-init had started were destroyed pending, post-stop never ran, and a
signal that landed as a step finished stopped the next step's loop ("Event loop stopped
before Future completed"). Here the loop is ours: a stop signal only sets an event;
start-up is cancelled at whatever step it is in, and the shutdown undoes what had
started, in PTB's order (updater, application, post-stop, shutdown, post-shutdown).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeAlias

# PTB loads after the preflight (bot.cli); this module before it.
if TYPE_CHECKING:
    from telegram.ext import Application, Updater

log = logging.getLogger("summitwatch.run")

#: The signals that stop the bot (PTB's own choice for run_polling and run_webhook).
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGABRT)

App: TypeAlias = "Application[Any, Any, Any, Any, Any, Any]"
StartUpdates: TypeAlias = "Callable[[Updater], Awaitable[object]]"


class Stop:
    """Set by the first stop signal; remembers which one."""

    def __init__(self) -> None:
        self.event = asyncio.Event()
        self.signal_name: str | None = None

    def request(self, signum: int) -> None:
        """What a stop signal does: set the event (a second one only says so)."""
        name = signal.Signals(signum).name
        if self.event.is_set():
            log.info("%s received; already stopping", name)
            return
        self.signal_name = name
        self.event.set()

    @property
    def requested(self) -> bool:
        """A stop signal has come."""
        return self.event.is_set()


@contextlib.contextmanager
def stop_signals(stop: Stop) -> Iterator[None]:
    """Within the block, STOP_SIGNALS set `stop` instead of ending the process."""
    loop = asyncio.get_running_loop()
    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, stop.request, signum)
    try:
        yield
    finally:
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)


async def until_stopped(step: Awaitable[None], stop: Stop) -> bool:
    """Run `step` unless `stop` comes first; then it is cancelled and False returned.

    The step's own errors are raised.
    """
    task = asyncio.ensure_future(step)
    waiter = asyncio.ensure_future(stop.event.wait())
    try:
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
    if not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return False
    task.result()
    return True


async def serve(application: App, start_updates: StartUpdates, stop: Stop) -> None:
    """Start `application` (fetching updates with `start_updates`), serve until `stop`,
    then shut down whatever had started, also when start-up was cut short or failed."""
    updater = application.updater
    if updater is None:
        raise RuntimeError("the bot is built with an updater")
    post_init_ran = False

    async def start() -> None:
        nonlocal post_init_ran
        await application.initialize()
        if application.post_init:
            post_init_ran = True
            await application.post_init(application)
        await start_updates(updater)
        await application.start()

    try:
        if await until_stopped(start(), stop):
            await stop.event.wait()
            log.info("%s received: stopping", stop.signal_name)
        else:
            log.info("%s received during start-up: stopping", stop.signal_name)
    finally:
        await _shut_down(application, updater, post_stop=post_init_ran)
    log.info("stopped")


async def _shut_down(application: App, updater: Updater, *, post_stop: bool) -> None:
    """PTB's shutdown sequence, from whatever step start-up reached.

    Post-stop runs once the post-init has begun (it ends the background work the
    post-init started), and not only after PTB's start as in run_polling/run_webhook.
    """
    if updater.running:
        await updater.stop()
    if application.running:
        await application.stop()
    if post_stop and application.post_stop:
        await application.post_stop(application)
    await application.shutdown()
    if application.post_shutdown:
        await application.post_shutdown(application)
