"""Start-up of `summitwatch run`: wait for the Bot API and the store, or say why in one line.

Before PTB takes over the event loop, `preflight` asks the Bot API who the bot is
(getMe) and opens the store once. What waiting cannot fix (a rejected token, a
missing database, a refused login) ends start-up at once with `EXIT_CONFIG`; an
unreachable Bot API or PostgreSQL is tried again with backoff, one log line per
attempt, until SUMMITWATCH_STARTUP_TIMEOUT_S has passed (`EXIT_UNAVAILABLE`), so a
service under a supervisor rides out a network blip. Every message names the cause
and what to check; none quotes the token (PTB's `InvalidToken` does, so its text is
never used). The table of failures is in docs/operations.md.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
from sqlalchemy.engine.url import make_url
from telegram import Bot, User
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.kernel.config import Settings
from bot.runtime.telegram_request import AiohttpRequest
from storage.engine import create_engine, ping

log = logging.getLogger("summitwatch.startup")

EXIT_FAILED = 1
# The configuration (or the database it names) needs fixing; restarting will not help.
EXIT_CONFIG = 2
# sysexits' EX_TEMPFAIL: a service did not answer in time; a later restart may succeed.
EXIT_UNAVAILABLE = 75

BACKOFF_FIRST_S = 1.0
BACKOFF_MAX_S = 30.0
# asyncpg waits 60 s for a host that drops packets; one attempt should not.
STORE_CONNECT_TIMEOUT_S = 10.0

# PostgreSQL's SQLSTATEs that mean "fix the configuration" and "come back later".
_PG_MISSING_DATABASE = "3D000"
_PG_LOGIN_REFUSED = frozenset({"28000", "28P01"})
_PG_NOT_YET = frozenset({"57P03", "53300", "08001", "08006"})


@dataclass(frozen=True)
class Failure:
    """Why a step failed, in one line, and whether trying again may help."""

    message: str
    status: int = EXIT_CONFIG
    retry: bool = False
    # The server's own "retry after", when it gave one.
    wait_s: float | None = None


class StartupError(Exception):
    """Start-up cannot go on; the message is one safe line, `status` the exit status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception, its causes and contexts, and SQLAlchemy's wrapped DBAPI errors."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop(0)
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        todo += [getattr(current, "orig", None), current.__cause__, current.__context__]
    return seen


def _os_reason(error: OSError) -> str:
    if isinstance(error, socket.gaierror):
        return "host name not found (DNS)"
    if isinstance(error, TimeoutError):
        return "timed out"
    if error.errno is not None and error.errno in errno.errorcode:
        return os.strerror(error.errno).lower()
    return str(error) or type(error).__name__


def sqlstate(exc: BaseException) -> str | None:
    """PostgreSQL's SQLSTATE of the failure, when the server gave one."""
    for link in _chain(exc):
        code = getattr(link, "sqlstate", None)
        if isinstance(code, str):
            return code
    return None


def server_reason(exc: BaseException) -> str:
    """The store's own words for a failure ('database "x" does not exist'), one line."""
    for link in _chain(exc):
        if isinstance(getattr(link, "sqlstate", None), str):
            return str(link).splitlines()[0]
    for link in _chain(exc):
        if isinstance(link, OSError):
            return _os_reason(link)
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    # SQLAlchemy prefixes the DBAPI class: "(sqlite3.OperationalError) unable to open ...".
    return first.split(") ", 1)[1] if first.startswith("(") and ") " in first else first


def store_failure(exc: BaseException, settings: Settings) -> Failure:
    """Classify a failure to open the store named by DATABASE_URL."""
    url = make_url(settings.database_url)
    reason = server_reason(exc)
    if url.get_backend_name() == "sqlite":
        return Failure(
            f"cannot open the SQLite store {url.database}: {reason}; "
            "check DATABASE_URL and that its folder exists and is writable"
        )
    where = f"PostgreSQL at {url.host or 'localhost'}:{url.port or 5432}"
    code = sqlstate(exc)
    if code == _PG_MISSING_DATABASE:
        return Failure(
            f"{where}: {reason}; create it (createdb {url.database}) or fix DATABASE_URL"
        )
    if code in _PG_LOGIN_REFUSED:
        return Failure(
            f"{where} refused the login: {reason}; check the user and password in DATABASE_URL"
        )
    if code in _PG_NOT_YET or (code is None and any(isinstance(e, OSError) for e in _chain(exc))):
        return Failure(
            f"{where} is unreachable: {reason}; check that PostgreSQL runs and "
            "the host and port in DATABASE_URL",
            status=EXIT_UNAVAILABLE,
            retry=True,
        )
    return Failure(f"{where}: {reason}; check DATABASE_URL", status=EXIT_FAILED)


def _network_reason(exc: NetworkError) -> str:
    for link in _chain(exc):
        if isinstance(link, aiohttp.ClientConnectorDNSError):
            return f"host name {link.host} not found (DNS)"
        if isinstance(link, aiohttp.ClientConnectorError):
            return f"cannot connect to {link.host}:{link.port}: {_os_reason(link.os_error)}"
    return exc.message


def telegram_failure(exc: TelegramError, settings: Settings) -> Failure:
    """Classify a failed getMe. Never uses InvalidToken's text: PTB puts the token in it."""
    where = f"the Bot API at {settings.telegram_api_base_url}"
    if isinstance(exc, InvalidToken):
        cause = exc.__cause__
        answer = cause.message if isinstance(cause, TelegramError) else "Unauthorized"
        return Failure(
            f"{where} rejected the bot token ({answer}); check TELEGRAM_BOT_TOKEN "
            "(as issued by @BotFather) and TELEGRAM_API_BASE_URL"
        )
    if isinstance(exc, RetryAfter):
        wait = exc.retry_after
        seconds = wait if isinstance(wait, int) else wait.total_seconds()
        return Failure(
            f"{where} asks to wait {seconds:g} s (429 Too Many Requests)",
            status=EXIT_UNAVAILABLE,
            retry=True,
            wait_s=float(seconds),
        )
    if isinstance(exc, TimedOut):
        return Failure(
            f"{where} did not answer within {settings.telegram_timeout_s:g} s; check the "
            "network, TELEGRAM_API_BASE_URL and SUMMITWATCH_TELEGRAM_TIMEOUT_S",
            status=EXIT_UNAVAILABLE,
            retry=True,
        )
    if isinstance(exc, NetworkError):
        return Failure(
            f"{where} is unreachable: {_network_reason(exc)}; check the network, DNS "
            "and TELEGRAM_API_BASE_URL",
            status=EXIT_UNAVAILABLE,
            retry=True,
        )
    return Failure(
        f"{where} refused getMe: {exc.message}; check TELEGRAM_API_BASE_URL",
        status=EXIT_FAILED,
    )


def classify(exc: BaseException, settings: Settings) -> Failure | None:
    """A known start-up failure (Bot API or store), or None for anything else."""
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from storage.migrate import head_revision

    if isinstance(exc, StartupError):
        return Failure(exc.message, status=exc.status)
    if isinstance(exc, CommandError):
        # "Can't locate revision identified by '9999'": a revision asked for, or a
        # database migrated by a newer summitwatch than this one.
        return Failure(
            f"migrations: {str(exc).splitlines()[0]} (this summitwatch knows revisions up to "
            f"{head_revision()}); check the revision asked for, or whether the database "
            "was migrated by a newer summitwatch"
        )
    if isinstance(exc, TelegramError):
        return telegram_failure(exc, settings)
    if isinstance(exc, (SQLAlchemyError, OSError)):
        return store_failure(exc, settings)
    return None


async def _until_ready(
    step: Callable[[], Awaitable[None]],
    describe: Callable[[BaseException], Failure | None],
    *,
    started: float,
    timeout_s: float,
) -> None:
    """Run `step` until it succeeds, retrying what may pass; `StartupError` otherwise."""
    delay = BACKOFF_FIRST_S
    attempt = 0
    while True:
        attempt += 1
        try:
            await step()
            return
        except Exception as exc:
            failure = describe(exc)
            if failure is None:
                raise
        if not failure.retry:
            raise StartupError(failure.message, failure.status)
        waited = time.monotonic() - started
        left = timeout_s - waited
        if left <= 0:
            raise StartupError(
                f"{failure.message} (gave up after {waited:.0f} s and {attempt} attempts; "
                "SUMMITWATCH_STARTUP_TIMEOUT_S)",
                failure.status,
            )
        pause = min(failure.wait_s or delay, left)
        log.warning("%s (attempt %d; next in %.0f s)", failure.message, attempt, pause)
        await asyncio.sleep(pause)
        delay = min(delay * 2, BACKOFF_MAX_S)


async def get_me(settings: Settings) -> User:
    """Who the token belongs to (getMe), through the bot's own HTTP client."""
    timeout = settings.telegram_timeout_s

    def request() -> AiohttpRequest:
        return AiohttpRequest(
            connections=1,
            read_timeout=timeout,
            write_timeout=timeout,
            connect_timeout=timeout,
            pool_timeout=timeout,
        )

    bot = Bot(
        settings.token(),
        base_url=settings.bot_api_base_url,
        base_file_url=settings.bot_file_base_url,
        request=request(),
        get_updates_request=request(),
    )
    # Closes the HTTP sessions also when getMe fails or a stop signal cancels it
    # (`async with Bot` closes them only on an Exception).
    try:
        await bot.initialize()
        return bot.bot
    finally:
        await bot.shutdown()


async def _ready(call: Awaitable[object]) -> None:
    await call


async def open_store(settings: Settings) -> None:
    """Connect to the store once (SELECT 1); creates nothing beyond what connecting does."""
    connect_args = (
        {"timeout": STORE_CONNECT_TIMEOUT_S}
        if settings.database_url.startswith("postgresql")
        else {}
    )
    engine = create_engine(settings.database_url, connect_args=connect_args)
    try:
        async with engine.connect() as connection:
            await ping(connection)
    finally:
        await engine.dispose()


async def preflight(settings: Settings) -> None:
    """The Bot API accepts the token and the store opens, or `StartupError`."""
    started = time.monotonic()
    timeout_s = settings.startup_timeout_s
    await _until_ready(
        lambda: _ready(get_me(settings)),
        lambda exc: telegram_failure(exc, settings) if isinstance(exc, TelegramError) else None,
        started=started,
        timeout_s=timeout_s,
    )
    await _until_ready(
        lambda: open_store(settings),
        lambda exc: classify(exc, settings),
        started=started,
        timeout_s=timeout_s,
    )
