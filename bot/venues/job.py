"""The periodic venue round: recompute the ranking, alert on real changes (I/O module).

The last ranking is stored, so the first round after a restart compares with what
was computed before it, not with nothing: a restart alone never alerts, and a change
that happened while the bot was down does. With no stored ranking at all (a new
store) the round only records one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.record import record_event
from bot.kernel.config import Settings
from bot.venues.changes import detect_changes
from bot.venues.knowledge import Knowledge
from bot.venues.ranking import compute_ranking, weights_from
from bot.venues.results import RankingChange, VenueScore
from bot.venues.views import change_alert
from bot.venues.weights import ScoringWeights
from storage.models import VenueEvent
from storage.types import utcnow
from storage.venues import last_ranking, save_ranking

log = logging.getLogger("summitwatch.venues")


def ranking_rows(scores: tuple[VenueScore, ...]) -> list[dict[str, Any]]:
    """What is kept of a ranking: slugs and totals, best first."""
    return [{"slug": s.venue.slug, "total": s.total} for s in scores]


def previous_scores(rows: list[dict[str, Any]], knowledge: Knowledge) -> list[VenueScore]:
    """A stored ranking as scores `detect_changes` can compare (venues no longer known
    are dropped)."""
    by_slug = {v.slug: v for v in knowledge.venues}
    return [
        VenueScore(by_slug[str(r["slug"])], float(r["total"]), (), None)
        for r in rows
        if str(r.get("slug")) in by_slug
    ]


def one_per_venue(changes: Sequence[RankingChange]) -> list[RankingChange]:
    """The first change of each venue: a new leader's jump is part of the same news."""
    seen: set[str] = set()
    kept: list[RankingChange] = []
    for change in changes:
        if change.venue.slug not in seen:
            seen.add(change.venue.slug)
            kept.append(change)
    return kept


async def venue_round(
    session: AsyncSession, now: datetime, weights: ScoringWeights, *, queued_at: datetime
) -> list[RankingChange]:
    """One round in the caller's transaction: rank, compare, store and route changes.

    `now` is the scoring time; `queued_at` the delivery worker's now, which the
    alerts are due from (the scoring clock may be a demo's or a test's).
    """
    ranking = await compute_ranking(session, now, weights)
    stored = await last_ranking(session)
    previous = previous_scores(stored.ranking, ranking.knowledge) if stored else []
    changes = one_per_venue(detect_changes(previous, ranking.scores, weights.alert_jump))
    for change in changes:
        found = ranking.position(change.venue.slug)
        alert = change_alert(change, found[1] if found else None, ranking.people)
        await record_event(
            session,
            alert,
            queued_at,
            row=VenueEvent(
                dedup_key=f"venue:{change.kind}:{change.venue.slug}:{now.isoformat()}",
                kind=change.kind,
                venue_slug=change.venue.slug,
                data=alert.to_json(),
                detected_at=now,
            ),
        )
    await save_ranking(session, ranking_rows(ranking.scores), computed_at=now)
    return changes


async def run_venue_round(
    sessions: async_sessionmaker[AsyncSession],
    now: datetime,
    weights: ScoringWeights,
    wake: Callable[[], None] = lambda: None,
    *,
    delivery_clock: Callable[[], datetime] = utcnow,
) -> list[RankingChange]:
    """A round in its own transaction; wakes the delivery worker when it queued alerts.

    Its alerts are queued at `delivery_clock()`, the delivery worker's clock.
    """
    async with sessions.begin() as session:
        changes = await venue_round(session, now, weights, queued_at=delivery_clock())
    if changes:
        log.info(
            "venue ranking changed: %s", ", ".join(f"{c.kind} {c.venue.slug}" for c in changes)
        )
        wake()
    return changes


def venue_job(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utcnow,
    delivery_clock: Callable[[], datetime] = utcnow,
    wake: Callable[[], None] = lambda: None,
) -> Callable[[], Coroutine[Any, Any, list[RankingChange]]]:
    """The scheduled job: a round at `clock()` with the configured weights.

    Args:
        sessions: the store.
        settings: the scoring weights.
        clock: the scoring time (tests and the demo run on a fake provider's clock).
        delivery_clock: the delivery worker's clock, which the alerts are queued by.
        wake: wakes the delivery worker after a round queued alerts.
    """
    weights = weights_from(settings)

    async def job() -> list[RankingChange]:
        return await run_venue_round(
            sessions, clock(), weights, wake, delivery_clock=delivery_clock
        )

    return job
