"""Scores as plain data and as text in the chat's language: /venues, /venue, alerts.

Pure: no store, no Telegram. The sentences themselves are built by
`bot.alerts.render_venue`, so a command reply and an alert say a reason the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from html import escape

from bot.alerts.events import VenueChangeAlert
from bot.alerts.parts import FreshestPart, ReasonPart, VenuePart
from bot.alerts.venue_text import (
    amount,
    freshest_line,
    reason_line,
    venue_name,
)
from bot.kernel.i18n import Translator
from bot.venues import labels
from bot.venues.evidence import LandingEvidence, StatementEvidence
from bot.venues.knowledge import Knowledge, Venue
from bot.venues.results import Contribution, RankingChange, VenueScore
from bot.venues.stored import StoredValue, factor_keys

STRONGEST = 3


def venue_data(venue: Venue) -> VenuePart:
    """What a renderer needs of a venue."""
    return VenuePart(
        slug=venue.slug, names=dict(venue.names), country=venue.country, timezone=venue.timezone
    )


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def reason_data(
    contribution: Contribution,
    people: Mapping[str, Mapping[str, str]],
    venue: Venue | None = None,
) -> ReasonPart:
    """One contribution as a reason the alerts and /venue word alike (`venue_text`)."""
    person = contribution.params.get("person")
    landing = contribution.kind == "landing"
    return ReasonPart(
        kind=contribution.kind,
        label=contribution.label_key,
        points=contribution.points,
        params={k: _plain(v) for k, v in contribution.params.items()},
        ref=contribution.evidence_ref,
        person_names=dict(people[person])
        if landing and isinstance(person, str) and person in people
        else None,
        localized=_localized(contribution, venue) or None,
        # A landing counts only at the venue's own airports: its city is the venue.
        airport_city=dict(venue.names) if landing and venue is not None else None,
    )


def _localized(contribution: Contribution, venue: Venue | None) -> dict[str, dict[str, str]]:
    """The fact's note (and city) in en/ru/az, for a reason that quotes a venue's fact.

    Contributions carry the English text; the knowledge file has each note in every
    language, so the reason finds its fact by that text and carries all of them (an
    alert is rendered later, once per chat language).
    """
    detail = contribution.params.get("detail")
    if venue is None or not isinstance(detail, str):
        return {}
    for factor in venue.factors:
        if factor.detail == detail and factor.details:
            out = {"detail": dict(factor.details)}
            if factor.where_names:
                out["where"] = dict(factor.where_names)
            return out
    return {}


def strongest(item: VenueScore, n: int = STRONGEST) -> list[Contribution]:
    """The `n` contributions that move the score most (either way), in score order."""
    scored = [c for c in item.contributions if c.points != 0]
    order = {id(c): i for i, c in enumerate(item.contributions)}
    ranked = sorted(scored, key=lambda c: (-abs(c.points), order[id(c)]))
    return ranked[:n]


def freshest_data(item: VenueScore) -> FreshestPart | None:
    """The newest counted landing or statement of a venue."""
    fresh = item.freshest_evidence
    if isinstance(fresh, LandingEvidence):
        return FreshestPart(
            kind="landing",
            ts=str(_plain(fresh.ts)),
            airport=fresh.airport_icao,
            airport_city=dict(item.venue.names),
        )
    if isinstance(fresh, StatementEvidence):
        return FreshestPart(kind="statement", ts=str(_plain(fresh.ts)), source=fresh.source_name)
    return None


def change_alert(
    change: RankingChange, item: VenueScore | None, people: Mapping[str, Mapping[str, str]]
) -> VenueChangeAlert:
    """The alert of a ranking change."""
    return VenueChangeAlert(
        kind=change.kind,
        label=change.label_key,
        venue=venue_data(change.venue),
        previous=venue_data(change.previous_leader) if change.previous_leader else None,
        score=change.score,
        previous_score=change.previous_score,
        rank=change.rank,
        previous_rank=change.previous_rank,
        reasons=tuple(reason_data(c, people, item.venue) for c in strongest(item)) if item else (),
        freshest=freshest_data(item) if item else None,
    )


def ranking_list(
    scores: Sequence[VenueScore],
    people: Mapping[str, Mapping[str, str]],
    t: Translator,
    *,
    limit: int | None,
) -> str:
    """The /venues answer: rank, score, strongest reasons, freshest evidence."""
    shown = scores if limit is None else scores[:limit]
    blocks: list[str] = []
    for rank, item in enumerate(shown, start=1):
        data = venue_data(item.venue)
        zone = item.venue.timezone
        lines = [f"{rank}. <b>{venue_name(data, t)}</b> — {amount(item.total, t)}"]
        lines += [reason_line(reason_data(c, people, item.venue), zone, t) for c in strongest(item)]
        fresh = freshest_line(freshest_data(item), zone, t)
        if fresh:
            lines.append(fresh)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def value_text(name: str, value: str, t: Translator) -> str:
    """A factor's value in the chat's language, HTML-escaped.

    A value without a label (a stored row older than the labels) is shown as stored.
    """
    label = labels.FACTOR_VALUES.get((name, value))
    return escape(t._(label) if label is not None else value)


def _factor_line(
    key: str,
    venue: Venue,
    knowledge: Knowledge,
    stored: StoredValue | None,
    at: datetime,
    t: Translator,
) -> str:
    factor = dict(factor_keys(venue))[key]
    urls = [
        knowledge.sources[s.id].url if s.id in knowledge.sources else s.url for s in factor.source
    ]
    cited = ", ".join(
        f"{escape(s.id)} {escape(url)}" for s, url in zip(factor.source, urls, strict=True)
    )
    line = t._(
        "• <b>{key}</b>: {value} (as of {as_of}). {detail}",
        key=escape(key),
        value=value_text(factor.name, factor.value, t),
        as_of=escape(str(factor.as_of)),
        detail=escape(factor.detail_in(t.locale)),
    )
    if factor.name != "icc" and factor.when is not None and factor.when.start() > at.date():
        # Replays and the demo score an earlier day: say why this fact adds nothing.
        line += " " + t._("(later than the time scored: not counted)")
    if cited:
        line += "\n  " + t._("Sources: {sources}", sources=cited)
    if stored is not None and stored.set_by is not None:
        line += "\n  " + t._(
            "Corrected by {user} on {date}",
            user=escape(str(stored.set_by)),
            date=escape(stored.set_at.date().isoformat()),
        )
    return line


def venue_detail(
    item: VenueScore,
    rank: int,
    count: int,
    knowledge: Knowledge,
    stored: Mapping[str, StoredValue],
    people: Mapping[str, Mapping[str, str]],
    at: datetime,
    t: Translator,
) -> str:
    """The /venue answer at `at`: factors with sources, evidence, the score's decomposition."""
    venue = item.venue
    zone = venue.timezone
    data = venue_data(venue)
    lines = [
        t._(
            "<b>{venue}</b> ({country}): score {score}, rank {rank} of {count}",
            venue=venue_name(data, t),
            country=escape(t.country(venue.country)),
            score=amount(item.total, t),
            rank=t.number(rank),
            count=t.number(count),
        ),
        t._("Airports: {codes}", codes=escape(", ".join(venue.airports))),
        "",
        "<b>" + t._("Factors") + "</b>",
    ]
    lines += [
        _factor_line(k, venue, knowledge, stored.get(k), at, t) for k, _f in factor_keys(venue)
    ]
    lines += ["", "<b>" + t._("Live evidence") + "</b>"]
    live = [c for c in item.contributions if c.live]
    if live:
        lines += [reason_line(reason_data(c, people, venue), zone, t) for c in live]
    else:
        lines.append(t._("No landing or statement in the evidence window."))
    lines += ["", "<b>" + t._("Score") + "</b>"]
    lines += [
        reason_line(reason_data(c, people, venue), zone, t)
        for c in item.contributions
        if not c.live
    ]
    lines.append(
        t._(
            "= {total} (facts {prior}, live evidence {live})",
            total=amount(item.total, t),
            prior=amount(item.prior, t),
            live=amount(item.live, t),
        )
    )
    return "\n".join(lines)
