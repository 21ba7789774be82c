"""Rank candidate venues: a transparent, pure score from cited facts and live evidence.

`score` adds up labelled contributions per venue: the standing facts (see
`bot.venues.prior`) and the live evidence, aged by its half-life (see `bot.venues.live`).
Each total is exactly the sum of its contributions, so the bot can show why a venue
ranks where it does. Nothing here reads the clock, the store or the network: `now` and
the evidence are passed in, and the same inputs always give the same ranking.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.venues.changes import detect_changes
from bot.venues.evidence import Evidence, HostSource, LandingEvidence, StatementEvidence
from bot.venues.knowledge import Venue
from bot.venues.live import decay, evidence_age, live_contributions
from bot.venues.prior import prior_contributions
from bot.venues.results import Contribution, RankingChange, VenueScore, sum_points
from bot.venues.weights import ScoringWeights

__all__ = [
    "Contribution",
    "Evidence",
    "HostSource",
    "LandingEvidence",
    "RankingChange",
    "ScoringWeights",
    "StatementEvidence",
    "VenueScore",
    "decay",
    "detect_changes",
    "evidence_age",
    "ranking_key",
    "score",
    "score_venue",
]

# Totals are compared after rounding, so float noise in the last bits never reorders
# two venues whose scores are equal in substance; the slug then breaks the tie.
_TIE_DIGITS = 9


def score_venue(
    venue: Venue, evidence: Evidence, now: datetime, weights: ScoringWeights | None = None
) -> VenueScore:
    """One venue's score at `now` (timezone-aware)."""
    _require_aware(now)
    chosen = weights or ScoringWeights()
    contributions = prior_contributions(venue, now, chosen)
    live, freshest = live_contributions(venue, evidence, now, chosen)
    contributions += live
    return VenueScore(
        venue=venue,
        total=sum_points(contributions),
        contributions=tuple(contributions),
        freshest_evidence=freshest,
    )


def score(
    venues: Sequence[Venue],
    evidence: Evidence,
    now: datetime,
    weights: ScoringWeights | None = None,
) -> list[VenueScore]:
    """Score every venue and rank them: highest total first, ties broken by slug.

    Args:
        venues: The candidate venues (usually `load_knowledge().venues`).
        evidence: Live landings, statements and host sources; items for venues not in
            `venues` are ignored.
        now: The moment to score at (timezone-aware); facts dated later and evidence
            from later are not counted.
        weights: The model's weights; the documented defaults when None.
    """
    _require_aware(now)
    chosen = weights or ScoringWeights()
    scores = [score_venue(v, evidence, now, chosen) for v in venues]
    return sorted(scores, key=ranking_key)


def ranking_key(item: VenueScore) -> tuple[float, str]:
    """The sort key of a ranking: total descending (rounded), then slug ascending."""
    return (-round(item.total, _TIE_DIGITS), item.venue.slug)


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"now must be timezone-aware, got {now!r}")
