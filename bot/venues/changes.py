"""Alert-worthy changes between two venue rankings."""

from __future__ import annotations

from collections.abc import Sequence

from bot.venues import labels
from bot.venues.results import RankingChange, VenueScore


def detect_changes(
    previous: Sequence[VenueScore], current: Sequence[VenueScore], min_jump: float
) -> tuple[RankingChange, ...]:
    """What changed enough to alert on, new leader first, then jumps (largest first).

    A venue "moved into first place" when it leads `current`, another venue led
    `previous`, and it is strictly ahead of that former leader now (a tie resolved by
    slug order is not news). A "score jump" is a rise of more than `min_jump` points
    for a venue ranked in both. With no previous ranking there is nothing to compare,
    so nothing is reported.

    Args:
        previous: The earlier ranking, as `score` returned it.
        current: The later ranking, as `score` returned it.
        min_jump: Points a score must rise by, strictly, to count as a jump.
    """
    if not previous or not current:
        return ()
    before = {s.venue.slug: (rank, s) for rank, s in enumerate(previous, start=1)}
    now_by_slug = {s.venue.slug: s for s in current}
    changes: list[RankingChange] = []
    leader, old_leader = current[0], previous[0]
    if leader.venue.slug != old_leader.venue.slug:
        old_now = now_by_slug.get(old_leader.venue.slug)
        if old_now is None or leader.total > old_now.total:
            was = before.get(leader.venue.slug)
            changes.append(
                RankingChange(
                    kind="new_leader",
                    venue=leader.venue,
                    score=leader.total,
                    previous_score=was[1].total if was else None,
                    rank=1,
                    previous_rank=was[0] if was else None,
                    previous_leader=old_leader.venue,
                    label_key=labels.CHANGE_NEW_LEADER,
                    params={"score": leader.total},
                )
            )
    jumps: list[RankingChange] = []
    for rank, item in enumerate(current, start=1):
        was = before.get(item.venue.slug)
        if was is None or item.total - was[1].total <= min_jump:
            continue
        jumps.append(
            RankingChange(
                kind="score_jump",
                venue=item.venue,
                score=item.total,
                previous_score=was[1].total,
                rank=rank,
                previous_rank=was[0],
                previous_leader=None,
                label_key=labels.CHANGE_SCORE_JUMP,
                params={"score": item.total, "previous_score": was[1].total},
            )
        )
    jumps.sort(key=lambda c: (-(c.score - (c.previous_score or 0.0)), c.venue.slug))
    return (*changes, *jumps)
