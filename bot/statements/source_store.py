"""Statement sources in the `sources` table: seeding, poll results, targets.

Seeding rule (`seed_sources`), so a restart never undoes an operator:
- a name the table has never held is inserted from the shipped file;
- a shipped row (no `added_by`) gets its description refreshed from the file
  (kind, URL, language, country, official); if the URL changed, the stored
  ETag/Last-Modified are dropped, since they belong to the old URL;
- health, `enabled` and `interval_s` of an existing row are never written;
- a row an admin added (`added_by` set) under a shipped name is left alone.

Removing a source therefore means disabling it (`retire_source`): the row
stays as a tombstone and the seed will not bring it back. Deleting the row
would: the next start inserts the shipped default again.

The rows are read and written through `storage.sources`, the table's one writer.
Functions here flush but do not commit: the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.runtime import metrics
from bot.statements.feed_health import FeedHealth, FetchResult
from bot.statements.sources import (
    FEED_KINDS,
    FeedKind,
    FeedTarget,
    SourceSpec,
    selectors_for_url,
)
from storage.models import Source, SourceKind
from storage.sources import (
    Description,
    SourceHealth,
    describe_source,
    insert_source,
    set_enabled,
    source_named,
    sources_named,
    sources_of_kinds,
    write_health,
)

_FEED_SOURCE_KINDS = tuple(SourceKind(kind) for kind in FEED_KINDS)


@dataclass(frozen=True, slots=True)
class SeedReport:
    """What `seed_sources` did, by source name.

    Attributes:
        inserted: names new to the table.
        updated: shipped rows whose description changed.
        unchanged: shipped rows already up to date.
        kept: rows an admin added under a shipped name, left as they are.
    """

    inserted: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()


def _description(spec: SourceSpec) -> Description:
    return Description(
        kind=SourceKind(spec.kind),
        url=spec.url,
        language=spec.language,
        country=spec.country,
        official=spec.official,
    )


async def seed_sources(session: AsyncSession, sources: Iterable[SourceSpec]) -> SeedReport:
    """Insert or refresh the shipped sources (see the module's rule).

    Args:
        session: an open session; the caller commits.
        sources: the specs, usually `load_sources()`.

    Returns:
        What was inserted, updated, unchanged or kept.
    """
    specs = list(sources)
    names = [spec.name for spec in specs]
    rows = {row.name: row for row in await sources_named(session, names)}
    inserted: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    kept: list[str] = []
    for spec in specs:
        row = rows.get(spec.name)
        if row is None:
            await insert_source(
                session,
                Source(
                    name=spec.name,
                    kind=SourceKind(spec.kind),
                    url=spec.url,
                    language=spec.language,
                    country=spec.country,
                    official=spec.official,
                    enabled=spec.enabled,
                    interval_s=spec.interval_s,
                ),
            )
            inserted.append(spec.name)
        elif row.added_by is not None:
            kept.append(spec.name)
        elif await describe_source(session, row, _description(spec)):
            updated.append(spec.name)
        else:
            unchanged.append(spec.name)
    return SeedReport(tuple(inserted), tuple(updated), tuple(unchanged), tuple(kept))


def health_of(row: Source) -> FeedHealth:
    """The health stored in a row."""
    return FeedHealth(
        last_success_at=row.last_success_at,
        last_error_at=row.last_error_at,
        last_error=row.last_error,
        consecutive_failures=row.consecutive_failures,
        items_seen=row.items_seen,
        latency_ms=row.latency_ms,
    )


async def record_fetch(session: AsyncSession, result: FetchResult) -> Source | None:
    """Store a poll's outcome in the source's row.

    Health follows `FeedHealth.after` (the fetcher's own rule), starting from
    what is stored, so failure counts survive restarts. ETag and Last-Modified
    are written only after a success (ok or not_modified): a failed poll, or
    a block page answered with 200, must not replace the validators of the
    last good body.

    Args:
        session: an open session; the caller commits.
        result: what `FeedFetcher.poll` returned.

    Returns:
        The row, flushed; None when no source has that name (removed meanwhile).
    """
    row = await source_named(session, result.source)
    if row is None:
        return None
    health = health_of(row).after(result)
    latency = result.latency_ms / 1000 if result.latency_ms is not None else None
    metrics.record_poll(row.name, str(row.kind), ok=result.succeeded, latency_s=latency)
    return await write_health(
        session,
        row,
        SourceHealth(
            last_success_at=health.last_success_at,
            last_error_at=health.last_error_at,
            last_error=health.last_error,
            consecutive_failures=health.consecutive_failures,
            latency_ms=health.latency_ms,
            items_seen=health.items_seen,
        ),
        validators=(result.etag, result.last_modified) if result.succeeded else None,
    )


async def load_health(session: AsyncSession) -> dict[str, FeedHealth]:
    """The stored health of every feed and page source, by name (for `FeedFetcher`)."""
    rows = await sources_of_kinds(session, _FEED_SOURCE_KINDS)
    return {row.name: health_of(row) for row in rows}


async def load_targets(
    session: AsyncSession, specs: Sequence[SourceSpec]
) -> tuple[list[FeedTarget], list[str]]:
    """The enabled feed and page sources, ready to poll.

    HTML rows take their selectors from the shipped spec of the same name, or
    (pages added from chat) from a shipped spec of the same site.

    Args:
        session: an open session.
        specs: the shipped sources (for selectors).

    Returns:
        The targets, by name; and the names of enabled rows that cannot be
        polled (an HTML row without shipped selectors, a row without a
        language): report them.
    """
    selectors = {spec.name: spec.selectors for spec in specs if spec.selectors is not None}
    rows = await sources_of_kinds(session, _FEED_SOURCE_KINDS, enabled_only=True)
    targets: list[FeedTarget] = []
    unreadable: list[str] = []
    for row in rows:
        kind: FeedKind = "html" if row.kind == SourceKind.HTML else "rss"
        if kind == "html" and row.name not in selectors:
            # A page an admin added: the layout of a shipped source of the same site.
            site_selectors = selectors_for_url(row.url, tuple(specs))
            if site_selectors is not None:
                selectors[row.name] = site_selectors
        if (kind == "html" and row.name not in selectors) or not row.language:
            unreadable.append(row.name)
            continue
        targets.append(
            FeedTarget(
                name=row.name,
                kind=kind,
                url=row.url,
                language=row.language,
                interval_s=row.interval_s,
                selectors=selectors.get(row.name) if kind == "html" else None,
                etag=row.etag,
                last_modified=row.last_modified,
            )
        )
    return targets, unreadable


async def retire_source(session: AsyncSession, name: str) -> bool:
    """Disable a source for good (the row stays, so seeding will not revive it).

    Returns:
        False when no source has that name.
    """
    row = await source_named(session, name)
    if row is None:
        return False
    await set_enabled(session, row, False)
    return True
