"""The `sources` table: the one module that reads and writes it.

Two features keep rows here: flight providers (`bot.flights.providers.provider_health`)
and statement sources (`bot.statements.source_store`: seeding, poll results, sources
added and removed from chat). Both write health through `write_health`, so the health
columns mean the same thing whoever polled. Functions flush but do not commit: the
caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Source, SourceKind


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """The health columns of a row, written together by `write_health`.

    Attributes:
        items_seen: how many items the last good poll gave; None for a source that
            does not count items (a flight provider): the column keeps its value.
    """

    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error: str | None
    consecutive_failures: int
    latency_ms: float | None
    items_seen: int | None = None


@dataclass(frozen=True, slots=True)
class Description:
    """What a shipped statement source says about itself (the seed refreshes it)."""

    kind: SourceKind
    url: str
    language: str | None
    country: str | None
    official: bool


async def source_named(session: AsyncSession, name: str) -> Source | None:
    """The row with this name (names are unique), if any."""
    return (await session.exec(select(Source).where(Source.name == name))).first()


async def source_by_id(session: AsyncSession, source_id: int) -> Source | None:
    """The row with this id, if it still exists."""
    return await session.get(Source, source_id)


async def source_with_url(session: AsyncSession, url: str) -> Source | None:
    """A row polling exactly this URL, if any."""
    return (await session.exec(select(Source).where(Source.url == url))).first()


async def sources_named(session: AsyncSession, names: Sequence[str]) -> list[Source]:
    """The rows with these names (those that exist)."""
    result = await session.exec(select(Source).where(col(Source.name).in_(names)))
    return list(result.all())


async def source_names(session: AsyncSession) -> set[str]:
    """Every name in the table, enabled or not (a new name must differ from all)."""
    return set((await session.exec(select(Source.name))).all())


async def all_sources(session: AsyncSession) -> list[Source]:
    """Every row, by name."""
    return list((await session.exec(select(Source).order_by(col(Source.name)))).all())


async def sources_of_kinds(
    session: AsyncSession, kinds: Iterable[SourceKind], *, enabled_only: bool = False
) -> list[Source]:
    """The rows of these kinds, by name; only the enabled ones if asked."""
    query = select(Source).where(col(Source.kind).in_(list(kinds)))
    if enabled_only:
        query = query.where(col(Source.enabled).is_(True))
    return list((await session.exec(query.order_by(col(Source.name)))).all())


async def insert_source(session: AsyncSession, row: Source) -> Source:
    """Store a new row (flushed: it has an id)."""
    session.add(row)
    await session.flush()
    return row


async def register_source(session: AsyncSession, name: str, kind: SourceKind, url: str) -> Source:
    """The row of a configured source, created if new; its kind and URL follow the caller.

    Only kind and URL are written: an operator's `enabled` or `interval_s` and the
    stored health stay as they are. The row is added to the session, not flushed.
    """
    row = await source_named(session, name)
    if row is None:
        row = Source(name=name, kind=kind, url=url)
    else:
        row.kind = kind
        row.url = url
    session.add(row)
    return row


async def describe_source(session: AsyncSession, row: Source, description: Description) -> bool:
    """Write a shipped description into a row; whether anything changed.

    A new URL drops the stored ETag and Last-Modified: they belong to the old URL.
    """
    wanted = {
        "kind": description.kind,
        "url": description.url,
        "language": description.language,
        "country": description.country,
        "official": description.official,
    }
    changed = {key: value for key, value in wanted.items() if getattr(row, key) != value}
    if "url" in changed:
        row.etag = None
        row.last_modified = None
    for key, value in changed.items():
        setattr(row, key, value)
    if changed:
        session.add(row)
        await session.flush()
    return bool(changed)


async def write_health(
    session: AsyncSession,
    row: Source,
    health: SourceHealth,
    *,
    validators: tuple[str | None, str | None] | None = None,
) -> Source:
    """Write a row's health, and its conditional GET validators when given.

    Args:
        session: an open session; the caller commits.
        row: the row, from this session.
        health: the new health (every column written, `items_seen` only when known).
        validators: (ETag, Last-Modified) of a good answer; None keeps the stored ones.

    Returns:
        The row, flushed.
    """
    row.last_success_at = health.last_success_at
    row.last_error_at = health.last_error_at
    row.last_error = health.last_error
    row.consecutive_failures = health.consecutive_failures
    row.latency_ms = health.latency_ms
    if health.items_seen is not None:
        row.items_seen = health.items_seen
    if validators is not None:
        row.etag, row.last_modified = validators
    session.add(row)
    await session.flush()
    return row


async def set_enabled(session: AsyncSession, row: Source, enabled: bool) -> Source:
    """Start or stop polling a row (flushed)."""
    row.enabled = enabled
    session.add(row)
    await session.flush()
    return row
