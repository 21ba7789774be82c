"""Venue analysis in the chat's language: reasons, scores, and ranking-change alerts.

Reasons are worded by `bot.alerts.venue_text`, shared with `/venue`.

Payload of a "venue_change" alert (stored with the event, rendered at send time):
    kind: new_leader | score_jump
    label: the change's message id
    venue, previous: {slug, names, country, timezone} (previous: the former leader or null)
    score, previous_score, rank, previous_rank
    reasons: the strongest reasons, strongest first
    freshest: {kind: landing | statement, ts, airport, airport_city, source} or null
"""

from __future__ import annotations

from html import escape
from typing import Any

from bot.alerts.render import RenderedAlert, renderer
from bot.alerts.venue_text import (
    amount,
    freshest_line,
    reason_line,
    venue_name,
)
from bot.i18n import N_, Translator

EVENT_TYPE = "venue_change"
_CHANGE_ICONS = {"new_leader": "🥇", "score_jump": "📈"}
_RANK_LINE = N_("Score {score} (was {previous_score}), rank {rank} (was {previous_rank})")
_RANK_LINE_NEW = N_("Score {score}, rank {rank}")


@renderer(EVENT_TYPE)
def render_venue_change(payload: dict[str, Any], t: Translator) -> RenderedAlert:
    """A venue moved into first place or its score jumped: what, by how much, and why."""
    venue = payload["venue"]
    zone = str(venue.get("timezone") or "UTC")
    previous = payload.get("previous") or {}
    headline = t._(
        str(payload["label"]),
        venue=venue_name(venue, t),
        previous=venue_name(previous, t) if previous else "",
        score=amount(float(payload["score"]), t),
        previous_score=amount(float(payload.get("previous_score") or 0.0), t),
    )
    icon = _CHANGE_ICONS.get(str(payload.get("kind")), "📍")
    lines = [f"{icon} <b>{headline}</b>"]
    if payload.get("previous_score") is not None and payload.get("previous_rank") is not None:
        lines.append(
            t._(
                _RANK_LINE,
                score=amount(float(payload["score"]), t),
                previous_score=amount(float(payload["previous_score"]), t),
                rank=t.number(int(payload["rank"])),
                previous_rank=t.number(int(payload["previous_rank"])),
            )
        )
    else:
        lines.append(
            t._(_RANK_LINE_NEW, score=amount(float(payload["score"]), t), rank=payload["rank"])
        )
    reasons = payload.get("reasons") or []
    if reasons:
        lines.append(t._("Why:"))
        lines += [reason_line(r, zone, t) for r in reasons]
    fresh = freshest_line(payload.get("freshest"), zone, t)
    if fresh:
        lines.append(fresh)
    lines.append(t._("Details: /venue {slug}", slug=escape(str(venue.get("slug", "")))))
    return RenderedAlert("\n".join(lines))
