"""`summitwatch check`: what the configuration and the store look like, secrets masked."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine.url import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings, mask_token
from storage.engine import create_engine
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


async def _check_store(settings: Settings, report: CheckReport) -> None:
    url = make_url(settings.database_url)
    shown = url.render_as_string(hide_password=True)
    engine = create_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        report.good(f"store reachable: {shown}")
        revision, head = await current_revision(engine), head_revision()
        if revision == head:
            report.good(f"schema current (revision {revision})")
        else:
            found = revision or "nothing"
            report.bad(f"schema at {found}, code expects {head}: run `summitwatch db upgrade`")
    except (SQLAlchemyError, OSError) as exc:
        report.bad(f"store unreachable: {shown}: {type(exc).__name__}")
    finally:
        await engine.dispose()


async def _check_telegram(settings: Settings, report: CheckReport) -> None:
    from telegram import Bot
    from telegram.error import TelegramError

    try:
        async with Bot(
            settings.token(),
            base_url=settings.bot_api_base_url,
            base_file_url=settings.bot_file_base_url,
        ) as bot:
            report.good(f"Bot API answers: @{bot.username} (id {bot.id})")
    except TelegramError as exc:
        report.bad(f"Bot API: {type(exc).__name__}: {exc.message}")


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
