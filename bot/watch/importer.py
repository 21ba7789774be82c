"""`summitwatch import-watchlist`: a plane-alert-db CSV into the watched aircraft.

Imported aircraft are watched like any other: the flight poller follows every row of
`aircraft`, and chats can follow a whole operator or category (`/subscribe operator
...`). Each chunk is committed on its own so a running bot never waits long for the
store; running the same file again changes nothing.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.kernel.progress import ProgressBar
from bot.watch.fleet import imported
from bot.watch.planealert import Problem, parse
from storage.aircraft_import import CHUNK, ImportedAircraft, existing_aircraft, import_aircraft

SOURCE_LENGTH = 512  # aircraft.source


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    file: str
    dry_run: bool
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The summary for the terminal: counts, then every skipped line and why."""
        head = f"plane-alert-db import of {self.file}"
        if self.dry_run:
            head += " (dry run: nothing was written)"
        out = [
            head,
            f"  added      {self.added:>7,}",
            f"  updated    {self.updated:>7,}",
            f"  unchanged  {self.unchanged:>7,}",
            f"  skipped    {len(self.problems):>7,}",
        ]
        reasons = Counter(p.reason for p in self.problems)
        out += [f"    {count:>7,} {reason}" for reason, count in sorted(reasons.items())]
        out += [f"  line {p.line}: {p.detail}" for p in self.problems]
        return out


async def import_watchlist(
    path: Path,
    sessions: async_sessionmaker[AsyncSession],
    *,
    now: datetime,
    dry_run: bool,
    progress: ProgressBar | None = None,
) -> ImportReport:
    """Import `path`; bad lines are reported in the result, never raised.

    Raises `planealert.HeaderError` when the file is not a plane-alert-db CSV and
    `OSError` when it cannot be read.
    """
    lines = (await asyncio.to_thread(path.read_bytes)).splitlines(keepends=True)
    report = ImportReport(file=path.name, dry_run=dry_run)
    entries: list[ImportedAircraft] = []
    for item in parse(lines):
        if isinstance(item, Problem):
            report.problems.append(item)
        else:
            entries.append(imported(item))
    if progress is not None:
        progress.total = len(entries) + len(report.problems)
        progress.advance(len(report.problems))
    stamp = now.strftime("%Y-%m-%d %H:%M UTC")
    source = f"plane-alert-db CSV {path.name}, imported {stamp}"[:SOURCE_LENGTH]
    provenance = {"file": path.name, "imported_at": now.isoformat()}
    async with sessions() as session:
        existing = await existing_aircraft(session)
    for start in range(0, len(entries), CHUNK):
        chunk = entries[start : start + CHUNK]
        async with sessions() as session:
            outcome = await import_aircraft(
                session,
                chunk,
                existing=existing,
                source=source,
                provenance=provenance,
                now=now,
                write=not dry_run,
            )
            if not dry_run:
                await session.commit()
        report.added += len(outcome.added)
        report.updated += len(outcome.updated)
        report.unchanged += len(outcome.unchanged)
        if progress is not None:
            progress.advance(len(chunk))
    if progress is not None:
        progress.close()
    return report
