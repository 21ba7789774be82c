"""`summitwatch check`: what the configuration and the store look like, secrets masked.

It only reads: a store that does not exist is reported, not created.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine.url import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

from bot.kernel.config import Settings, mask_token
from bot.runtime.startup import get_me, store_failure, telegram_failure
from storage.engine import ping
from storage.migrate import current_revision, head_revision


@dataclass
class CheckReport:
    """Lines to print and whether everything passed."""

    lines: list[str] = field(default_factory=list)
    ok: bool = True

    def good(self, text_: str) -> None:
        self.lines.append(f"ok    {text_}")

    def bad(self, text_: str) -> None:
        self.lines.append(f"FAIL  {text_}")
        self.ok = False


def _read_only(database_url: str) -> str:
    """SQLite: the URL opening the file read-only (SQLite would create a missing one)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        return database_url
    path = quote(str(Path(url.database).resolve()))
    return f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true"


async def _check_store(settings: Settings, report: CheckReport) -> None:
    """Reads only: a missing SQLite file (or its folder) is reported, never created."""
    url = make_url(settings.database_url)
    shown = url.render_as_string(hide_password=True)
    path = settings.sqlite_path()
    if path is not None and not path.is_file():
        report.bad(
            f"store file {path} does not exist: check DATABASE_URL "
            "(`summitwatch db upgrade` creates it)"
        )
        return
    # Not storage.engine.create_engine: it makes the folder and switches the file to WAL.
    engine = create_async_engine(_read_only(settings.database_url))
    try:
        async with engine.connect() as connection:
            await ping(connection)
        report.good(f"store reachable: {shown}")
        revision, head = await current_revision(engine), head_revision()
        if revision == head:
            report.good(f"schema current (revision {revision})")
        else:
            found = revision or "nothing"
            report.bad(f"schema at {found}, code expects {head}: run `summitwatch db upgrade`")
    except (SQLAlchemyError, OSError) as exc:
        report.bad(f"store: {store_failure(exc, settings).message}")
    finally:
        await engine.dispose()


async def _check_telegram(settings: Settings, report: CheckReport) -> None:
    from telegram.error import TelegramError

    try:
        me = await get_me(settings)
    except TelegramError as exc:
        # Never the exception's own text: PTB quotes the rejected token in it.
        report.bad(f"Bot API: {telegram_failure(exc, settings).message}")
    else:
        report.good(f"Bot API answers: @{me.username} (id {me.id})")


async def run_checks(settings: Settings, *, telegram: bool = False) -> CheckReport:
    """Check configuration, store and (optionally) the Bot API."""
    report = CheckReport()
    token = settings.telegram_bot_token
    if token is None:
        report.bad("TELEGRAM_BOT_TOKEN is not set")
    else:
        report.good(f"TELEGRAM_BOT_TOKEN {mask_token(token.get_secret_value())}")
    report.good(f"TELEGRAM_API_BASE_URL {settings.telegram_api_base_url}")
    report.good(f"SUMMITWATCH_DEFAULT_LOCALE {settings.default_locale}")
    admins = ", ".join(str(i) for i in sorted(settings.admin_ids)) or "none"
    report.good(f"SUMMITWATCH_ADMIN_IDS {admins}")
    await _check_store(settings, report)
    if telegram and token is not None:
        await _check_telegram(settings, report)
    return report
