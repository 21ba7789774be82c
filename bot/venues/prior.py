"""The standing part of a venue's score: its cited factors turned into contributions.

Only facts dated on or before `now` count, so a replay of March 2025 is not informed by
what happened later; the ICC withdrawal of a host is read against `now` as well.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from bot.venues import labels
from bot.venues.knowledge import INVASION_DAY, Factor, Venue
from bot.venues.results import Contribution, ContributionKind, ParamValue
from bot.venues.weights import ScoringWeights

ERA_2000 = date(2000, 1, 1)

_PRECEDENT_LABELS = {
    ("held", "leaders"): labels.PRECEDENT_LEADERS,
    ("held", "senior"): labels.PRECEDENT_SENIOR,
    ("held", "working"): labels.PRECEDENT_WORKING,
    ("held_elsewhere", "leaders"): labels.PRECEDENT_LEADERS_ELSEWHERE,
    ("held_elsewhere", "senior"): labels.PRECEDENT_SENIOR_ELSEWHERE,
    ("held_elsewhere", "working"): labels.PRECEDENT_WORKING_ELSEWHERE,
}


def prior_contributions(venue: Venue, now: datetime, weights: ScoringWeights) -> list[Contribution]:
    """The contributions of a venue's factors at `now`, in a fixed order of kinds.

    Order: ICC, war stance, alliance, host offer, precedents (strongest first), Putin's
    visits, air route, events (oldest first).
    """
    today = now.date()
    known = [f for f in venue.factors if f.name == "icc" or not _after(f, today)]
    out: list[Contribution] = []
    out += (_icc(f, today, weights) for f in _named(known, "icc"))
    out += (_war_stance(f, weights) for f in _named(known, "war_stance"))
    out += (_alliance(f, weights) for f in _named(known, "alliance"))
    out += (_host_offer(f, weights) for f in _named(known, "host_offer"))
    out += _precedents(_named(known, "precedent"), weights)
    out += _visits(_named(known, "putin_visit"), weights)
    out += (_air_route(f, weights) for f in _named(known, "air_route"))
    events = sorted(_named(known, "event"), key=lambda f: (f.when or f.as_of, f.detail))
    out += (_event(f, weights) for f in events)
    return out


def _after(factor: Factor, today: date) -> bool:
    return factor.when is not None and factor.when.start() > today


def _named(factors: Iterable[Factor], name: str) -> list[Factor]:
    return [f for f in factors if f.name == name]


def _ref(factors: Iterable[Factor]) -> str | None:
    ids: list[str] = []
    for factor in factors:
        ids += (i for i in factor.source_ids if i not in ids)
    return ",".join(ids) or None


def _make(
    kind: ContributionKind,
    label: str,
    points: float,
    cited: Iterable[Factor],
    **params: ParamValue,
) -> Contribution:
    return Contribution(kind, label, params, points, _ref(cited))


def _icc(factor: Factor, today: date, w: ScoringWeights) -> Contribution:
    if factor.value == "not_party":
        return _make("icc", labels.ICC_NOT_PARTY, w.icc_not_party, [factor])
    if factor.value == "party":
        return _make("icc", labels.ICC_PARTY, w.icc_party, [factor])
    if factor.value == "withdrawal_pending" and factor.when is not None:
        effective = str(factor.when)
        if today < factor.when.start():
            # Until the withdrawal takes effect the host is still bound by the Statute.
            return _make("icc", labels.ICC_WITHDRAWING, w.icc_party, [factor], effective=effective)
        return _make(
            "icc",
            labels.ICC_UNVERIFIED_AFTER_WITHDRAWAL,
            w.icc_unverified,
            [factor],
            effective=effective,
        )
    return _make("icc", labels.ICC_UNVERIFIED, w.icc_unverified, [factor], as_of=str(factor.as_of))


def _war_stance(factor: Factor, w: ScoringWeights) -> Contribution:
    if factor.value == "mediator":
        return _make("war_stance", labels.WAR_MEDIATOR, w.war_mediator, [factor])
    return _make("war_stance", labels.WAR_ALLY_OF_RUSSIA, w.war_ally_of_russia, [factor])


def _alliance(factor: Factor, w: ScoringWeights) -> Contribution:
    if factor.value == "nato_member":
        return _make("alliance", labels.NATO_MEMBER, w.nato_member, [factor], when=str(factor.when))
    return _make("alliance", labels.NOT_NATO, 0.0, [factor])


def _host_offer(factor: Factor, w: ScoringWeights) -> Contribution:
    return _make("host_offer", labels.HOST_OFFER, w.host_offer, [factor], when=str(factor.when))


def _precedent_weight(factor: Factor, w: ScoringWeights) -> float:
    level = {
        "leaders": w.precedent_leaders,
        "senior": w.precedent_senior,
        "working": w.precedent_working,
    }[factor.level or "working"]
    start = factor.when.start() if factor.when else ERA_2000
    if start >= INVASION_DAY:
        era = w.precedent_since_invasion
    elif start >= ERA_2000:
        era = w.precedent_since_2000
    else:
        era = w.precedent_earlier
    place = w.precedent_elsewhere if factor.value == "held_elsewhere" else 1.0
    return level * era * place


def _precedents(factors: list[Factor], w: ScoringWeights) -> list[Contribution]:
    held = [f for f in factors if f.value != "none_found"]
    # Strongest first; among equals the most recent first, then by text, so the order
    # (and therefore each one's 1/k share) never depends on the file's order.
    ranked = sorted(
        held,
        key=lambda f: (
            -_precedent_weight(f, w),
            -(f.when.start().toordinal() if f.when else 0),
            f.detail,
        ),
    )
    out: list[Contribution] = []
    for rank, factor in enumerate(ranked, start=1):
        # Diminishing returns: the k-th precedent counts 1/k, so a venue with many small
        # contacts does not outweigh one with a single summit.
        points = _precedent_weight(factor, w) / rank
        params: dict[str, ParamValue] = {
            "when": str(factor.when),
            "detail": factor.detail,
            "rank": rank,
        }
        if factor.where:
            params["where"] = factor.where
        label = _PRECEDENT_LABELS[(factor.value, factor.level or "working")]
        out.append(Contribution("precedent", label, params, points, _ref([factor])))
    out += (
        _make(
            "precedent",
            labels.PRECEDENT_NONE_FOUND,
            0.0,
            [f],
            as_of=str(f.as_of),
            detail=f.detail,
        )
        for f in factors
        if f.value == "none_found"
    )
    return out


def _visits(factors: list[Factor], w: ScoringWeights) -> list[Contribution]:
    visited = [f for f in factors if f.value == "visited" and f.when is not None]
    if visited:
        latest = max(f.when for f in visited if f.when is not None)
        return [
            _make(
                "putin_visit",
                labels.PUTIN_VISITED,
                w.putin_visited,
                visited,
                count=len(visited),
                latest=str(latest),
            )
        ]
    return [
        _make("putin_visit", labels.PUTIN_VISIT_NONE_FOUND, 0.0, [f], as_of=str(f.as_of))
        for f in factors
        if f.value == "none_found"
    ]


def _air_route(factor: Factor, w: ScoringWeights) -> Contribution:
    if factor.value == "demonstrated":
        return _make(
            "air_route",
            labels.AIR_DEMONSTRATED,
            w.air_demonstrated,
            [factor],
            when=str(factor.when),
        )
    if factor.value == "needs_exemption":
        return _make("air_route", labels.AIR_NEEDS_EXEMPTION, w.air_needs_exemption, [factor])
    return _make("air_route", labels.AIR_UNKNOWN, 0.0, [factor])


def _event(factor: Factor, w: ScoringWeights) -> Contribution:
    label, points = {
        "against": (labels.EVENT_AGAINST, w.event_against),
        "in_favour": (labels.EVENT_IN_FAVOUR, w.event_in_favour),
    }.get(factor.value, (labels.EVENT_NEUTRAL, 0.0))
    return _make("event", label, points, [factor], when=str(factor.when), detail=factor.detail)
