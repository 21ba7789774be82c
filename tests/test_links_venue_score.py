"""The venue score reads linked pairs and the host's silence with its sources' health."""

from __future__ import annotations

from datetime import timedelta

from bot.venues import labels
from bot.venues.evidence import Evidence, HostSource, LinkConfidence, PairEvidence
from bot.venues.scoring import score_venue
from tests.test_venues_scoring import NOW, landing, points, venue

START = NOW - timedelta(hours=6)
ALPHA = venue({"name": "icc", "value": "party"})


def pair(confidence: LinkConfidence = "believed", pair_id: str = "pair:1") -> PairEvidence:
    return PairEvidence(
        "alpha",
        "ZZZA",
        START,
        "Demo Envoy",
        "Demo Ministry",
        confidence,
        3.5,
        "Synthetic",
        pair_id,
    )


def test_a_pair_counts_once_weighed_by_the_aircraft_link_and_explained() -> None:
    believed = Evidence(pairs=(pair(), pair()))  # the same pair twice: counted once
    confirmed = Evidence(pairs=(pair("confirmed", "pair:2"),))
    one = score_venue(ALPHA, believed, NOW)
    age = 2 ** -(6 / 24)  # six hours at a one-day half-life
    assert points(one, "pair") == [0.5 * age]
    assert points(score_venue(ALPHA, confirmed, NOW), "pair") == [1.0 * age]
    [reason] = [c for c in one.contributions if c.kind == "pair"]
    assert reason.label_key == labels.PAIR
    assert (reason.params["airport"], reason.params["hours"]) == ("ZZZA", 3.5)


def test_a_failing_host_source_is_not_silent_and_is_listed_apart() -> None:
    read = HostSource("XA", "Demo MFA", None, NOW - timedelta(minutes=5), True)
    failing = HostSource("XA", "Demo President", None, None, False)
    stale = HostSource("XA", "Demo Office", None, START - timedelta(hours=1), True)
    result = score_venue(
        ALPHA,
        Evidence((landing(START),), (), (read, failing, stale)),
        NOW,
    )
    silence = [c for c in result.contributions if c.kind == "silence"]
    assert [(c.label_key, c.points) for c in silence] == [
        (labels.SILENCE_NOT_COUNTED, 0.0),
        (labels.SILENCE, silence[1].points),
    ]
    assert silence[1].points > 0
    assert silence[0].params["sources"] == (
        f"Demo Office ({START - timedelta(hours=1):%Y-%m-%d %H:%M} UTC), Demo President"
    )
    assert silence[1].params["sources"] == (
        f"Demo MFA ({NOW - timedelta(minutes=5):%Y-%m-%d %H:%M} UTC)"
    )
    # None of them read: no silence points at all, only the note.
    unread = score_venue(ALPHA, Evidence((landing(START),), (), (failing,)), NOW)
    assert [c.label_key for c in unread.contributions if c.kind == "silence"] == [
        labels.SILENCE_NOT_COUNTED
    ]
