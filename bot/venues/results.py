"""What the venue score returns: totals that decompose into labelled contributions."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from bot.venues.evidence import LandingEvidence, StatementEvidence
from bot.venues.knowledge import Venue

ParamValue = str | int | float | datetime | date
ContributionKind = Literal[
    "icc",
    "war_stance",
    "alliance",
    "host_offer",
    "precedent",
    "putin_visit",
    "air_route",
    "event",
    "landing",
    "statement",
    "silence",
    "pair",
]
LIVE_KINDS: frozenset[str] = frozenset({"landing", "statement", "silence", "pair"})


@dataclass(frozen=True)
class Contribution:
    """One term of a venue's score.

    Attributes:
        kind: The factor or evidence kind it comes from.
        label_key: Message id explaining it (see `bot.venues.labels`).
        params: Values for the label's `{named}` placeholders.
        points: Its share of the total; may be zero (a fact recorded, not scored).
        evidence_ref: For landings the flight event id, for statements the statement
            id, for facts the S-numbers joined with "," ("S6,S2"); None when nothing
            is cited (silence, "none found").
    """

    kind: ContributionKind
    label_key: str
    params: Mapping[str, ParamValue] = field(hash=False)
    points: float
    evidence_ref: str | None

    @property
    def live(self) -> bool:
        """True for live evidence (landings, statements, silence), False for facts."""
        return self.kind in LIVE_KINDS


@dataclass(frozen=True)
class VenueScore:
    """A venue's score and why.

    Attributes:
        venue: The venue.
        total: The sum of the contributions' points (exactly, see `sum_points`).
        contributions: Every term, facts first in a fixed order, then live evidence.
        freshest_evidence: The newest landing or statement counted, if any.
    """

    venue: Venue
    total: float
    contributions: tuple[Contribution, ...]
    freshest_evidence: LandingEvidence | StatementEvidence | None

    @property
    def prior(self) -> float:
        """Points from standing facts alone."""
        return sum_points(c for c in self.contributions if not c.live)

    @property
    def live(self) -> float:
        """Points from live evidence alone."""
        return sum_points(c for c in self.contributions if c.live)


@dataclass(frozen=True)
class RankingChange:
    """An alert-worthy difference between two rankings.

    Attributes:
        kind: "new_leader" (moved into first place) or "score_jump".
        venue: The venue that moved.
        score: Its score now.
        previous_score: Its score before (None if it was not ranked before).
        rank: Its rank now (1 = first).
        previous_rank: Its rank before (None if it was not ranked before).
        previous_leader: For "new_leader", the venue that was first before.
        label_key: Message id (see `bot.venues.labels`).
        params: Values for the label's placeholders other than {venue} and {previous},
            which the renderer fills with venue names in the chat's language.
    """

    kind: Literal["new_leader", "score_jump"]
    venue: Venue
    score: float
    previous_score: float | None
    rank: int
    previous_rank: int | None
    previous_leader: Venue | None
    label_key: str
    params: Mapping[str, ParamValue] = field(hash=False)


def sum_points(contributions: Iterable[Contribution]) -> float:
    """The exact (correctly rounded) sum of contributions' points, order-independent."""
    return math.fsum(c.points for c in contributions)
