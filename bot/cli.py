"""The `summitwatch` command (also `python -m bot`)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.kernel.logs import configure_logging

# asyncio and the settings (pydantic) are imported by the commands that use them:
# together ~0.3 s of start-up that `replay-flights` does not need.
if TYPE_CHECKING:
    from bot.kernel.config import Settings

EXIT_FAILED = 1
EXIT_CONFIG = 2
log = logging.getLogger("summitwatch")


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the bot until stopped (SIGINT, SIGTERM): long polling, or webhooks (--webhook
    or a webhook URL). A stop signal at any point, start-up included, stops it in order
    (`bot.runtime.lifecycle`) with status 0."""
    import asyncio

    from bot.runtime.optional_imports import skipping, unused_by_run
    from bot.runtime.webhook import webhook_wanted

    webhook = webhook_wanted(settings, flag=args.webhook)
    # The libraries' optional parts this mode does not use stay out of the process.
    with skipping(unused_by_run(webhook=webhook)):
        from bot.runtime.lifecycle import Stop, stop_signals, until_stopped
        from bot.runtime.lifecycle import log as run_log
        from bot.runtime.startup import StartupError, classify, preflight
        from bot.runtime.startup import log as startup_log

    async def run() -> int:
        stop = Stop()
        with stop_signals(stop):
            try:
                if not await until_stopped(preflight(settings), stop):
                    run_log.info("%s received during start-up: stopping", stop.signal_name)
                    run_log.info("stopped")
                    return 0
            except StartupError as exc:
                startup_log.error("%s", exc.message)
                return exc.status
            return await _serve(stop)

    async def _serve(stop: Stop) -> int:
        # Imported after the preflight: a failing start-up need not wait for the whole bot.
        with skipping(unused_by_run(webhook=webhook)):
            from telegram import Update
            from telegram.ext import Updater

            from bot.runtime.app import build_application
            from bot.runtime.lifecycle import serve
            from bot.runtime.webhook import webhook_options

        async def start_updates(updater: Updater) -> object:
            if webhook:
                return await updater.start_webhook(**webhook_options(settings))
            return await updater.start_polling(
                allowed_updates=Update.ALL_TYPES, error_callback=polling_error
            )

        def polling_error(exc: Exception) -> None:
            # As run_polling does: a failed getUpdates goes to the error handlers.
            application.create_task(application.process_error(update=None, error=exc))

        application = build_application(settings)
        try:
            await serve(application, start_updates, stop)
        except Exception as exc:
            # What went wrong after the preflight (the Bot API or the store gone in between,
            # a busy health port, a schema newer than the code): still one line.
            failure = classify(exc, settings)
            if failure is None:
                raise
            startup_log.error("%s", failure.message)
            return failure.status
        finally:
            # PTB skips the bot's shutdown when its own start-up failed; closing the HTTP
            # sessions here keeps "Unclosed client session" out of the output.
            await application.bot.shutdown()
        return 0

    return asyncio.run(run())


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    """Apply every pending migration."""
    import asyncio

    from bot.runtime.startup import classify
    from storage.engine import create_engine
    from storage.migrate import current_revision, head_revision, upgrade

    async def run() -> str | None:
        engine = create_engine(settings.database_url)
        try:
            await upgrade(engine, args.revision)
            return await current_revision(engine)
        finally:
            await engine.dispose()

    try:
        revision = asyncio.run(run())
    except Exception as exc:
        failure = classify(exc, settings)
        if failure is None:
            raise
        print(f"summitwatch: db upgrade: {failure.message}", file=sys.stderr)
        return failure.status
    print(f"database at revision {revision} (code head {head_revision()})")
    return 0


def cmd_db_backup(args: argparse.Namespace, settings: Settings) -> int:
    """Copy the SQLite store to a new file while the bot runs (PostgreSQL: use pg_dump)."""
    from storage.backup import BackupError, backup_sqlite

    source = settings.sqlite_path()
    if source is None:
        print(
            "summitwatch: db backup copies SQLite stores; for PostgreSQL use pg_dump "
            "(see docs/operations.md)",
            file=sys.stderr,
        )
        return 1
    try:
        size = backup_sqlite(source, Path(args.file))
    except (BackupError, OSError) as exc:
        print(f"summitwatch: db backup: {exc}", file=sys.stderr)
        return 1
    print(f"backed up {source} to {args.file} ({size:,} bytes, integrity ok)")
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """Validate the configuration and the store; print what was found."""
    import asyncio

    from bot.checks import run_checks

    report = asyncio.run(run_checks(settings, telegram=args.telegram))
    for line in report.lines:
        print(line)
    return 0 if report.ok else 1


def cmd_demo(args: argparse.Namespace, settings: Settings | None) -> int:
    """Run the offline demo against local fake servers and print the chat."""
    import asyncio

    from bot.demo import prepare_picture_folder, run_demo

    folder = None
    if args.save_pictures is not None:
        try:
            folder = prepare_picture_folder(Path(args.save_pictures))
        except OSError as exc:
            print(
                f"summitwatch demo: cannot save pictures in {args.save_pictures}: {exc.strerror}",
                file=sys.stderr,
            )
            return 2
    return asyncio.run(run_demo(save_pictures=folder))


def cmd_replay_flights(args: argparse.Namespace, settings: Settings | None) -> int:
    """Run the flight detector over recorded position reports; one JSON line per event."""
    from bot.flights.replay import replay

    return replay(args.files, sys.stdout, err=sys.stderr, drain=args.drain)


def cmd_import_watchlist(args: argparse.Namespace, settings: Settings) -> int:
    """Import aircraft from a plane-alert-db CSV file, or refresh the fleet from a URL.

    A file: every row; bad lines are reported, never fatal. An http(s) URL: the shipped
    fleet's rows (Gov, Dictator Alert), conditionally, all or nothing.
    """
    from bot.watch.import_command import import_command

    return import_command(args, settings)


def cmd_sources_check(args: argparse.Namespace, settings: Settings) -> int:
    """Fetch every statement source once and report what each gave (nothing is stored)."""
    import asyncio

    from bot.statements.check import check_sources, report
    from bot.statements.configured import configured_sources, feed_addresses

    specs = configured_sources(settings)
    if args.source:
        known = [spec.name for spec in specs]
        unknown = [name for name in dict.fromkeys(args.source) if name not in known]
        if unknown:
            print(
                f"summitwatch: sources check: no source named {', '.join(map(repr, unknown))}; "
                f"known: {', '.join(known)}",
                file=sys.stderr,
            )
            return EXIT_CONFIG
        specs = tuple(spec for spec in specs if spec.name in set(args.source))
    lines = asyncio.run(check_sources(specs, feed_addresses(settings), timeout_s=args.timeout))
    return 0 if report(lines, sys.stdout) else 1


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-parser per subcommand."""
    parser = argparse.ArgumentParser(
        prog="summitwatch",
        description="Telegram bot that watches diplomatic signals: jets, statements, venues.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run the bot (long polling)", description=cmd_run.__doc__)
    run.add_argument(
        "--webhook",
        action="store_true",
        help="receive updates by webhook (SUMMITWATCH_WEBHOOK_URL and _SECRET required)",
    )
    run.set_defaults(handler=cmd_run, needs_settings=True)

    db = sub.add_parser("db", help="database maintenance", description="Database maintenance.")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    up = db_sub.add_parser("upgrade", help="apply migrations", description=cmd_db_upgrade.__doc__)
    up.add_argument("revision", nargs="?", default="head", help="target revision (default: head)")
    up.set_defaults(handler=cmd_db_upgrade, needs_settings=True)
    backup = db_sub.add_parser(
        "backup", help="online copy of the SQLite store", description=cmd_db_backup.__doc__
    )
    backup.add_argument("file", help="the new file to write (must not exist)")
    backup.set_defaults(handler=cmd_db_backup, needs_settings=True)

    check = sub.add_parser(
        "check", help="validate configuration and store", description=cmd_check.__doc__
    )
    check.add_argument(
        "--telegram", action="store_true", help="also call getMe on the configured Bot API"
    )
    check.set_defaults(handler=cmd_check, needs_settings=True)

    replay = sub.add_parser(
        "replay-flights",
        help="detect flight events in recorded positions",
        description=cmd_replay_flights.__doc__,
    )
    replay.add_argument(
        "files", nargs="+", help="JSON Lines (readsb v2 fields + ts) or readsb trace_full_*.json"
    )
    replay.add_argument(
        "--drain", action="store_true", help="let the recording end in silence (signal lost)"
    )
    replay.set_defaults(handler=cmd_replay_flights, needs_settings=False)

    imp = sub.add_parser(
        "import-watchlist",
        help="import aircraft from a plane-alert-db CSV",
        description=cmd_import_watchlist.__doc__,
    )
    imp.add_argument(
        "file",
        help="CSV with the plane-alert-db header ($ICAO,$Registration,...), or its http(s) URL",
    )
    imp.add_argument(
        "--dry-run", action="store_true", help="report what would change; write nothing"
    )
    imp.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: only when stderr is a terminal)",
    )
    imp.set_defaults(handler=cmd_import_watchlist, needs_settings=True)

    sources = sub.add_parser("sources", help="statement sources", description="Statement sources.")
    sources_sub = sources.add_subparsers(dest="sources_command", required=True, metavar="ACTION")
    check_sources = sources_sub.add_parser(
        "check", help="fetch each source once", description=cmd_sources_check.__doc__
    )
    check_sources.add_argument(
        "--source", action="append", metavar="NAME", help="only this source (repeatable)"
    )
    check_sources.add_argument(
        "--timeout", type=float, default=15.0, help="seconds per request (default 15)"
    )
    check_sources.set_defaults(handler=cmd_sources_check, needs_settings=True)

    demo = sub.add_parser(
        "demo", help="offline demo with local fakes", description=cmd_demo.__doc__
    )
    demo.add_argument(
        "--save-pictures",
        metavar="DIR",
        help="write each picture the bot sends (the landing map) into DIR and print its path",
    )
    demo.set_defaults(handler=cmd_demo, needs_settings=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; configuration errors exit with status 2 and one line naming the variable.

    Without `argv` it reads the process's own command line, and `run` then starts that
    command again under Python's -OO first (`bot.runtime.optimized`); a caller passing
    `argv` (a test, a script) runs in its own interpreter as it is.
    """
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace, Settings], int] = args.handler
    if handler is cmd_run:
        from bot.runtime import heap, optimized

        if argv is None:
            optimized.restart_optimized()

        # Before any thread starts (SQLite's, the executor's): they share one malloc
        # arena instead of a heap each (issue 13, idle memory).
        heap.limit_arenas()
    settings: Settings | None = None
    try:
        if args.needs_settings:
            from bot.kernel.config import load_settings

            settings = load_settings()
            if args.handler is cmd_run:
                settings.token()
                if args.webhook or settings.webhook_url is not None:
                    settings.webhook()
        # The demo prints chats; only problems should interrupt them.
        level = logging.WARNING if args.handler is cmd_demo else logging.INFO
        configure_logging(
            settings.secrets() if settings else [],
            level=level,
            fmt=settings.log_format if settings else "text",
        )
        return handler(args, settings)  # type: ignore[arg-type]
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from bot.kernel.config import ConfigError

        if isinstance(exc, ConfigError):
            print(f"summitwatch: configuration error: {exc}", file=sys.stderr)
            return EXIT_CONFIG
        # Through the log, so the secret filter scrubs the traceback: Python's own
        # printout of an uncaught exception would show the token PTB put in it.
        log.critical("summitwatch %s stopped by an unexpected error", args.command, exc_info=True)
        return EXIT_FAILED
