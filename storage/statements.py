"""Queries on statements: store an item once (edits as revisions), its mentions, and reads.

Reads serve `/statements`, `/status` and the venue analysis. "Silence is information":
`last_said` and `has_source_said` answer "has source X said anything mentioning Y
since T". A statement's time is its publication time, or when it was first fetched
for items that carry none.

Functions here flush but do not commit: the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, delete, func, or_, tuple_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Mention, Source, Statement, StatementRevision
from storage.types import UTCDateTime

Topic = tuple[str, str]  # (mention kind, key): ("person", "steve-witkoff")


class Change(StrEnum):
    """What storing an item did."""

    NEW = "new"
    EDITED = "edited"
    UNCHANGED = "unchanged"
    # Another guid of the same source with the same text (a re-post): not stored.
    DUPLICATE = "duplicate"


@dataclass(frozen=True, slots=True)
class ItemValues:
    """A feed item as the store keeps it (built by `bot.statements`)."""

    guid: str
    url: str | None
    title: str
    summary: str
    published_at: datetime | None
    language: str
    content_hash: str


@dataclass(frozen=True, slots=True)
class Stored:
    """The statement row after `store_item`, and what happened to it."""

    statement: Statement
    change: Change


def _when() -> ColumnElement[datetime]:
    # Typed, so SQLite values come back aware and bound times are stored-format.
    return func.coalesce(
        col(Statement.published_at), col(Statement.fetched_at), type_=UTCDateTime()
    )


async def _existing(session: AsyncSession, source_id: int, item: ItemValues) -> Statement | None:
    # The guid first; the canonical link also identifies an item whose feed
    # switched from guid to link (or back) between polls.
    match = col(Statement.guid) == item.guid
    if item.url:
        match = or_(match, col(Statement.url) == item.url)
    result = await session.exec(
        select(Statement)
        .where(Statement.source_id == source_id, match)
        .order_by(col(Statement.guid) != item.guid, col(Statement.id))
        .limit(1)
    )
    return result.first()


async def known_hashes(
    session: AsyncSession, source_id: int, guids: Sequence[str], urls: Sequence[str]
) -> dict[str, str]:
    """Content hashes of stored statements of a source, by guid and by link.

    One query for a whole poll: the items whose guid or link maps to their
    own hash are unchanged and need no further work (most of every poll).
    """
    keys = [g for g in guids if g]
    links = [u for u in urls if u]
    if not keys and not links:
        return {}
    result = await session.exec(
        select(Statement.guid, Statement.url, Statement.content_hash).where(
            Statement.source_id == source_id,
            or_(col(Statement.guid).in_(keys), col(Statement.url).in_(links)),
        )
    )
    known: dict[str, str] = {}
    for guid, url, digest in result.all():
        known[guid] = digest
        if url:
            known.setdefault(url, digest)
    return known


async def store_item(
    session: AsyncSession, source_id: int, item: ItemValues, *, now: datetime
) -> Stored:
    """Insert a new item, keep an unchanged one, or store an edit as a new revision.

    An edit (same guid or link, new content hash) keeps the earlier text in
    `statement_revisions` and bumps `revision`. A new guid whose text equals a
    statement of the same source already stored is a duplicate and not stored.

    Args:
        session: an open session; the caller commits.
        source_id: the `sources` row.
        item: the item's values.
        now: the fetch time, aware UTC.

    Returns:
        The row (with its id) and what happened.
    """
    row = await _existing(session, source_id, item)
    if row is None:
        same_text = await session.exec(
            select(Statement).where(
                Statement.source_id == source_id, Statement.content_hash == item.content_hash
            )
        )
        twin = same_text.first()
        if twin is not None:
            return Stored(twin, Change.DUPLICATE)
        row = Statement(
            source_id=source_id,
            guid=item.guid,
            url=item.url,
            title=item.title,
            summary=item.summary or None,
            published_at=item.published_at,
            language=item.language,
            content_hash=item.content_hash,
            fetched_at=now,
        )
        session.add(row)
        await session.flush()
        return Stored(row, Change.NEW)
    if row.content_hash == item.content_hash:
        return Stored(row, Change.UNCHANGED)
    if row.id is None:
        raise ValueError("a stored statement has an id")
    session.add(
        StatementRevision(
            statement_id=row.id,
            revision=row.revision,
            url=row.url,
            title=row.title,
            summary=row.summary,
            content_hash=row.content_hash,
            replaced_at=now,
        )
    )
    row.title = item.title
    row.summary = item.summary or None
    row.url = item.url or row.url
    row.content_hash = item.content_hash
    row.revision += 1
    if item.published_at is not None:
        row.published_at = item.published_at
    session.add(row)
    await session.flush()
    return Stored(row, Change.EDITED)


async def revisions_of(session: AsyncSession, statement_id: int) -> list[StatementRevision]:
    """Earlier texts of a statement, oldest first."""
    result = await session.exec(
        select(StatementRevision)
        .where(StatementRevision.statement_id == statement_id)
        .order_by(col(StatementRevision.revision))
    )
    return list(result.all())


async def has_statements(session: AsyncSession, source_id: int) -> bool:
    """Whether anything of this source was ever stored (its first poll is a baseline)."""
    result = await session.exec(
        select(Statement.id).where(Statement.source_id == source_id).limit(1)
    )
    return result.first() is not None


async def replace_mentions(
    session: AsyncSession, statement_id: int, mentions: Iterable[tuple[str, str, str]]
) -> None:
    """Set what a statement mentions to (kind, key, matched text) triples (its latest text)."""
    await session.exec(delete(Mention).where(col(Mention.statement_id) == statement_id))
    for kind, key, text in mentions:
        session.add(Mention(statement_id=statement_id, kind=kind, key=key, matched_text=text[:256]))
    await session.flush()


@dataclass(frozen=True, slots=True)
class StatementView:
    """A stored statement with its source and mentions, for commands and the venue analysis.

    Attributes:
        id: the statement's id.
        source: the source's name.
        official: the source is a government's own voice.
        country: the source's country (ISO code) or None.
        title: as published, in its original language.
        summary: plain text, possibly empty.
        url: the canonical link, if any.
        language: the language of the text.
        published_at: the publication time, if the item gave one.
        fetched_at: when it was first fetched.
        revision: 1, or more after edits.
        mentions: (kind, key, matched text), in stored order.
    """

    id: int
    source: str
    official: bool
    country: str | None
    title: str
    summary: str
    url: str | None
    language: str | None
    published_at: datetime | None
    fetched_at: datetime
    revision: int
    mentions: tuple[tuple[str, str, str], ...]

    @property
    def when(self) -> datetime:
        """The publication time, else the fetch time."""
        return self.published_at or self.fetched_at

    def mentions_kind(self, kind: str) -> tuple[str, ...]:
        """Keys mentioned of one kind ("person", "place", "keyword")."""
        return tuple(key for k, key, _text in self.mentions if k == kind)


async def _views(
    session: AsyncSession, rows: Sequence[tuple[Statement, Source]]
) -> list[StatementView]:
    ids = [statement.id for statement, _source in rows if statement.id is not None]
    found: dict[int, list[tuple[str, str, str]]] = {i: [] for i in ids}
    if ids:
        result = await session.exec(
            select(Mention).where(col(Mention.statement_id).in_(ids)).order_by(col(Mention.id))
        )
        for mention in result.all():
            found[mention.statement_id].append((mention.kind, mention.key, mention.matched_text))
    return [
        StatementView(
            id=statement.id or 0,
            source=source.name,
            official=source.official,
            country=source.country,
            title=statement.title,
            summary=statement.summary or "",
            url=statement.url,
            language=statement.language,
            published_at=statement.published_at,
            fetched_at=statement.fetched_at,
            revision=statement.revision,
            mentions=tuple(found.get(statement.id or 0, ())),
        )
        for statement, source in rows
    ]


async def statement_views(session: AsyncSession, ids: Sequence[int]) -> list[StatementView]:
    """The statements with these ids (those that still exist), with source and mentions."""
    if not ids:
        return []
    query = (
        select(Statement, Source)
        .join(Source, col(Source.id) == col(Statement.source_id))
        .where(col(Statement.id).in_(sorted(set(ids))))
        .order_by(col(Statement.id))
    )
    return await _views(session, list((await session.exec(query)).all()))


def _mentioning(topics: Sequence[Topic]) -> ColumnElement[bool]:
    """Statements with a mention of any of `topics`."""
    return col(Statement.id).in_(
        select(Mention.statement_id).where(
            tuple_(col(Mention.kind), col(Mention.key)).in_(sorted(set(topics)))
        )
    )


async def recent_statements(
    session: AsyncSession,
    *,
    topics: Sequence[Topic] = (),
    sources: Sequence[str] = (),
    since: datetime | None = None,
    limit: int = 10,
) -> list[StatementView]:
    """The latest statements that mention something, newest first.

    Args:
        session: an open session.
        topics: only statements mentioning one of these; any mention when empty.
        sources: only these sources (by name); all when empty.
        since: only statements at or after this time.
        limit: at most this many.

    Returns:
        The statements, newest (by publication, else fetch time) first.
    """
    query = select(Statement, Source).join(Source, col(Source.id) == col(Statement.source_id))
    if topics:
        query = query.where(_mentioning(topics))
    else:
        query = query.where(col(Statement.id).in_(select(Mention.statement_id)))
    if sources:
        query = query.where(col(Source.name).in_(list(sources)))
    if since is not None:
        query = query.where(_when() >= since)
    query = query.order_by(_when().desc(), col(Statement.id).desc()).limit(limit)
    rows = (await session.exec(query)).all()
    return await _views(session, list(rows))


async def last_said(
    session: AsyncSession,
    source: str,
    topics: Sequence[Topic] = (),
    *,
    since: datetime | None = None,
) -> datetime | None:
    """When `source` last said something mentioning any of `topics` (anything when empty).

    Args:
        session: an open session.
        source: the source's name ("mfa-az-en").
        topics: (kind, key) pairs: ("place", "baku"), ("person", "steve-witkoff").
        since: ignore statements before this time.

    Returns:
        The time of the latest such statement, or None: silence.
    """
    query = (
        select(func.max(_when(), type_=UTCDateTime()))
        .select_from(Statement)
        .join(Source, col(Source.id) == col(Statement.source_id))
        .where(Source.name == source)
    )
    if topics:
        query = query.where(_mentioning(topics))
    if since is not None:
        query = query.where(_when() >= since)
    value: datetime | None = (await session.exec(query)).first()
    return value


async def has_source_said(
    session: AsyncSession, source: str, topics: Sequence[Topic] = (), *, since: datetime
) -> bool:
    """Whether `source` said anything mentioning any of `topics` since `since`."""
    return await last_said(session, source, topics, since=since) is not None


async def sources_by_country(
    session: AsyncSession, country: str, *, official: bool | None = None
) -> list[Source]:
    """Enabled statement sources of one country (the host country's voices), by name."""
    query = select(Source).where(Source.country == country.upper(), col(Source.enabled).is_(True))
    if official is not None:
        query = query.where(Source.official == official)
    result = await session.exec(query.order_by(col(Source.name)))
    return [row for row in result.all() if row.kind in ("rss", "html")]


async def statement_sources(session: AsyncSession) -> list[Source]:
    """Every feed and page source (enabled or not), by name, with its health."""
    result = await session.exec(
        select(Source).where(col(Source.kind).in_(["rss", "html"])).order_by(col(Source.name))
    )
    return list(result.all())


__all__ = [
    "Change",
    "ItemValues",
    "StatementView",
    "Stored",
    "Topic",
    "has_source_said",
    "has_statements",
    "known_hashes",
    "last_said",
    "recent_statements",
    "replace_mentions",
    "revisions_of",
    "sources_by_country",
    "statement_sources",
    "statement_views",
    "store_item",
]
