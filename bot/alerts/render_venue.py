"""Venue analysis in the chat's language: reasons, scores, and ranking-change alerts.

Reasons are worded by `bot.alerts.venue_text`, shared with `/venue`. The alert's
fields are `bot.alerts.events.VenueChangeAlert` (built by `bot.venues.views`).
"""

from __future__ import annotations

from html import escape

from bot.alerts.events import VenueChangeAlert
from bot.alerts.rendered import RenderedAlert
from bot.alerts.venue_text import (
    amount,
    freshest_line,
    reason_line,
    venue_name,
)
from bot.kernel.i18n import N_, Translator

_CHANGE_ICONS = {"new_leader": "🥇", "score_jump": "📈"}
_RANK_LINE = N_("Score {score} (was {previous_score}), rank {rank} (was {previous_rank})")
_RANK_LINE_NEW = N_("Score {score}, rank {rank}")


def render_venue_change(alert: VenueChangeAlert, t: Translator) -> RenderedAlert:
    """A venue moved into first place or its score jumped: what, by how much, and why."""
    venue = alert.venue
    zone = venue.timezone or "UTC"
    previous = alert.previous
    headline = t._(
        alert.label,
        venue=venue_name(venue, t),
        previous=venue_name(previous, t) if previous is not None else "",
        score=amount(alert.score, t),
        previous_score=amount(alert.previous_score or 0.0, t),
    )
    icon = _CHANGE_ICONS.get(alert.kind, "📍")
    lines = [f"{icon} <b>{headline}</b>"]
    if alert.previous_score is not None and alert.previous_rank is not None:
        lines.append(
            t._(
                _RANK_LINE,
                score=amount(alert.score, t),
                previous_score=amount(alert.previous_score, t),
                rank=t.number(alert.rank),
                previous_rank=t.number(alert.previous_rank),
            )
        )
    else:
        lines.append(t._(_RANK_LINE_NEW, score=amount(alert.score, t), rank=alert.rank))
    if alert.reasons:
        lines.append(t._("Why:"))
        lines += [reason_line(r, zone, t) for r in alert.reasons]
    fresh = freshest_line(alert.freshest, zone, t)
    if fresh:
        lines.append(fresh)
    lines.append(t._("Details: /venue {slug}", slug=escape(venue.slug)))
    return RenderedAlert("\n".join(lines))
