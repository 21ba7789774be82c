"""The live part of a venue's score: landings, statements and the host's silence.

Every item ages: its points halve every `half_life` (exponential decay from its time
stamp to `now`), and items older than `window` are dropped. Repeats count less: within
one kind, the k-th strongest item counts 1/k.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

from bot.venues import labels
from bot.venues.evidence import (
    Evidence,
    HostSource,
    LandingEvidence,
    PairEvidence,
    StatementEvidence,
)
from bot.venues.knowledge import Venue
from bot.venues.results import Contribution, ParamValue
from bot.venues.weights import ScoringWeights

Item = TypeVar("Item", LandingEvidence, StatementEvidence, PairEvidence)


def decay(age: timedelta, half_life: timedelta) -> float:
    """The weight left after `age`: 1 when fresh, 1/2 after one half-life, 1/4 after two."""
    return float(0.5 ** (max(age, timedelta(0)) / half_life))


def evidence_age(ts: datetime, now: datetime, weights: ScoringWeights) -> timedelta | None:
    """How old an item is at `now`, or None if it falls outside the window.

    Items slightly in the future (within `future_tolerance`, feed clocks run fast) are
    treated as fresh; items further ahead have not happened yet at `now` and are ignored.
    """
    age = now - ts
    if age < -weights.future_tolerance or age > weights.window:
        return None
    return max(age, timedelta(0))


@dataclass(frozen=True)
class _Weighed(Generic[Item]):
    item: Item
    ident: str
    age: timedelta
    factor: float  # decay, the only part that changes with time
    raw: float  # points before the 1/k share


def live_contributions(
    venue: Venue, evidence: Evidence, now: datetime, weights: ScoringWeights
) -> tuple[list[Contribution], LandingEvidence | StatementEvidence | None]:
    """A venue's live contributions (landings, statements, silence) and its freshest item."""
    landings = _weigh(
        [e for e in evidence.landings if e.venue_slug == venue.slug],
        lambda e: e.event_id,
        lambda e: weights.landing * _confidence(e, weights),
        now,
        weights,
    )
    statements = _weigh(
        [e for e in evidence.statements if e.venue_slug == venue.slug],
        lambda e: e.statement_id,
        lambda e: _statement_base(e, weights),
        now,
        weights,
    )
    pairs = _weigh(
        [e for e in evidence.pairs if e.venue_slug == venue.slug],
        lambda e: e.pair_id,
        lambda e: (
            weights.pair
            * (weights.confirmed if e.link_confidence == "confirmed" else weights.believed)
        ),
        now,
        weights,
    )
    out = [_landing(w, rank) for rank, w in enumerate(landings, start=1)]
    out += (_statement(w, rank) for rank, w in enumerate(statements, start=1))
    out += (_pair(w, rank) for rank, w in enumerate(pairs, start=1))
    counted: list[_Weighed[LandingEvidence] | _Weighed[StatementEvidence]] = [
        *landings,
        *statements,
    ]
    freshest = max(counted, key=lambda w: (w.item.ts, w.ident), default=None)
    out += _silence(venue, landings, statements, evidence, now, weights, freshest)
    return out, (freshest.item if freshest else None)


def _confidence(landing: LandingEvidence, weights: ScoringWeights) -> float:
    return weights.confirmed if landing.link_confidence == "confirmed" else weights.believed


def _host_official(statement: StatementEvidence) -> bool:
    return statement.official and statement.host_country_source


def _statement_base(statement: StatementEvidence, weights: ScoringWeights) -> float:
    if statement.official:
        base = (
            weights.statement_official_meeting
            if statement.has_meeting_words
            else weights.statement_official_mention
        )
        return base * weights.host_official if statement.host_country_source else base
    if statement.has_meeting_words:
        return weights.statement_media_meeting
    return weights.statement_media_mention


def _weigh(
    items: Sequence[Item],
    ident: Callable[[Item], str],
    base: Callable[[Item], float],
    now: datetime,
    weights: ScoringWeights,
) -> list[_Weighed[Item]]:
    """Age, deduplicate by id (keeping the strongest) and rank strongest first."""
    best: dict[str, _Weighed[Item]] = {}
    for item in items:
        age = evidence_age(item.ts, now, weights)
        if age is None:
            continue
        factor = decay(age, weights.half_life)
        weighed = _Weighed(item, ident(item), age, factor, base(item) * factor)
        kept = best.get(weighed.ident)
        if kept is None or (weighed.raw, weighed.item.ts) > (kept.raw, kept.item.ts):
            best[weighed.ident] = weighed
    return sorted(best.values(), key=lambda w: (-w.raw, -w.item.ts.timestamp(), w.ident))


def _landing(w: _Weighed[LandingEvidence], rank: int) -> Contribution:
    e = w.item
    label = (
        labels.LANDING_CONFIRMED if e.link_confidence == "confirmed" else labels.LANDING_BELIEVED
    )
    params: dict[str, ParamValue] = {
        "person": e.person,
        "airport": e.airport_icao,
        "ts": e.ts.astimezone(UTC),
        "age_hours": round(w.age / timedelta(hours=1), 2),
        "decay": w.factor,
        "rank": rank,
    }
    return Contribution("landing", label, params, w.raw / rank, e.event_id)


def _statement(w: _Weighed[StatementEvidence], rank: int) -> Contribution:
    e = w.item
    if _host_official(e):
        meeting, mention = labels.STATEMENT_HOST_MEETING, labels.STATEMENT_HOST_MENTION
    elif e.official:
        meeting, mention = labels.STATEMENT_OFFICIAL_MEETING, labels.STATEMENT_OFFICIAL_MENTION
    else:
        meeting, mention = labels.STATEMENT_MEDIA_MEETING, labels.STATEMENT_MEDIA_MENTION
    params: dict[str, ParamValue] = {
        "source": e.source_name,
        "title": e.title,
        "ts": e.ts.astimezone(UTC),
        "age_hours": round(w.age / timedelta(hours=1), 2),
        "decay": w.factor,
        "rank": rank,
    }
    label = meeting if e.has_meeting_words else mention
    return Contribution("statement", label, params, w.raw / rank, e.statement_id)


def _pair(w: _Weighed[PairEvidence], rank: int) -> Contribution:
    e = w.item
    params: dict[str, ParamValue] = {
        "airport": e.airport_icao,
        "source": e.source_name,
        "hours": round(e.hours_apart, 1),
        "title": e.title,
        "ts": e.ts.astimezone(UTC),
        "age_hours": round(w.age / timedelta(hours=1), 2),
        "decay": w.factor,
        "rank": rank,
    }
    return Contribution("pair", labels.PAIR, params, w.raw / rank, e.pair_id)


def _polled(hosts: Sequence[HostSource]) -> str:
    """'mfa-az-en (2026-12-07 12:58 UTC)': each source and its last good poll, if known."""
    return ", ".join(
        f"{h.source_name} ({h.last_polled.astimezone(UTC):%Y-%m-%d %H:%M} UTC)"
        if h.last_polled is not None
        else h.source_name
        for h in sorted(hosts, key=lambda h: h.source_name)
    )


def _silence(
    venue: Venue,
    landings: Sequence[_Weighed[LandingEvidence]],
    statements: Sequence[_Weighed[StatementEvidence]],
    evidence: Evidence,
    now: datetime,
    weights: ScoringWeights,
    freshest: _Weighed[LandingEvidence] | _Weighed[StatementEvidence] | None,
) -> list[Contribution]:
    """Points for the host's official sources saying nothing since the evidence began.

    Silence needs something to be silent about (a counted landing, or a statement not
    from the host government) and at least one known official source of the host. It
    is broken by any statement of those sources since then. It grows linearly to full
    points over `silence_full_after` and fades with the freshest evidence. A source
    failing, or not polled since the evidence began, is not counted as silent: it is
    listed apart, with no points.
    """
    about = [w.item.ts for w in landings] + [
        w.item.ts for w in statements if not _host_official(w.item)
    ]
    known = [h for h in evidence.host_sources if h.country == venue.country]
    if not about or not known or freshest is None:
        return []
    began = min(about)
    hosts = [h for h in known if h.healthy and (h.last_polled is None or h.last_polled >= began)]
    out: list[Contribution] = []
    unread = [h for h in known if h not in hosts]
    if unread:
        params_unread: dict[str, ParamValue] = {
            "sources": _polled(unread),
            "since": began.astimezone(UTC),
        }
        out.append(Contribution("silence", labels.SILENCE_NOT_COUNTED, params_unread, 0.0, None))
    if not hosts:
        return out
    spoke = [h.latest_statement_ts for h in hosts if h.latest_statement_ts is not None]
    spoke += [w.item.ts for w in statements if _host_official(w.item)]
    if any(ts >= began for ts in spoke):
        return out
    silent_for = max(now - began, timedelta(0))
    ramp = min(1.0, silent_for / weights.silence_full_after)
    points = weights.silence * ramp * freshest.factor
    params: dict[str, ParamValue] = {
        "sources": _polled(hosts),
        "since": began.astimezone(UTC),
        "hours": round(silent_for / timedelta(hours=1), 1),
        "ramp": ramp,
        "decay": freshest.factor,
    }
    out.append(Contribution("silence", labels.SILENCE, params, points, None))
    return out
