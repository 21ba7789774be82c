"""Helpers for venue tests: a watched person on an aircraft, and stored statements."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Aircraft, LinkConfidence, Person, PersonAircraft, Source, SourceKind
from storage.statements import ItemValues, replace_mentions, store_item

KREMLIN_TITLE = "Putin's aide: the envoy's meeting in Baku is confirmed (demo data)"


async def link_envoy(
    session: AsyncSession, hex_code: str, confidence: LinkConfidence = LinkConfidence.BELIEVED
) -> None:
    """The demo envoy (demo data, no real identity) on a demo aircraft."""
    person = (await session.exec(select(Person).where(Person.slug == "envoy"))).first()
    if person is None:
        person = Person(
            slug="envoy",
            names={"en": "Demo Envoy", "ru": "Демо-посланник", "az": "Demo nümayəndə"},
            source="demo data",
        )
        session.add(person)
    if await session.get(Aircraft, hex_code) is None:
        session.add(Aircraft(hex=hex_code, registration="DEMO1", source="demo data"))
    await session.flush()
    session.add(
        PersonAircraft(
            person_id=person.id or 0, aircraft_hex=hex_code, confidence=confidence, note="demo"
        )
    )
    await session.flush()


async def add_source(
    session: AsyncSession, name: str, country: str, *, official: bool = True
) -> Source:
    """A statement source row (as the statement poller keeps them)."""
    row = Source(
        name=name,
        kind=SourceKind.RSS,
        url=f"https://example.invalid/{name}",
        language="en",
        country=country,
        official=official,
    )
    session.add(row)
    await session.flush()
    return row


async def add_statement(
    session: AsyncSession,
    source: Source,
    title: str,
    published: datetime,
    mentions: list[tuple[str, str, str]],
) -> int:
    """A stored statement with its mentions (kind, key, matched text)."""
    stored = await store_item(
        session,
        source.id or 0,
        ItemValues(
            guid=f"{source.name}:{title}",
            url=None,
            title=title,
            summary="",
            published_at=published,
            language="en",
            content_hash=f"{source.name}:{title}"[:64],
        ),
        now=published,
    )
    statement_id = stored.statement.id or 0
    await replace_mentions(session, statement_id, mentions)
    return statement_id


async def add_kremlin_meeting(session: AsyncSession, published: datetime) -> Source:
    """The Kremlin's (demo) statement naming Baku with a meeting word; its source."""
    kremlin = await add_source(session, "kremlin-en", "RU")
    await add_statement(
        session,
        kremlin,
        KREMLIN_TITLE,
        published,
        [("place", "baku", "Baku"), ("keyword", "meeting", "meeting")],
    )
    return kremlin
