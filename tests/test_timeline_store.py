"""/timeline's reads on SQLite and PostgreSQL: a subject's and a place's moments in time
order, and a chart's file id kept, replaced and forgotten."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.exports.timeline import (
    FlightMoment,
    LinkMoment,
    StatementMoment,
    VenueMoment,
    place_timeline,
    subject_timeline,
)
from bot.flights.store import record_flight_event
from storage.event_rows import insert_once
from storage.models import SignalLink, VenueEvent
from storage.picture_files import forget_picture, picture_file_id, remember_picture
from storage.venues import upsert_venue
from tests.alerting import BAKU, DEMO_HEX, VNUKOVO, landing_payload
from tests.venue_store import add_source, add_statement

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
TAKEOFF = datetime(2026, 12, 5, 22, 54, tzinfo=UTC)
LANDING = TAKEOFF + timedelta(hours=3, minutes=36)
OTHER_HEX = "abc123"


async def _flight(
    session: AsyncSession, key: str, kind: str, hex_code: str, ts: datetime, airport: dict[str, str]
) -> int:
    found = await record_flight_event(
        session,
        values={
            "dedup_key": key,
            "kind": kind,
            "hex": hex_code,
            "ts": ts,
            "airport_icao": airport["icao"],
            "confidence": "confirmed",
        },
        payload=landing_payload(kind=kind, ts=ts.isoformat(), airport=airport, hex=hex_code),
        person_slugs=[],
        now=ts,
    )
    assert found is not None
    return found


async def _history(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        await upsert_venue(
            session,
            "baku",
            {
                "names": {"en": "Baku", "ru": "Баку", "az": "Bakı"},
                "country": "AZ",
                "airports": ["UBBB"],
                "lat": 40.4675,
                "lon": 50.0467,
                "timezone": "Asia/Baku",
            },
        )
        await _flight(session, "a", "takeoff", DEMO_HEX, TAKEOFF, VNUKOVO)
        landing = await _flight(session, "b", "landing", DEMO_HEX, LANDING, BAKU)
        # Another aircraft at the same airport: the place's, not the envoy's.
        await _flight(session, "c", "landing", OTHER_HEX, LANDING + timedelta(hours=1), BAKU)
        # Before the period: neither timeline shows it.
        await _flight(session, "d", "landing", DEMO_HEX, NOW - timedelta(days=9), BAKU)
        source = await add_source(session, "kremlin-en", "RU")
        statement = await add_statement(
            session,
            source,
            "Putin met the envoy (demo data)",
            LANDING + timedelta(hours=5),
            [("person", "envoy", "envoy"), ("place", "baku", "Baku")],
        )
        await add_statement(
            session, source, "Nothing about them", LANDING, [("person", "putin", "Putin")]
        )
        await insert_once(
            session,
            VenueEvent(
                dedup_key="v",
                kind="score_jump",
                venue_slug="baku",
                data={"score": 7.5, "rank": 2},
                detected_at=LANDING + timedelta(hours=6),
            ),
        )
        await insert_once(
            session,
            SignalLink(
                dedup_key="l",
                person_slug="envoy",
                flight_event_id=landing,
                statement_id=statement,
                airport_icao="UBBB",
                venue_slug="baku",
                landing_ts=LANDING,
                statement_ts=LANDING + timedelta(hours=5),
                matched="person",
                flight_confidence="confirmed",
                aircraft_confidence="believed",
                statement_source="kremlin-en",
                confidence="believed",
                data={},
            ),
        )


def _shape(moment: object) -> str:
    if isinstance(moment, FlightMoment):
        return f"{moment.kind}:{moment.airport.iata if moment.airport else None}"
    if isinstance(moment, StatementMoment):
        return f"statement:{moment.source}"
    if isinstance(moment, VenueMoment):
        return f"venue:{moment.change}"
    assert isinstance(moment, LinkMoment)
    return "link"


async def test_a_subject_and_a_place_timeline(sessions: async_sessionmaker[AsyncSession]) -> None:
    await _history(sessions)
    since = NOW - timedelta(days=7)
    async with sessions() as session:
        envoy = await subject_timeline(session, [DEMO_HEX], "envoy", since=since, until=NOW)
        baku = await place_timeline(session, ["UBBB"], "baku", since=since, until=NOW)
    assert [_shape(m) for m in envoy.moments] == [
        "takeoff:VKO",
        "landing:GYD",
        "statement:kremlin-en",
        "link",
        "venue:score_jump",  # Baku: the venue of the airport the envoy landed at
    ]
    assert envoy.total == 5
    assert [_shape(m) for m in baku.moments] == [
        "landing:GYD",
        "landing:GYD",
        "statement:kremlin-en",
        "link",
        "venue:score_jump",
    ]
    moments = [m for m in baku.moments if isinstance(m, FlightMoment)]
    assert [m.ts for m in moments] == [LANDING, LANDING + timedelta(hours=1)]


async def test_a_picture_file_id_is_kept_replaced_and_forgotten(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await remember_picture(session, "timeline:x", "first")
    async with sessions.begin() as session:
        await remember_picture(session, "timeline:x", "second")
    async with sessions() as session:
        assert await picture_file_id(session, "timeline:x") == "second"
        assert await picture_file_id(session, "timeline:y") is None
    async with sessions.begin() as session:
        await forget_picture(session, "timeline:x")
    async with sessions() as session:
        assert await picture_file_id(session, "timeline:x") is None
