"""Alert-worthy changes between two rankings: a new leader, or a jump in score."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.venues import labels
from bot.venues.knowledge import Knowledge, load_knowledge
from bot.venues.results import VenueScore
from bot.venues.scoring import (
    Evidence,
    LandingEvidence,
    StatementEvidence,
    detect_changes,
    ranking_key,
    score,
)

JUMP = 2.0


@functools.cache
def shipped() -> Knowledge:
    return load_knowledge()


def ranking(**totals: float) -> list[VenueScore]:
    """A ranking with the given totals (slug=total; "abu_dhabi" for "abu-dhabi")."""
    items = [
        VenueScore(shipped().venue(slug.replace("_", "-")), total, (), None)
        for slug, total in totals.items()
    ]
    return sorted(items, key=ranking_key)


def summary(changes: tuple[object, ...]) -> list[tuple[str, str]]:
    return [(c.kind, c.venue.slug) for c in changes]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        # Nothing moved.
        ({"riyadh": 6, "baku": 4}, {"riyadh": 6, "baku": 4}, []),
        # Baku overtakes Riyadh by a small rise: new leader, no jump.
        ({"riyadh": 6, "baku": 5}, {"riyadh": 6, "baku": 6.5}, [("new_leader", "baku")]),
        # ... and by a large one: both, the new leader first.
        (
            {"riyadh": 6, "baku": 4},
            {"riyadh": 6, "baku": 9},
            [("new_leader", "baku"), ("score_jump", "baku")],
        ),
        # A tie that slug order happens to resolve in Baku's favour is not news.
        ({"riyadh": 6, "baku": 4}, {"riyadh": 6, "baku": 6}, []),
        # Exactly the threshold is not a jump; just above it is.
        ({"riyadh": 6, "doha": 1}, {"riyadh": 6, "doha": 3}, []),
        ({"riyadh": 6, "doha": 1}, {"riyadh": 6, "doha": 3.01}, [("score_jump", "doha")]),
        # Falling is not alert-worthy, even by a lot.
        ({"riyadh": 6, "doha": 5}, {"riyadh": 6, "doha": 0}, []),
        # The leader falls behind: the one now first is the new leader.
        ({"riyadh": 6, "doha": 5}, {"riyadh": 4, "doha": 5}, [("new_leader", "doha")]),
        # Several jumps: largest first, then by slug.
        (
            {"riyadh": 9, "doha": 1, "minsk": 1, "astana": 2},
            {"riyadh": 9, "doha": 4, "minsk": 5, "astana": 5},
            [("score_jump", "minsk"), ("score_jump", "astana"), ("score_jump", "doha")],
        ),
        # A venue that was not ranked before has no baseline for a jump.
        ({"riyadh": 6}, {"riyadh": 6, "baku": 5}, []),
        # ... but leading a former leader that has dropped out is news.
        ({"riyadh": 6}, {"baku": 5}, [("new_leader", "baku")]),
    ],
)
def test_changes_between_rankings(
    before: dict[str, float], after: dict[str, float], expected: list[tuple[str, str]]
) -> None:
    assert summary(detect_changes(ranking(**before), ranking(**after), JUMP)) == expected


@pytest.mark.parametrize(
    ("before", "after"), [([], ranking(baku=5)), (ranking(baku=5), []), ([], [])]
)
def test_no_previous_or_current_ranking_means_nothing_to_report(
    before: list[VenueScore], after: list[VenueScore]
) -> None:
    assert detect_changes(before, after, JUMP) == ()


def test_a_new_leader_carries_what_the_message_needs() -> None:
    (change,) = detect_changes(ranking(riyadh=6, baku=4), ranking(riyadh=6, baku=7), 5.0)
    assert change.kind == "new_leader"
    assert change.label_key == labels.CHANGE_NEW_LEADER
    assert change.previous_leader == shipped().venue("riyadh")
    assert (change.rank, change.previous_rank, change.score, change.previous_score) == (
        1,
        2,
        7,
        4,
    )
    assert change.label_key.format(venue="Baku", previous="Riyadh", **change.params)


def test_a_jump_carries_both_scores() -> None:
    (change,) = detect_changes(ranking(riyadh=9, doha=1), ranking(riyadh=9, doha=4), JUMP)
    assert change.label_key == labels.CHANGE_SCORE_JUMP
    assert change.params == {"score": 4, "previous_score": 1}
    assert change.previous_leader is None
    assert change.label_key.format(venue="Doha", **change.params)


def test_the_field_scenario_raises_a_new_leader_alert_for_baku() -> None:
    landed = datetime(2025, 3, 14, 5, 30, tzinfo=ZoneInfo("Asia/Baku"))
    quiet = score(shipped().venues, Evidence(), landed - timedelta(hours=1))
    evidence = Evidence(
        landings=(LandingEvidence("baku", "UBBB", landed, "Witkoff", "believed", "demo-1"),),
        statements=(
            StatementEvidence(
                "baku",
                landed + timedelta(hours=1),
                "Kremlin",
                True,
                False,
                True,
                "demo-2",
                "Synthetic: talks in Baku",
            ),
        ),
    )
    busy = score(shipped().venues, evidence, landed + timedelta(hours=2))
    changes = detect_changes(quiet, busy, score_jump := 2.0)
    assert summary(changes) == [("new_leader", "baku"), ("score_jump", "baku")]
    assert changes[1].score - (changes[1].previous_score or 0) > score_jump
    assert busy[0].freshest_evidence is not None
    assert busy[0].freshest_evidence.ts == datetime(2025, 3, 14, 2, 30, tzinfo=UTC)
