"""The ranking as the bot sees it now: stored facts (with corrections) plus live evidence.

I/O module: reads the store, then hands plain values to the pure score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.kernel.config import Settings
from bot.venues.gather import gather_evidence
from bot.venues.knowledge import Knowledge, load_knowledge
from bot.venues.results import VenueScore
from bot.venues.scoring import score
from bot.venues.stored import StoredValue, effective_knowledge
from bot.venues.weights import ScoringWeights
from storage.venues import all_venues, current_factors


@dataclass(frozen=True)
class Ranking:
    """A computed ranking and what is needed to explain it.

    Attributes:
        at: The moment it was computed for.
        knowledge: The knowledge base with analysts' corrections applied.
        scores: Best first.
        people: Names per language of people named by landings, by slug.
        stored: The current stored value of each factor, by venue slug then key.
    """

    at: datetime
    knowledge: Knowledge
    scores: tuple[VenueScore, ...]
    people: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    stored: Mapping[str, Mapping[str, StoredValue]] = field(default_factory=dict)

    def position(self, slug: str) -> tuple[int, VenueScore] | None:
        """(rank, score) of a venue, 1 = first."""
        for rank, item in enumerate(self.scores, start=1):
            if item.venue.slug == slug:
                return rank, item
        return None


@cache
def shipped_knowledge() -> Knowledge:
    """The shipped knowledge file, read once per process."""
    return load_knowledge()


def weights_from(settings: Settings) -> ScoringWeights:
    """The score's weights with the configured half-life, window and alert jump."""
    return ScoringWeights(
        half_life=settings.venue_half_life,
        window=settings.venue_window,
        alert_jump=settings.venue_alert_jump,
    )


async def stored_values(session: AsyncSession) -> dict[str, dict[str, StoredValue]]:
    """Every venue's current factor values, by slug then factor key."""
    venues = await all_venues(session)
    slugs = {v.id: v.slug for v in venues if v.id is not None}
    out: dict[str, dict[str, StoredValue]] = {}
    for venue_id, rows in (await current_factors(session, list(slugs))).items():
        out[slugs[venue_id]] = {
            key: StoredValue(key, dict(r.value), r.source, r.set_by, r.set_at, r.id or 0)
            for key, r in rows.items()
        }
    return out


async def current_knowledge(
    session: AsyncSession, knowledge: Knowledge | None = None
) -> tuple[Knowledge, dict[str, dict[str, StoredValue]]]:
    """The knowledge base with stored corrections applied, and the stored values."""
    stored = await stored_values(session)
    return effective_knowledge(knowledge or shipped_knowledge(), stored), stored


async def compute_ranking(
    session: AsyncSession,
    now: datetime,
    weights: ScoringWeights,
    knowledge: Knowledge | None = None,
) -> Ranking:
    """Score every venue at `now` from the stored facts and the live evidence."""
    effective, stored = await current_knowledge(session, knowledge)
    gathered = await gather_evidence(session, effective, now, weights)
    scores = score(effective.venues, gathered.evidence, now, weights)
    return Ranking(now, effective, tuple(scores), gathered.people, stored)
