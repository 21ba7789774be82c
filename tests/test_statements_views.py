"""/statements entries and the /sources table as text: escaped, localized, bounded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.text import MESSAGE_LIMIT, html_to_plain, telegram_length
from bot.kernel.i18n import translator
from bot.statements.views import person_statements_section, sources_table, statement_entry
from bot.venues.seed import seed_venues
from bot.watch.seed import seed_watchlist
from storage.models import Source, SourceKind
from storage.statements import ItemValues, StatementView, replace_mentions, store_item

NOW = datetime(2026, 7, 11, 12, 0, tzinfo=UTC)
NAMES = {("person", "witkoff"): {"en": "Steve Witkoff", "ru": "Стив Уиткофф", "az": "Stiv Uitkoff"}}


def view(**changes: object) -> StatementView:
    values: dict[str, object] = {
        "id": 1,
        "source": "kremlin-ru",
        "official": True,
        "country": "RU",
        "title": "Встреча со Стивом Уиткоффом",
        "summary": "",
        "url": "http://kremlin.ru/events/president/news/1",
        "language": "ru",
        "published_at": NOW - timedelta(hours=1),
        "fetched_at": NOW,
        "revision": 1,
        "mentions": (
            ("keyword", "meeting", "Встреча"),
            ("person", "witkoff", "Стивом Уиткоффом"),
        ),
    }
    values.update(changes)
    return StatementView(**values)  # type: ignore[arg-type]


def test_an_entry_names_what_it_mentions_in_the_chat_language() -> None:
    text = statement_entry(view(), NAMES, translator("ru"))
    lines = html_to_plain(text).split("\n")
    # The same time format as the alerts: no seconds, 24-hour clock.
    assert lines[0].replace("\u202f", " ") == "• 11 июл. 2026 г., 11:00 UTC · kremlin-ru (ru)"
    assert lines[1] == "  Встреча со Стивом Уиткоффом"
    assert lines[2] == "  🔎 Стив Уиткофф, встреча"
    assert '<a href="http://kremlin.ru/events/president/news/1">' in text


def test_an_entry_escapes_the_publisher_and_links_only_the_web() -> None:
    text = statement_entry(
        view(title="<i>x</i> & y", url="javascript:alert(1)", source="a<b"),
        NAMES,
        translator("en"),
    )
    assert "&lt;i&gt;x&lt;/i&gt; &amp; y" in text and "a&lt;b" in text
    assert "<a " not in text


def source(name: str, **changes: object) -> Source:
    row = Source(name=name, kind=SourceKind.RSS, url="https://example.org/feed", language="en")
    for key, value in changes.items():
        setattr(row, key, value)
    return row


def test_the_sources_table_shows_health_and_bounded_errors() -> None:
    rows = [
        source(
            "kremlin-en",
            last_success_at=NOW - timedelta(minutes=5),
            items_seen=20,
            latency_ms=341.6,
        ),
        source("never-polled"),
        source("retired", enabled=False, consecutive_failures=3, last_error="HTTP 500"),
    ] + [
        source(
            f"failing-{i:02d}",
            last_error_at=NOW,
            consecutive_failures=2,
            last_error="<html> " + "x" * 500,
        )
        for i in range(30)
    ]
    text = sources_table(rows, NOW, translator("en"))
    plain = html_to_plain(text).split("\n")
    assert plain[0] == "Statement sources (33):"
    assert plain[1].split() == ["source", "state", "last", "ok", "items", "ms"]
    assert plain[2].split() == ["kremlin-en", "✓", "5m", "20", "342"]
    assert plain[3].split() == ["never-polled", "·", "—", "0", "—"]
    assert plain[4].split() == ["retired", "off", "—", "0", "—"]
    assert plain[5].split() == ["failing-00", "✗2", "—", "0", "—"]
    errors = [line for line in plain if line.startswith("• ")]
    assert len(errors) == 12 and all(len(line) < 100 for line in errors)
    assert "&lt;html&gt;" in text and "<html>" not in text
    assert telegram_length(text) < MESSAGE_LIMIT
    ru = html_to_plain(sources_table(rows[:1], NOW, translator("ru"))).split("\n")
    assert ru[0] == "Источники заявлений (1):"
    assert ru[2].split() == ["kremlin-en", "✓", "5", "мин", "20", "342"]


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "No watched source has mentioned Steve Witkoff yet."),
        ("ru", "Ни один отслеживаемый источник пока не упоминал Стива Уиткоффа."),
        ("az", "İzlənilən mənbələrin heç biri hələ Stiv Uitkoff adını çəkməyib."),
    ],
)
async def test_the_status_section_declines_the_persons_name(
    sessions: async_sessionmaker[AsyncSession], locale: str, expected: str
) -> None:
    await seed_watchlist(sessions)
    async with sessions() as session:
        text = await person_statements_section(session, "witkoff", translator(locale))
    assert text == expected


async def test_the_status_section_names_what_the_statements_mention_in_the_chats_language(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Read by slug, the names are the watchlist's: the person, other people, venues."""
    await seed_watchlist(sessions)
    await seed_venues(sessions)
    async with sessions.begin() as session:
        row = source("kremlin-ru")
        session.add(row)
        await session.flush()
        assert row.id is not None
        item = ItemValues(
            guid="g1",
            url="http://kremlin.ru/events/president/news/1",
            title="Встреча в Баку",
            summary="",
            published_at=NOW,
            language="ru",
            content_hash="h1",
        )
        stored = await store_item(session, row.id, item, now=NOW)
        assert stored.statement.id is not None
        mentions = [
            ("person", "witkoff", "Уиткоффом"),
            ("person", "kushner", "Кушнером"),
            ("person", "nobody-stored", "Никто"),
            ("place", "baku", "Баку"),
            ("keyword", "meeting", "встреча"),
        ]
        await replace_mentions(session, stored.statement.id, mentions)
    async with sessions() as session:
        text = await person_statements_section(session, "witkoff", translator("en"))
    lines = html_to_plain(text).split("\n")
    assert lines[0] == "Latest statements mentioning Steve Witkoff:"
    assert lines[-1] == "  🔎 Jared Kushner, nobody-stored, Steve Witkoff, Baku, meeting"
