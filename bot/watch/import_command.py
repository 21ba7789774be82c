"""The command-line side of the watchlist import: store, progress bar, summary, exit status."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.config import Settings
from bot.progress import ProgressBar
from bot.watch.importer import ImportReport, import_watchlist
from bot.watch.planealert import HeaderError
from storage.engine import create_engine, session_factory
from storage.migrate import current_revision, head_revision, upgrade
from storage.types import utcnow


async def _run(path: Path, settings: Settings, *, dry_run: bool, bar: bool) -> ImportReport:
    engine = create_engine(settings.database_url)
    try:
        if dry_run:
            # A dry run writes nothing, not even a migration.
            if await current_revision(engine) != head_revision():
                raise LookupError("the store is not migrated: run `summitwatch db upgrade`")
        else:
            await upgrade(engine)
        progress = ProgressBar(0, sys.stderr, enabled=bar)
        return await import_watchlist(
            path, session_factory(engine), now=utcnow(), dry_run=dry_run, progress=progress
        )
    finally:
        await engine.dispose()


def import_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run the import and print its summary; 1 when the file or store is unusable."""
    path = Path(args.file)
    bar = sys.stderr.isatty() if args.progress is None else bool(args.progress)
    try:
        report = asyncio.run(_run(path, settings, dry_run=args.dry_run, bar=bar))
    except (OSError, HeaderError, LookupError) as exc:
        message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        print(f"summitwatch: import-watchlist: {path.name}: {message}", file=sys.stderr)
        return 1
    print("\n".join(report.lines()))
    return 0
