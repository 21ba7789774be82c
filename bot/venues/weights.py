"""The knobs of the venue score, with the reasoning behind each default.

Points are on one scale for facts and live evidence alike. The defaults are set so that
a venue's standing facts span roughly -7 to +7 points, and one fresh strong signal (an
official statement speaking of a meeting there, or a watched jet confirmed on its
tarmac) is worth about as much as the gap between a plausible venue and the best one:
the news moves the ranking, the facts decide ties and the quiet days.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import timedelta


@dataclass(frozen=True)
class ScoringWeights:
    """Weights, half-life and windows of the venue score; every default is explained.

    Attributes:
        icc_not_party: The host has no duty to arrest Putin under the ICC warrant of
            17 Mar 2023. Being able to travel at all is the first gate, so this is the
            largest positive fact.
        icc_party: The host is bound to arrest him. The strongest obstacle, yet not a
            veto: Mongolia, a party, received him in Sep 2024 without arresting him.
        icc_unverified: The status is unverified (Hungary after its withdrawal was due
            to take effect while its new government pledged to stay): halfway between
            party and not a party.
        war_mediator: The host has mediated between Russia and Ukraine or the US, so
            both sides have already trusted it with talks.
        war_ally_of_russia: The host is Russia's close ally in the war and under US
            sanctions: acceptable to one side only.
        nato_member: The host is a NATO member, an ally of one side; a Russian border
            closure or similar frictions count separately as events.
        host_offer: The host government publicly offered to host or facilitate: the
            venue is available, which is half of being chosen.
        precedent_leaders: A past US–Russia leaders' meeting there: the protocol, the
            security and the sides' acceptance have all been shown.
        precedent_senior: Past talks of ministers, envoys, chiefs of staff or spy chiefs.
        precedent_working: Past working-level contacts (technical talks, swaps).
        precedent_since_invasion: Multiplier for precedents since 24 Feb 2022: they show
            the venue works in today's conditions.
        precedent_since_2000: Multiplier for precedents from 2000 to the invasion.
        precedent_earlier: Multiplier for older, Cold War precedents: history, not
            evidence of current acceptability.
        precedent_elsewhere: Multiplier when the precedent was elsewhere in the host
            country (Ankara for Istanbul): the host, not the city, was trusted.
        putin_visited: Putin has flown there since the invasion: security and hosting
            were shown to work. Counted once, however many visits.
        air_demonstrated: A flight from Moscow avoiding closed airspace was shown to
            exist by one of his flights.
        air_needs_exemption: The only way in crosses airspace closed to Russian
            aircraft since Feb 2022: possible only by exemptions from several states.
        event_against: A recent event that strains the host's relations with a side.
        event_in_favour: A recent event that eases them. Smaller than against: a crisis
            damages more than a gesture repairs.
        landing: A watched jet landed at one of the venue's airports, before the link
            confidence weight. The strongest single sign of preparation.
        believed: Weight of a landing whose aircraft is only believed linked to the
            person (a report, a pattern): half of a confirmed one.
        confirmed: Weight of a landing whose aircraft is confirmed linked.
        statement_official_meeting: An official source (a government, a ministry, the
            Kremlin) names the city with meeting words.
        statement_official_mention: An official source names the city without them.
        statement_media_meeting: A news outlet names the city with meeting words.
        statement_media_mention: A news outlet names the city without them.
        host_official: Multiplier for an official source of the host country itself: the
            host speaking of a meeting on its own soil is close to confirmation.
        silence: Points for the host's official sources staying silent once there is
            evidence, at most. Analysts read "no comment" as not a denial; it stays
            small because silence is also what an unrelated landing produces.
        pair: Points for a landing and a statement linked to each other (the statement
            names the person or the city within the link window), times the aircraft
            link's weight: two independent signals agreeing say more than each alone.
        silence_full_after: Silence grows linearly to its full points over this long: an
            hour of silence means nothing, half a day after a reported landing does.
        half_life: Live evidence loses half its points every half-life. A day: news of a
            landing matters for about a day, a week-old landing is history.
        window: Evidence older than this is ignored altogether (after a week at a one-day
            half-life it is worth under 1% anyway; the window makes that explicit).
        future_tolerance: Evidence time-stamped up to this far after `now` counts as
            fresh (feed clocks run a little fast); later than that it is ignored.
        alert_jump: A venue's score rising by more than this between two rankings is
            alert-worthy: about half of one strong fresh signal.
    """

    icc_not_party: float = 2.0
    icc_party: float = -3.0
    icc_unverified: float = -0.5
    war_mediator: float = 1.0
    war_ally_of_russia: float = -1.0
    nato_member: float = -1.0
    host_offer: float = 1.0
    precedent_leaders: float = 1.5
    precedent_senior: float = 1.0
    precedent_working: float = 0.5
    precedent_since_invasion: float = 1.0
    precedent_since_2000: float = 0.5
    precedent_earlier: float = 0.25
    precedent_elsewhere: float = 0.5
    putin_visited: float = 1.0
    air_demonstrated: float = 1.0
    air_needs_exemption: float = -2.0
    event_against: float = -0.75
    event_in_favour: float = 0.5
    landing: float = 4.0
    believed: float = 0.5
    confirmed: float = 1.0
    statement_official_meeting: float = 3.0
    statement_official_mention: float = 0.5
    statement_media_meeting: float = 1.0
    statement_media_mention: float = 0.25
    host_official: float = 1.5
    silence: float = 0.75
    pair: float = 1.0
    silence_full_after: timedelta = timedelta(hours=12)
    half_life: timedelta = timedelta(hours=24)
    window: timedelta = timedelta(days=7)
    future_tolerance: timedelta = timedelta(minutes=10)
    alert_jump: float = 2.0

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, timedelta) and value < timedelta(0):
                raise ValueError(f"ScoringWeights.{item.name} must not be negative")
        for name in ("half_life", "window", "silence_full_after"):
            if getattr(self, name) <= timedelta(0):
                raise ValueError(f"ScoringWeights.{name} must be positive")
        if not 0 <= self.believed <= self.confirmed <= 1:
            raise ValueError("ScoringWeights: need 0 <= believed <= confirmed <= 1")
        if self.alert_jump <= 0:
            raise ValueError("ScoringWeights.alert_jump must be positive")
