"""The command-line side of the watchlist import: store, progress bar, summary, exit status.

A path imports every row of a local plane-alert-db CSV (bad lines are skipped and
listed). An http(s) URL refreshes the shipped fleet from it, exactly as the weekly job
does (`bot.watch.fleet_refresh`): conditional, guarded, all or nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.kernel.config import Settings
from bot.kernel.progress import ProgressBar
from bot.net.http import FetchError
from bot.net.ssrf import AddressPolicy
from bot.watch.fleet_refresh import RefreshReport, refresh_fleet
from bot.watch.fleet_seed import FleetFileError
from bot.watch.importer import ImportReport, import_watchlist
from bot.watch.planealert import HeaderError
from storage.engine import create_engine, session_factory
from storage.migrate import current_revision, head_revision, upgrade
from storage.types import utcnow

_WEB = ("http://", "https://")


async def _prepare(engine: AsyncEngine, *, dry_run: bool) -> None:
    if dry_run:
        # A dry run writes nothing, not even a migration.
        if await current_revision(engine) != head_revision():
            raise LookupError("the store is not migrated: run `summitwatch db upgrade`")
    else:
        await upgrade(engine)


async def _run(path: Path, settings: Settings, *, dry_run: bool, bar: bool) -> ImportReport:
    engine = create_engine(settings.database_url)
    try:
        await _prepare(engine, dry_run=dry_run)
        progress = ProgressBar(0, sys.stderr, enabled=bar)
        return await import_watchlist(
            path, session_factory(engine), now=utcnow(), dry_run=dry_run, progress=progress
        )
    finally:
        await engine.dispose()


async def _refresh(url: str, settings: Settings, *, dry_run: bool) -> RefreshReport:
    engine = create_engine(settings.database_url)
    try:
        await _prepare(engine, dry_run=dry_run)
        policy = AddressPolicy.build(allow=settings.feeds_allow_list())
        return await refresh_fleet(
            session_factory(engine), url, policy=policy, now=utcnow(), dry_run=dry_run
        )
    finally:
        await engine.dispose()


def refresh_lines(report: RefreshReport, *, dry_run: bool) -> list[str]:
    """The summary of a refresh for the terminal."""
    head = f"plane-alert-db fleet refresh from {report.url}"
    if dry_run:
        head += " (dry run: nothing was written)"
    outcome = report.outcome
    if outcome is None:
        return [head, f"  nothing changed: {report.why}"]
    return [
        head,
        f"  rows       {report.rows:>7,} (Gov and Dictator Alert)",
        f"  added      {outcome.added:>7,}",
        f"  updated    {outcome.updated:>7,}",
        f"  unchanged  {outcome.unchanged:>7,}",
        f"  untracked  {len(outcome.untracked):>7,} (dropped by an admin, not re-added)",
        f"  linked     {outcome.linked:>7,} (believed, from the tags)",
        f"  kept       {outcome.analysts_kept:>7,} (analysts' links left as they are)",
        f"  stale      {outcome.stale:>7,} (links the new copy no longer supports)",
    ]


def import_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run the import and print its summary; 1 when the file, URL or store is unusable."""
    where = str(args.file)
    if where.lower().startswith(_WEB):
        try:
            report = asyncio.run(_refresh(where, settings, dry_run=args.dry_run))
        except (FetchError, FleetFileError, LookupError) as exc:
            print(f"summitwatch: import-watchlist: {where}: {exc}", file=sys.stderr)
            return 1
        print("\n".join(refresh_lines(report, dry_run=args.dry_run)))
        return 0
    path = Path(where)
    bar = sys.stderr.isatty() if args.progress is None else bool(args.progress)
    try:
        file_report = asyncio.run(_run(path, settings, dry_run=args.dry_run, bar=bar))
    except (OSError, HeaderError, LookupError) as exc:
        message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        print(f"summitwatch: import-watchlist: {path.name}: {message}", file=sys.stderr)
        return 1
    print("\n".join(file_report.lines()))
    return 0
