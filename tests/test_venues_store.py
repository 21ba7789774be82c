"""Venues in the store (SQLite and PostgreSQL): seeding, corrections, live evidence, alerts."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.render import render
from bot.flights.store import record_flight_event
from bot.kernel.i18n import translator
from bot.venues import labels
from bot.venues.corrections import Correction, parse_correction, record_correction
from bot.venues.gather import gather_evidence
from bot.venues.job import run_venue_round
from bot.venues.knowledge import load_knowledge
from bot.venues.ranking import compute_ranking
from bot.venues.seed import seed_knowledge
from bot.venues.weights import ScoringWeights
from storage.engine import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import LinkConfidence, OutboxRow, SubscriptionKind, VenueEvent, VenueFactor
from storage.types import utcnow
from storage.venues import factor_history, last_ranking, venue_by_slug
from tests.alerting import LANDING_TS, store_landing, subscribe_chats
from tests.venue_store import (
    KREMLIN_TITLE,
    add_kremlin_meeting,
    add_source,
    add_statement,
    link_envoy,
)

NOW = LANDING_TS + timedelta(hours=3)  # 08:30 in Baku
WEIGHTS = ScoringWeights()
KNOWLEDGE = load_knowledge()


async def seed(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        await seed_knowledge(session, KNOWLEDGE, now=utcnow())


async def count_factors(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int((await session.exec(select(func.count()).select_from(VenueFactor))).one())


async def correct(
    sessions: async_sessionmaker[AsyncSession], text: str, *, by: int = 777
) -> Correction:
    async with sessions() as session:
        ranking = await compute_ranking(session, NOW, WEIGHTS)
    checked = parse_correction(text.split(), ranking.knowledge)
    assert isinstance(checked, Correction)
    current = ranking.stored[checked.venue.slug].get(checked.key)
    async with sessions.begin() as session:
        await record_correction(session, checked, current, by=by, now=NOW)
    return checked


async def test_seeding_is_idempotent(sessions: async_sessionmaker[AsyncSession]) -> None:
    await seed(sessions)
    first = await count_factors(sessions)
    assert first == sum(len(v.factors) for v in KNOWLEDGE.venues)
    await seed(sessions)
    assert await count_factors(sessions) == first
    async with sessions() as session:
        baku = await venue_by_slug(session, "baku")
    assert baku is not None
    assert baku.names == {"en": "Baku", "ru": "Баку", "az": "Bakı"}
    assert baku.airports == ["UBBB"]


async def test_a_correction_survives_reseeding_and_changes_the_score(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed(sessions)
    async with sessions() as session:
        before = (await compute_ranking(session, NOW, WEIGHTS)).position("baku")
    await correct(sessions, "Bakı icc party https://example.org/report 2026")
    await seed(sessions)
    async with sessions() as session:
        ranking = await compute_ranking(session, NOW, WEIGHTS)
        baku = await venue_by_slug(session, "baku")
        assert baku is not None and baku.id is not None
        history = await factor_history(session, baku.id, corrections_only=True)
    after = ranking.position("baku")
    assert before is not None and after is not None
    icc = next(c for c in after[1].contributions if c.kind == "icc")
    assert icc.label_key == labels.ICC_PARTY and icc.points == WEIGHTS.icc_party
    assert icc.evidence_ref == f"A{history[0].id}"
    assert after[1].total == pytest.approx(before[1].total - 5.0)
    assert [(h.factor, h.value["value"], h.set_by, h.source) for h in history] == [
        ("icc", "party", 777, "https://example.org/report 2026")
    ]


async def test_an_edited_knowledge_file_appends_the_new_value(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed(sessions)
    baku = KNOWLEDGE.venue("baku")
    edited_icc = replace(baku.factors[0], detail="Edited detail.")
    edited = replace(
        KNOWLEDGE,
        venues=tuple(
            replace(v, factors=(edited_icc, *v.factors[1:])) if v.slug == "baku" else v
            for v in KNOWLEDGE.venues
        ),
    )
    rows = await count_factors(sessions)
    async with sessions.begin() as session:
        report = await seed_knowledge(session, edited, now=utcnow())
    assert report.values_added == 1
    assert await count_factors(sessions) == rows + 1
    async with sessions() as session:
        ranking = await compute_ranking(session, NOW, WEIGHTS)
    assert ranking.stored["baku"]["icc"].value["detail"] == "Edited detail."


@pytest.mark.parametrize(
    ("link", "expected"),
    [(LinkConfidence.BELIEVED, "believed"), (LinkConfidence.CONFIRMED, "confirmed"), (None, None)],
)
async def test_landings_carry_the_link_confidence(
    sessions: async_sessionmaker[AsyncSession], link: LinkConfidence | None, expected: str | None
) -> None:
    await seed(sessions)
    async with sessions.begin() as session:
        if link is not None:
            await link_envoy(session, "ffa001", link)
    await store_landing(sessions)
    async with sessions() as session:
        gathered = await gather_evidence(session, KNOWLEDGE, NOW, WEIGHTS)
    found = [
        (e.venue_slug, e.airport_icao, e.ts, e.link_confidence) for e in gathered.evidence.landings
    ]
    assert found == ([("baku", "UBBB", LANDING_TS, expected)] if expected else [])


async def test_landings_outside_the_window_are_not_read(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed(sessions)
    async with sessions.begin() as session:
        await link_envoy(session, "ffa001")
    await store_landing(sessions)
    async with sessions() as session:
        late = await gather_evidence(session, KNOWLEDGE, NOW + timedelta(days=8), WEIGHTS)
        early = await gather_evidence(session, KNOWLEDGE, LANDING_TS - timedelta(hours=1), WEIGHTS)
    assert late.evidence.landings == () and early.evidence.landings == ()


async def test_statements_meeting_words_and_the_hosts_silence(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed(sessions)
    async with sessions.begin() as session:
        kremlin = await add_kremlin_meeting(session, LANDING_TS + timedelta(hours=1))
        await add_source(session, "mfa-az", "AZ")
        await add_source(session, "apa", "AZ", official=False)
        await add_statement(
            session, kremlin, "Weather in Baku", LANDING_TS, [("place", "baku", "Baku")]
        )
    async with sessions() as session:
        gathered = await gather_evidence(session, KNOWLEDGE, NOW, WEIGHTS)
    statements = sorted(
        (s.title, s.official, s.host_country_source, s.has_meeting_words)
        for s in gathered.evidence.statements
    )
    assert statements == [
        (KREMLIN_TITLE, True, False, True),
        ("Weather in Baku", True, False, False),
    ]
    hosts = [
        (h.country, h.source_name, h.latest_statement_ts) for h in gathered.evidence.host_sources
    ]
    assert hosts == [("AZ", "mfa-az", None)]

    async with sessions.begin() as session:
        mfa = await add_source(session, "president-az", "AZ")
        await add_statement(
            session, mfa, "Aliyev received a delegation", NOW, [("place", "baku", "Baku")]
        )
    async with sessions() as session:
        gathered = await gather_evidence(session, KNOWLEDGE, NOW, WEIGHTS)
    spoke = {h.source_name: h.latest_statement_ts for h in gathered.evidence.host_sources}
    assert spoke == {"mfa-az": None, "president-az": NOW}


async def test_the_round_alerts_on_a_new_leader_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed(sessions)
    await subscribe_chats(sessions, [(10, "ru")], SubscriptionKind.VENUE, "baku")
    await subscribe_chats(sessions, [(11, "az")], SubscriptionKind.ALL, "*")
    await subscribe_chats(sessions, [(12, "en")], SubscriptionKind.VENUE, "riyadh")
    # The first round of a new store only records the ranking.
    assert await run_venue_round(sessions, NOW, WEIGHTS) == []
    async with sessions() as session:
        stored = await last_ranking(session)
    assert stored is not None and stored.ranking[0]["slug"] != "baku"

    async with sessions.begin() as session:
        await link_envoy(session, "ffa001")
        await add_kremlin_meeting(session, LANDING_TS + timedelta(hours=1))
    await store_landing(sessions)
    changes = await run_venue_round(sessions, NOW, WEIGHTS)
    # Baku also jumped by more than the threshold: one alert says both.
    assert [(c.kind, c.venue.slug) for c in changes] == [("new_leader", "baku")]
    # A restart computes the same ranking again: nothing new to say.
    assert await run_venue_round(sessions, NOW, WEIGHTS) == []
    async with sessions() as session:
        events = (await session.exec(select(VenueEvent))).all()
        rows = (
            await session.exec(select(OutboxRow).where(OutboxRow.event_type == "venue_change"))
        ).all()
    assert [e.kind for e in events] == ["new_leader"]
    assert sorted({r.chat_id for r in rows}) == [10, 11]
    leader = next(e for e in events if e.kind == "new_leader")
    text = render("venue_change", leader.data, translator("ru")).text
    assert text.startswith("🥇 <b>Новый лидер — Баку; прежний лидер — Эр-Рияд</b>")
    assert "Демо-посланник, приземлился в Баку (UBBB): 05:30 по местному времени (Баку)" in text
    az = render("venue_change", leader.data, translator("az")).text
    assert az.startswith("🥇 <b>Yeni lider: Bakı; əvvəlki lider: Riyad</b>")
    assert "Bakı vaxtı ilə 05:30 (01:30 UTC)" in az


async def test_a_retracted_probable_landing_is_not_evidence(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed(sessions)
    async with sessions.begin() as session:
        await link_envoy(session, "ffa001", LinkConfidence.CONFIRMED)
    await store_landing(sessions, key="ffa001:landing:probable", confidence="probable")
    async with sessions() as session:
        gathered = await gather_evidence(session, KNOWLEDGE, NOW, WEIGHTS)
    assert [e.event_id for e in gathered.evidence.landings] == ["flight:ffa001:landing:probable"]
    async with sessions.begin() as session:
        await record_flight_event(
            session,
            values={
                "dedup_key": "ffa001:regained:1",
                "kind": "signal_regained",
                "hex": "ffa001",
                "ts": LANDING_TS + timedelta(minutes=20),
                "data": {"retracts": "ffa001:landing:probable"},
            },
            payload={"kind": "signal_regained"},
            person_slugs=["envoy"],
            now=utcnow(),
        )
    async with sessions() as session:
        gathered = await gather_evidence(session, KNOWLEDGE, NOW, WEIGHTS)
    assert gathered.evidence.landings == ()


async def test_processes_starting_together_seed_once_on_postgresql(migrated_pg_url: str) -> None:
    url = migrated_pg_url  # a copy of a migrated store: upgrade below finds nothing to do
    engines = [create_engine(url) for _ in range(3)]
    try:
        await upgrade(engines[0])
        makers = [session_factory(e) for e in engines]
        await asyncio.gather(*(seed(m) for m in makers))
        assert await count_factors(makers[0]) == sum(len(v.factors) for v in KNOWLEDGE.venues)
    finally:
        for e in engines:
            await e.dispose()


async def test_the_round_queues_its_alerts_by_the_delivery_clock(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Scored at the scoring time, queued at the delivery worker's (a virtual clock here)."""
    queued_at = NOW + timedelta(days=41, seconds=7)
    await seed(sessions)
    await subscribe_chats(sessions, [(10, "ru")], SubscriptionKind.VENUE, "baku")
    assert await run_venue_round(sessions, NOW, WEIGHTS, delivery_clock=lambda: queued_at) == []
    async with sessions.begin() as session:
        await link_envoy(session, "ffa001")
        await add_kremlin_meeting(session, LANDING_TS + timedelta(hours=1))
    await store_landing(sessions)
    changes = await run_venue_round(sessions, NOW, WEIGHTS, delivery_clock=lambda: queued_at)
    assert [c.venue.slug for c in changes] == ["baku"]
    async with sessions() as session:
        [event] = (await session.exec(select(VenueEvent))).all()
        [row] = (
            await session.exec(select(OutboxRow).where(OutboxRow.event_type == "venue_change"))
        ).all()
    assert event.detected_at == NOW
    assert (row.chat_id, row.next_attempt_at, row.created_at) == (10, queued_at, queued_at)
