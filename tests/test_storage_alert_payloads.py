"""An event's payload is stored once however many chats it goes to (SQLite and PostgreSQL),
and migration 0011 moves existing rows' payloads into `alert_payloads` and back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import JSON, Integer, String, column, func, insert, select, table
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.mute import end_expired_mutes
from bot.alerts.routing import route
from storage import outbox
from storage.chats import set_mute
from storage.engine import create_engine, session_factory
from storage.migrate import downgrade, upgrade
from storage.models import AlertPayload, OutboxRow
from storage.types import UTCDateTime
from tests.alerting import landing_payload, subscribe_chats

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
PAYLOADS = AlertPayload.__table__  # type: ignore[attr-defined]
OUTBOX = OutboxRow.__table__  # type: ignore[attr-defined]
# A landing's map track: the bulk of what used to be copied into every row.
TRACK = [[40.0 + i / 1000, 49.0 + i / 1000, 30_000 - i * 10] for i in range(600)]


async def route_landings(
    sessions: async_sessionmaker[AsyncSession], count: int, *, now: datetime
) -> None:
    """Landings 1..count of aircraft ffa001 (registrations DEMO1...), each routed alone."""
    for event_id in range(1, count + 1):
        async with sessions.begin() as session:
            await route(
                session,
                event_type="flight",
                event_id=event_id,
                payload=landing_payload(registration=f"DEMO{event_id}"),
                thread_key=None,
                topics=[("aircraft", "ffa001")],
                now=now,
            )


async def test_a_fan_out_writes_the_payload_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    chats = [(1000 + i, "en") for i in range(50)]
    await subscribe_chats(sessions, chats)
    payload = landing_payload(track=TRACK)
    for _ in range(2):  # a replay adds nothing, payload or rows
        async with sessions.begin() as session:
            await route(
                session,
                event_type="flight",
                event_id=7,
                payload=payload,
                thread_key=None,
                topics=[("aircraft", "ffa001")],
                now=NOW,
            )
    async with sessions() as session:
        stored = (await session.exec(select(PAYLOADS.c.payload))).all()  # type: ignore[call-overload]
        rows = (await session.exec(select(func.count()).select_from(OUTBOX))).one()  # type: ignore[call-overload]
        found = await outbox.event_payloads(session, [("flight", 7), ("flight", 8)])
    assert [row[0] for row in stored] == [payload]
    assert rows[0] == 50
    assert found == {("flight", 7): payload}
    assert "payload" not in OUTBOX.c


async def test_a_digest_carries_the_held_events_payloads(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await subscribe_chats(sessions, [(77, "en")])
    async with sessions.begin() as session:
        await set_mute(session, 77, NOW + timedelta(hours=1))
    await route_landings(sessions, 2, now=NOW)
    async with sessions.begin() as session:
        assert await end_expired_mutes(session, now=NOW + timedelta(hours=2)) == [77]
    async with sessions() as session:
        digest = (
            await session.exec(select(PAYLOADS.c.payload).where(PAYLOADS.c.event_type == "digest"))  # type: ignore[call-overload]
        ).one()[0]
    assert [item["payload"]["registration"] for item in digest["items"]] == ["DEMO1", "DEMO2"]


_OLD_OUTBOX = table(
    "outbox",
    column("id", Integer()),
    column("chat_id", Integer()),
    column("event_type", String()),
    column("event_id", Integer()),
    column("payload", JSON()),
    column("status", String()),
    column("attempts", Integer()),
    column("next_attempt_at", UTCDateTime()),
    column("created_at", UTCDateTime()),
)


async def test_0011_moves_payloads_out_of_the_outbox_and_back(database_url: str) -> None:
    landing = {"kind": "landing", "track": TRACK[:5]}
    statement = {"title": "Заявление", "n": 2}
    old_rows = [
        (1, 101, "flight", 5, landing),
        (2, 102, "flight", 5, landing),
        (3, 103, "flight", 5, landing),
        (4, 101, "statement", 5, statement),  # same id, another type: another event
    ]
    engine = create_engine(database_url)
    try:
        await upgrade(engine, "0010")
        async with engine.begin() as connection:
            for row_id, chat_id, event_type, event_id, payload in old_rows:
                await connection.execute(
                    insert(_OLD_OUTBOX).values(
                        id=row_id,
                        chat_id=chat_id,
                        event_type=event_type,
                        event_id=event_id,
                        payload=payload,
                        status="pending",
                        attempts=0,
                        next_attempt_at=NOW,
                        created_at=NOW,
                    )
                )
        await upgrade(engine, "0011")
        async with engine.connect() as connection:
            moved = {
                (r.event_type, r.event_id): r.payload
                for r in await connection.execute(select(PAYLOADS))
            }
            rows = (await connection.execute(select(OUTBOX.c.id).order_by(OUTBOX.c.id))).all()
        assert moved == {("flight", 5): landing, ("statement", 5): statement}
        assert [r[0] for r in rows] == [1, 2, 3, 4]
        await downgrade(engine, "0010")
        async with engine.connect() as connection:
            back = (
                await connection.execute(
                    select(_OLD_OUTBOX.c.id, _OLD_OUTBOX.c.payload).order_by(_OLD_OUTBOX.c.id)
                )
            ).all()
        assert [tuple(r) for r in back] == [(r[0], r[4]) for r in old_rows]
    finally:
        await engine.dispose()


_DIGEST_EVENTS = table(
    "digest_events",
    column("id", Integer()),
    column("dedup_key", String()),
    column("kind", String()),
)


async def test_a_mute_digest_goes_through_record_event_past_the_digests_queued_before(
    database_url: str,
) -> None:
    """A digest queued by the previous release (event id: its first held row's) keeps its
    payload; the next one is a digest event of its own (0014), queued exactly once."""
    old_items = {"items": [{"event_type": "flight", "payload": {"registration": "OLD1"}}]}
    engine = create_engine(database_url)
    try:
        await upgrade(engine, "0013")
        async with engine.begin() as connection:
            for event_id in (1, 2):
                await connection.execute(
                    insert(_OLD_OUTBOX).values(
                        chat_id=77,
                        event_type="digest",
                        event_id=event_id,
                        status="sent",
                        attempts=0,
                        next_attempt_at=NOW,
                        created_at=NOW,
                    )
                )
                await connection.execute(
                    insert(PAYLOADS).values(
                        event_type="digest", event_id=event_id, payload=old_items, created_at=NOW
                    )
                )
        await upgrade(engine)
        sessions = session_factory(engine)
        await subscribe_chats(sessions, [(77, "en")])
        async with sessions.begin() as session:
            await set_mute(session, 77, NOW + timedelta(hours=1))
        await route_landings(sessions, 2, now=NOW)
        async with sessions.begin() as session:
            assert await end_expired_mutes(session, now=NOW + timedelta(hours=2)) == [77]
        async with sessions.begin() as session:  # a second run finds nothing left to digest
            assert await end_expired_mutes(session, now=NOW + timedelta(hours=3)) == []
        async with engine.connect() as connection:
            digests = {
                r.event_id: r.payload
                for r in await connection.execute(
                    select(PAYLOADS).where(PAYLOADS.c.event_type == "digest")
                )
            }
            events = (
                await connection.execute(
                    select(_DIGEST_EVENTS.c.id, _DIGEST_EVENTS.c.dedup_key).order_by(
                        _DIGEST_EVENTS.c.id
                    )
                )
            ).all()
            queued = (
                await connection.execute(
                    select(OUTBOX.c.event_id, OUTBOX.c.next_attempt_at).where(
                        OUTBOX.c.event_type == "digest", OUTBOX.c.status == "pending"
                    )
                )
            ).all()
        new_id = events[-1][0]
        assert [tuple(e) for e in events[:2]] == [(1, "mute:77:1"), (2, "mute:77:2")]
        assert new_id == 3 and events[-1][1].startswith("mute:77:")
        assert digests[1] == digests[2] == old_items
        assert [i["payload"]["registration"] for i in digests[new_id]["items"]] == [
            "DEMO1",
            "DEMO2",
        ]
        assert [(r[0], r[1]) for r in queued] == [(new_id, NOW + timedelta(hours=2, seconds=2))]
        await downgrade(engine, "0013")
        async with engine.connect() as connection:
            left = (
                await connection.execute(select(func.count()).select_from(_DIGEST_EVENTS))
            ).one()
        assert left[0] == 0
    finally:
        await engine.dispose()
