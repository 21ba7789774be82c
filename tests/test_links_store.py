"""Linked signals in the store, SQLite and PostgreSQL: a landing and a statement near it
make one pair and one linked alert, whichever arrives second; outside the window, none."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.linked import LinkedAlert
from bot.alerts.parts import SourcePart
from bot.alerts.render import render
from bot.kernel.i18n import Translator
from bot.links.linker import link_landing, link_statement
from bot.statements.matcher import Matcher
from bot.statements.terms import person, place
from storage.chats import ensure_chat
from storage.event_rows import insert_once
from storage.models import (
    Aircraft,
    FlightEventRow,
    LinkConfidence,
    OutboxRow,
    Person,
    PersonAircraft,
    SignalLink,
    Subscription,
    SubscriptionKind,
    Venue,
)
from storage.signal_links import links_at_venues, links_of_person
from tests.venue_store import add_source, add_statement

HEX = "ffa0e1"
LANDING = datetime(2025, 3, 14, 1, 30, tzinfo=UTC)  # 05:30 in Baku
# Test data: a statement shaped as the field report's, not a real quote.
TITLE = "Тестовые данные: Путин провёл встречу со Стивом Уиткоффом"
KREMLIN = SourcePart("kremlin-ru", True, "RU", "Europe/Moscow")
CHATS = {"en": 61, "ru": 62, "az": 63}


async def _seed(session: AsyncSession, confidence: LinkConfidence) -> None:
    person = Person(
        slug="witkoff",
        names={"en": "Steve Witkoff", "ru": "Стив Уиткофф", "az": "Stiv Uitkoff"},
    )
    session.add(person)
    session.add(Aircraft(hex=HEX, registration="DEMO1", source="test"))
    session.add(
        Venue(
            slug="baku",
            names={"en": "Baku", "ru": "Баку", "az": "Bakı"},
            country="AZ",
            airports=["UBBB"],
            lat=40.4093,
            lon=49.8671,
            timezone="Asia/Baku",
        )
    )
    await session.flush()
    session.add(PersonAircraft(person_id=person.id or 0, aircraft_hex=HEX, confidence=confidence))
    for language, chat_id in CHATS.items():
        chat = await ensure_chat(session, chat_id, "private", None)
        chat.locale = language
        session.add(chat)
    await session.flush()
    # en and ru follow the person, az the place: each gets the pair once.
    session.add(Subscription(chat_id=CHATS["en"], kind=SubscriptionKind.PERSON, key="witkoff"))
    session.add(Subscription(chat_id=CHATS["ru"], kind=SubscriptionKind.PERSON, key="witkoff"))
    session.add(Subscription(chat_id=CHATS["az"], kind=SubscriptionKind.VENUE, key="baku"))
    await session.flush()


async def _landing(session: AsyncSession, ts: datetime = LANDING) -> int:
    event_id = await insert_once(
        session,
        FlightEventRow(
            dedup_key=f"{HEX}:landing:{ts.isoformat()}",
            kind="landing",
            hex=HEX,
            ts=ts,
            airport_icao="UBBB",
            lat=40.4675,
            lon=50.0467,
            alt_ft=0,
            confidence="confirmed",
            provider="adsb.lol",
            thread_key=f"{HEX}:landing:{ts.isoformat()}",
            data={},
        ),
    )
    assert event_id is not None
    return event_id


async def _statement(session: AsyncSession, at: datetime) -> int:
    source = await add_source(session, "kremlin-ru", "RU")
    return await add_statement(
        session,
        source,
        TITLE,
        at,
        [("person", "witkoff", "Стивом Уиткоффом"), ("keyword", "meeting", "встречу")],
    )


async def test_the_statement_after_the_landing_links_them_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await _seed(session, LinkConfidence.BELIEVED)
        landing_id = await _landing(session)
        # No statement yet: the landing has nothing to pair with.
        assert await link_landing(session, event_id=landing_id, landed_at=LANDING, now=LANDING) == 0
    said = LANDING + timedelta(hours=6, minutes=32)  # 11:02 Moscow time
    async with sessions.begin() as session:
        statement_id = await _statement(session, said)
        made = await link_statement(session, statement_id=statement_id, source=KREMLIN, now=said)
        assert made == 1
        # A second poll (an edit), and the landing's side: the same pair, nothing new.
        again = await link_statement(session, statement_id=statement_id, source=KREMLIN, now=said)
        assert again == 0
        assert await link_landing(session, event_id=landing_id, landed_at=LANDING, now=said) == 0
    async with sessions() as session:
        [link] = (await session.exec(select(SignalLink))).all()
        rows = (await session.exec(select(OutboxRow).where(OutboxRow.event_type == "linked"))).all()
        by_person = await links_of_person(session, "witkoff")
        at_baku = await links_at_venues(
            session, ["baku"], since=LANDING - timedelta(days=1), until=said
        )
    assert sorted(r.chat_id for r in rows) == sorted(CHATS.values())
    assert [link.id] == [x.id for x in by_person] == [x.id for x in at_baku]
    assert (link.person_slug, link.venue_slug, link.airport_icao) == ("witkoff", "baku", "UBBB")
    assert (link.flight_event_id, link.statement_id) == (landing_id, statement_id)
    assert (link.flight_provider, link.flight_confidence) == ("adsb.lol", "confirmed")
    assert (link.statement_source, link.statement_official) == ("kremlin-ru", True)
    # A believed aircraft link makes the pair believed.
    assert (link.aircraft_confidence, link.confidence, link.matched) == (
        "believed",
        "believed",
        "meeting",
    )
    alert = LinkedAlert.from_json(link.data)
    assert alert.to_json() == link.data
    first = {
        language: render("linked", link.data, Translator(language)).text.split("\n")[0]
        for language in CHATS
    }
    assert first["en"] == (
        f"🔗 <b>Landing in Baku 05:30 and kremlin-ru statement 11:02: {TITLE}</b>"
    )
    assert first["ru"] == f"🔗 <b>Посадка: Баку, 05:30; заявление kremlin-ru, 11:02: {TITLE}</b>"
    assert first["az"] == f"🔗 <b>Eniş: Bakı, 05:30; kremlin-ru bəyanatı, 11:02: {TITLE}</b>"
    ru = render("linked", link.data, Translator("ru")).text
    assert "«Стивом Уиткоффом»" in ru and TITLE in ru


async def test_the_landing_after_the_statement_links_them_and_the_window_bounds_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await _seed(session, LinkConfidence.CONFIRMED)
        statement_id = await _statement(session, LANDING - timedelta(hours=3))
        assert (
            await link_statement(session, statement_id=statement_id, source=KREMLIN, now=LANDING)
            == 0
        )
        landing_id = await _landing(session)
        assert await link_landing(session, event_id=landing_id, landed_at=LANDING, now=LANDING) == 1
        # A later landing 30 h after the statement is outside the default 24 h window.
        late = LANDING + timedelta(hours=27)
        late_id = await _landing(session, late)
        assert await link_landing(session, event_id=late_id, landed_at=late, now=late) == 0
        # A window the operator widened takes it in.
        wide = timedelta(hours=48)
        assert (
            await link_landing(session, event_id=late_id, landed_at=late, now=late, window=wide)
            == 1
        )
    async with sessions() as session:
        links = (await session.exec(select(SignalLink).order_by(SignalLink.id))).all()  # type: ignore[arg-type]
    assert [(x.confidence, x.aircraft_confidence) for x in links] == [
        ("confirmed", "confirmed"),
        ("confirmed", "confirmed"),
    ]


async def test_inflected_azerbaijani_and_russian_names_link_through_the_matcher(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # The statement watch's own matcher finds the case forms; the linker reads its mentions.
    matcher = Matcher(
        (
            person(
                "witkoff",
                {"en": "Steve Witkoff", "ru": "Стив Уиткофф", "az": "Stiv Uitkoff"},
                {"ru": ["Уиткофф"], "az": ["Uitkoff"]},
            ),
            place("baku", {"en": "Baku", "ru": "Баку", "az": "Bakı"}),
        )
    )
    texts = {
        "az": "Test data: Ceyhun Bayramov Stiv Uitkoffla görüşüb",
        "ru": "Тестовые данные: переговоры с Уиткоффом",
        "en": "Test data: talks held in Baku",  # the place, no person
    }
    async with sessions.begin() as session:
        await _seed(session, LinkConfidence.BELIEVED)
        landing_id = await _landing(session)
        source = await add_source(session, "mfa-az-az", "AZ")
        for number, (language, text) in enumerate(texts.items()):
            found = matcher.match(text, language=language)
            mentions = [(h.kind.value, h.key, h.matched_text) for h in found.hits]
            at = LANDING + timedelta(hours=number + 1)
            await add_statement(session, source, text, at, mentions)
        assert await link_landing(session, event_id=landing_id, landed_at=LANDING, now=LANDING) == 3
    async with sessions() as session:
        links = (await session.exec(select(SignalLink).order_by(SignalLink.statement_ts))).all()  # type: ignore[arg-type]
    assert [(x.matched, LinkedAlert.from_json(x.data).quote) for x in links] == [
        ("meeting", "Stiv Uitkoffla"),
        ("meeting", "Уиткоффом"),
        ("place", "Baku"),
    ]


async def test_a_landing_and_a_statement_linked_at_the_same_moment_make_one_pair(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        if session.get_bind().dialect.name != "postgresql":
            # SQLite's one write lock orders the two writers before either links.
            pytest.skip("two concurrent writers: PostgreSQL only")
        await _seed(session, LinkConfidence.BELIEVED)
    said = LANDING + timedelta(hours=2)
    stored = asyncio.Barrier(2)
    linked: list[int] = []
    both_linked = asyncio.Event()

    async def before_commit(made: int) -> int:
        # Without the lock both sides have looked for the other by now and neither
        # commits until both did (the race, every time); with it the second waits in
        # its link for the first's commit, so this wait times out.
        linked.append(made)
        if len(linked) == 2:
            both_linked.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(both_linked.wait(), 1.0)
        return made

    async def landing_side() -> int:
        async with sessions.begin() as session:
            event_id = await _landing(session)
            await stored.wait()  # neither has committed yet
            return await before_commit(
                await link_landing(session, event_id=event_id, landed_at=LANDING, now=said)
            )

    async def statement_side() -> int:
        async with sessions.begin() as session:
            statement_id = await _statement(session, said)
            await stored.wait()
            return await before_commit(
                await link_statement(session, statement_id=statement_id, source=KREMLIN, now=said)
            )

    made = await asyncio.gather(landing_side(), statement_side())
    assert sorted(made) == [0, 1]
    async with sessions() as session:
        assert len((await session.exec(select(SignalLink))).all()) == 1
