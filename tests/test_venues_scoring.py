"""The venue score: each factor, ageing, confidence, silence, determinism, the field case.

Synthetic venues are built through `parse_knowledge`, the same path as the shipped file;
aircraft, events and statements here are synthetic ("demo-" ids).
"""

from __future__ import annotations

import functools
import math
import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.venues import labels
from bot.venues.knowledge import Knowledge, Venue, load_knowledge, parse_knowledge
from bot.venues.results import sum_points
from bot.venues.scoring import (
    Evidence,
    HostSource,
    LandingEvidence,
    ScoringWeights,
    StatementEvidence,
    VenueScore,
    decay,
    score,
    score_venue,
)

NOW = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
W = ScoringWeights()


@functools.cache
def shipped() -> Knowledge:
    return load_knowledge()


def venue(*factors: dict[str, Any], slug: str = "alpha", country: str = "XA") -> Venue:
    """A synthetic venue with the given factors (sources default to S1)."""
    doc = {
        "as_of": "2026",
        "sources": {"S1": {"url": "example.org/one"}, "S2": {"url": "example.org/two"}},
        "venues": [
            {
                "slug": slug,
                "names": {"en": slug.title()},
                "country": country,
                "airports": ["ZZZA"],
                "lat": 0.0,
                "lon": 0.0,
                "timezone": "UTC",
                "factors": [{"source": ["S1"], "as_of": "2025",
                             "detail": {"en": "A fact.", "ru": "Факт.", "az": "Fakt."}} | f
                            for f in factors],
            }
        ],
    }  # fmt: skip
    return parse_knowledge(doc).venues[0]


def landing(
    ts: datetime,
    confidence: str = "confirmed",
    event_id: str = "demo-landing-1",
    slug: str = "alpha",
) -> LandingEvidence:
    return LandingEvidence(slug, "ZZZA", ts, "Demo Envoy", confidence, event_id)  # type: ignore[arg-type]


def statement(
    ts: datetime,
    *,
    official: bool = True,
    host: bool = False,
    meeting: bool = True,
    statement_id: str = "demo-statement-1",
    slug: str = "alpha",
    source: str = "Demo Ministry",
) -> StatementEvidence:
    return StatementEvidence(
        slug, ts, source, official, host, meeting, statement_id, "Synthetic headline"
    )


def points(result: VenueScore, kind: str) -> list[float]:
    return [c.points for c in result.contributions if c.kind == kind]


@pytest.mark.parametrize(
    ("factor", "label", "expected"),
    [
        ({"name": "icc", "value": "not_party"}, labels.ICC_NOT_PARTY, 2.0),
        ({"name": "icc", "value": "party"}, labels.ICC_PARTY, -3.0),
        ({"name": "icc", "value": "unverified"}, labels.ICC_UNVERIFIED, -0.5),
        ({"name": "war_stance", "value": "mediator"}, labels.WAR_MEDIATOR, 1.0),
        ({"name": "war_stance", "value": "ally_of_russia"}, labels.WAR_ALLY_OF_RUSSIA, -1.0),
        ({"name": "alliance", "value": "nato_member", "when": "2023-04-04"},
         labels.NATO_MEMBER, -1.0),
        ({"name": "alliance", "value": "not_nato"}, labels.NOT_NATO, 0.0),
        ({"name": "host_offer", "value": "offered", "when": "2025-08"}, labels.HOST_OFFER, 1.0),
        ({"name": "precedent", "value": "held", "level": "leaders", "when": "2025-08-15"},
         labels.PRECEDENT_LEADERS, 1.5),
        ({"name": "precedent", "value": "held", "level": "senior", "when": "2017-02-16"},
         labels.PRECEDENT_SENIOR, 0.5),
        ({"name": "precedent", "value": "held", "level": "working", "when": "1979-06"},
         labels.PRECEDENT_WORKING, 0.125),
        ({"name": "precedent", "value": "held", "level": "leaders", "when": "1961-06"},
         labels.PRECEDENT_LEADERS, 0.375),
        ({"name": "precedent", "value": "held_elsewhere", "level": "senior",
         "where": {"en": "Ankara", "ru": "Анкара", "az": "Ankara"},
          "when": "2022-11-14"}, labels.PRECEDENT_SENIOR_ELSEWHERE, 0.5),
        ({"name": "precedent", "value": "none_found", "source": []},
         labels.PRECEDENT_NONE_FOUND, 0.0),
        ({"name": "putin_visit", "value": "visited", "when": "2024-08-18"},
         labels.PUTIN_VISITED, 1.0),
        ({"name": "putin_visit", "value": "none_found", "source": []},
         labels.PUTIN_VISIT_NONE_FOUND, 0.0),
        ({"name": "air_route", "value": "demonstrated", "when": "2024-08-18"},
         labels.AIR_DEMONSTRATED, 1.0),
        ({"name": "air_route", "value": "needs_exemption"}, labels.AIR_NEEDS_EXEMPTION, -2.0),
        ({"name": "air_route", "value": "unknown", "source": []}, labels.AIR_UNKNOWN, 0.0),
        ({"name": "event", "value": "against", "when": "2024-12-25"},
         labels.EVENT_AGAINST, -0.75),
        ({"name": "event", "value": "in_favour", "when": "2025-08-08"},
         labels.EVENT_IN_FAVOUR, 0.5),
        ({"name": "event", "value": "neutral", "when": "2025-03-14"},
         labels.EVENT_NEUTRAL, 0.0),
    ],
)  # fmt: skip
def test_each_factor_scores_with_its_weight_and_label(
    factor: dict[str, Any], label: str, expected: float
) -> None:
    result = score_venue(venue(factor), Evidence(), NOW)
    (only,) = result.contributions
    assert (only.kind, only.label_key, only.points) == (factor["name"], label, expected)
    assert only.evidence_ref == ("S1" if factor.get("source") != [] else None)
    assert result.total == expected
    # Every placeholder of the label is filled by the params.
    assert only.label_key.format(**only.params)


@pytest.mark.parametrize(
    ("now", "label", "expected", "effective"),
    [
        (datetime(2026, 6, 1, 23, 59, tzinfo=UTC), labels.ICC_WITHDRAWING, -3.0, "2026-06-02"),
        (datetime(2026, 6, 2, 0, 0, tzinfo=UTC), labels.ICC_UNVERIFIED_AFTER_WITHDRAWAL, -0.5,
         "2026-06-02"),
    ],
)  # fmt: skip
def test_an_icc_withdrawal_counts_as_membership_until_it_takes_effect(
    now: datetime, label: str, expected: float, effective: str
) -> None:
    factor = {"name": "icc", "value": "withdrawal_pending", "when": "2026-06-02"}
    (only,) = score_venue(venue(factor), Evidence(), now).contributions
    assert (only.label_key, only.points, only.params) == (label, expected, {"effective": effective})


def test_budapest_follows_its_withdrawal_date() -> None:
    budapest = shipped().venue("budapest")
    before = score_venue(budapest, Evidence(), datetime(2026, 5, 1, tzinfo=UTC))
    after = score_venue(budapest, Evidence(), datetime(2026, 7, 1, tzinfo=UTC))
    assert points(after, "icc")[0] - points(before, "icc")[0] == W.icc_unverified - W.icc_party


def test_facts_dated_after_now_are_not_counted() -> None:
    factors = (
        {"name": "precedent", "value": "held", "level": "leaders", "when": "2025-08-15"},
        {"name": "putin_visit", "value": "visited", "when": "2025-08-15"},
        {"name": "event", "value": "against", "when": "2025-12"},
        {"name": "icc", "value": "not_party"},
    )
    march = score_venue(venue(*factors), Evidence(), datetime(2025, 3, 14, tzinfo=UTC))
    assert [c.kind for c in march.contributions] == ["icc"]
    august = score_venue(venue(*factors), Evidence(), datetime(2025, 8, 15, tzinfo=UTC))
    assert [c.kind for c in august.contributions] == ["icc", "precedent", "putin_visit"]


def test_precedents_count_one_over_k_strongest_first() -> None:
    result = score_venue(
        venue(
            {"name": "precedent", "value": "held", "level": "working", "when": "2025-02-27"},
            {"name": "precedent", "value": "held", "level": "leaders", "when": "2025-08-15"},
            {"name": "precedent", "value": "held", "level": "senior", "when": "2025-02-18"},
        ),
        Evidence(),
        NOW,
    )
    assert points(result, "precedent") == [1.5, 1.0 / 2, 0.5 / 3]
    assert [c.params["rank"] for c in result.contributions] == [1, 2, 3]
    assert [c.params["when"] for c in result.contributions] == [
        "2025-08-15",
        "2025-02-18",
        "2025-02-27",
    ]


def test_visits_count_once_with_their_number_and_latest_date() -> None:
    result = score_venue(
        venue(
            {"name": "putin_visit", "value": "visited", "when": "2024-05-23"},
            {"name": "putin_visit", "value": "visited", "when": "2025-06-26", "source": ["S2"]},
            {"name": "putin_visit", "value": "visited", "when": "2024-12-06"},
        ),
        Evidence(),
        NOW,
    )
    (only,) = result.contributions
    assert (only.points, only.params, only.evidence_ref) == (
        1.0,
        {"count": 3, "latest": "2025-06-26"},
        "S1,S2",
    )


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (timedelta(0), 4.0),
        (timedelta(hours=24), 2.0),
        (timedelta(hours=48), 1.0),
        (timedelta(hours=72), 0.5),
        (timedelta(days=7), 4.0 / 128),  # exactly the window: still counted
        (timedelta(days=7, seconds=1), None),  # older than the window: ignored
        (-timedelta(minutes=10), 4.0),  # a fast feed clock: fresh
        (-timedelta(minutes=11), None),  # not yet happened at `now`
    ],
)
def test_landings_age_with_the_half_life(age: timedelta, expected: float | None) -> None:
    result = score_venue(
        venue({"name": "icc", "value": "party"}), Evidence((landing(NOW - age),)), NOW
    )
    assert points(result, "landing") == ([] if expected is None else [expected])


def test_decay_between_half_lives_is_exponential() -> None:
    assert decay(timedelta(hours=12), timedelta(hours=24)) == pytest.approx(2**-0.5, rel=1e-15)
    assert decay(timedelta(hours=36), timedelta(hours=24)) == pytest.approx(2**-1.5, rel=1e-15)
    assert decay(timedelta(hours=12), timedelta(hours=6)) == 0.25


def test_the_half_life_is_configurable() -> None:
    weights = ScoringWeights(half_life=timedelta(hours=6))
    base = venue({"name": "icc", "value": "party"})
    result = score_venue(base, Evidence((landing(NOW - timedelta(hours=12)),)), NOW, weights)
    assert points(result, "landing") == [1.0]


@pytest.mark.parametrize(
    ("confidence", "weights", "expected", "label"),
    [
        ("believed", W, 2.0, labels.LANDING_BELIEVED),
        ("confirmed", W, 4.0, labels.LANDING_CONFIRMED),
        ("believed", ScoringWeights(believed=0.25), 1.0, labels.LANDING_BELIEVED),
    ],
)
def test_landings_are_weighted_by_link_confidence(
    confidence: str, weights: ScoringWeights, expected: float, label: str
) -> None:
    base = venue({"name": "icc", "value": "party"})
    result = score_venue(base, Evidence((landing(NOW, confidence),)), NOW, weights)
    (live,) = [c for c in result.contributions if c.live]
    assert (live.points, live.label_key, live.evidence_ref) == (expected, label, "demo-landing-1")
    assert live.params["airport"] == "ZZZA"
    assert live.params["ts"] == NOW


def test_a_believed_landing_counts_less_than_a_confirmed_one() -> None:
    assert W.believed < W.confirmed
    with pytest.raises(ValueError, match="believed <= confirmed"):
        ScoringWeights(believed=1.0, confirmed=0.5)


@pytest.mark.parametrize(
    ("official", "host", "meeting", "expected", "label"),
    [
        (True, True, True, 4.5, labels.STATEMENT_HOST_MEETING),
        (True, True, False, 0.75, labels.STATEMENT_HOST_MENTION),
        (True, False, True, 3.0, labels.STATEMENT_OFFICIAL_MEETING),
        (True, False, False, 0.5, labels.STATEMENT_OFFICIAL_MENTION),
        (False, False, True, 1.0, labels.STATEMENT_MEDIA_MEETING),
        (False, True, True, 1.0, labels.STATEMENT_MEDIA_MEETING),  # host media: not the host
        (False, False, False, 0.25, labels.STATEMENT_MEDIA_MENTION),
    ],
)
def test_statements_are_weighted_by_source_and_meeting_words(
    official: bool, host: bool, meeting: bool, expected: float, label: str
) -> None:
    item = statement(NOW, official=official, host=host, meeting=meeting)
    result = score_venue(
        venue({"name": "icc", "value": "party"}), Evidence(statements=(item,)), NOW
    )
    (live,) = [c for c in result.contributions if c.live]
    assert (live.points, live.label_key, live.evidence_ref) == (expected, label, "demo-statement-1")


def test_repeats_count_less_and_duplicates_once() -> None:
    evidence = Evidence(
        landings=(
            landing(NOW, "believed", "demo-landing-1"),
            landing(NOW, "confirmed", "demo-landing-1"),  # the same event, link upgraded
            landing(NOW - timedelta(hours=24), "confirmed", "demo-landing-2"),
            landing(NOW, "confirmed", "demo-landing-3"),
        )
    )
    result = score_venue(venue({"name": "icc", "value": "party"}), evidence, NOW)
    landed = [c for c in result.contributions if c.kind == "landing"]
    assert [(c.evidence_ref, c.points) for c in landed] == [
        ("demo-landing-1", 4.0),
        ("demo-landing-3", 4.0 / 2),
        ("demo-landing-2", 2.0 / 3),
    ]


HOST = HostSource("XA", "Demo MFA", None)
START = NOW - timedelta(hours=6)
EARLIER = START - timedelta(seconds=1)


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        # 6 h of silence (half of silence_full_after) about evidence fresh at now.
        (Evidence((landing(START),), (statement(NOW),), (HOST,)), 0.75 * 0.5 * 1.0),
        # A day after the only landing: full ramp, faded with the landing.
        (Evidence((landing(NOW - timedelta(hours=24)),), (), (HOST,)), 0.75 * 1.0 * 0.5),
        # The host spoke before the evidence began: still silent since.
        (Evidence((landing(START),), (), (replace(HOST, latest_statement_ts=EARLIER),)),
         0.75 * 0.5 * 2**-0.25),
        # The host spoke since: no silence.
        (Evidence((landing(START),), (), (replace(HOST, latest_statement_ts=START),)), None),
        # The host's own official statement since then breaks it too.
        (Evidence((landing(START),), (statement(NOW, host=True, meeting=False),), (HOST,)), None),
        # No known host source: silence cannot be read.
        (Evidence((landing(START),), (), ()), None),
        # Another country's source says nothing about this host.
        (Evidence((landing(START),), (), (replace(HOST, country="XB"),)), None),
        # Nothing to be silent about.
        (Evidence((), (), (HOST,)), None),
        # Only the host itself spoke: nothing else to be silent about.
        (Evidence((), (statement(NOW, host=True),), (HOST,)), None),
    ],
)  # fmt: skip
def test_silence_of_the_host_counts_only_when_there_is_something_to_be_silent_about(
    evidence: Evidence, expected: float | None
) -> None:
    result = score_venue(venue({"name": "icc", "value": "party"}), evidence, NOW)
    silence = points(result, "silence")
    if expected is None:
        assert silence == []
    else:
        assert silence == [pytest.approx(expected, rel=1e-12)]


def test_silence_params_name_the_sources_and_the_start() -> None:
    hosts = (HOST, HostSource("XA", "Demo President", None))
    result = score_venue(
        venue({"name": "icc", "value": "party"}), Evidence((landing(START),), (), hosts), NOW
    )
    (silence,) = [c for c in result.contributions if c.kind == "silence"]
    assert silence.params["sources"] == "Demo MFA, Demo President"
    assert silence.params["since"] == START
    assert silence.params["hours"] == 6.0
    assert silence.evidence_ref is None


def test_evidence_for_other_or_unknown_venues_is_ignored() -> None:
    evidence = Evidence(
        (landing(NOW, slug="elsewhere"),), (statement(NOW, slug="nowhere"),), (HOST,)
    )
    result = score_venue(venue({"name": "icc", "value": "party"}), evidence, NOW)
    assert [c.kind for c in result.contributions] == ["icc"]
    assert result.freshest_evidence is None


def test_freshest_evidence_is_the_newest_counted_item() -> None:
    newest = statement(NOW - timedelta(hours=1))
    evidence = Evidence((landing(NOW - timedelta(hours=3)),), (newest,))
    result = score_venue(venue({"name": "icc", "value": "party"}), evidence, NOW)
    assert result.freshest_evidence == newest


def field_evidence(landed: datetime) -> Evidence:
    """The field case: a jet believed to carry the envoy lands at UBBB, then the Kremlin
    names Baku with meeting words, and Azerbaijan's official sources stay silent."""
    return Evidence(
        landings=(
            LandingEvidence("baku", "UBBB", landed, "Witkoff", "believed", "demo-landing-ubbb"),
        ),
        statements=(
            StatementEvidence(
                "baku",
                landed + timedelta(hours=1),
                "Kremlin",
                True,
                False,
                True,
                "demo-kremlin-1",
                "Synthetic: a meeting in Baku is being discussed",
            ),
        ),
        host_sources=(
            HostSource("AZ", "Azerbaijan MFA", None),
            HostSource("AZ", "President of Azerbaijan", None),
        ),
    )


@pytest.mark.parametrize("year", [2025, 2026])
def test_field_scenario_baku_ranks_first(year: int) -> None:
    landed = datetime(year, 3, 14, 5, 30, tzinfo=ZoneInfo("Asia/Baku"))
    now = landed + timedelta(hours=3)
    before = score(shipped().venues, Evidence(), now)
    assert before[0].venue.slug != "baku"
    ranking = score(shipped().venues, field_evidence(landed), now)
    assert ranking[0].venue.slug == "baku"
    top = ranking[0]
    assert [c.kind for c in top.contributions if c.live] == ["landing", "statement", "silence"]
    (landed_c,) = [c for c in top.contributions if c.kind == "landing"]
    assert landed_c.params["ts"] == datetime(year, 3, 14, 1, 30, tzinfo=UTC)
    assert landed_c.label_key == labels.LANDING_BELIEVED
    assert top.live > ranking[1].total - top.prior


def test_a_media_mention_alone_does_not_make_baku_the_favourite() -> None:
    landed = datetime(2025, 3, 14, 5, 30, tzinfo=ZoneInfo("Asia/Baku"))
    mention = statement(landed, official=False, meeting=False, slug="baku")
    ranking = score(shipped().venues, Evidence(statements=(mention,)), landed)
    assert ranking[0].venue.slug != "baku"


def _random_evidence(seed: int) -> Evidence:
    rng = random.Random(seed)
    slugs = [v.slug for v in shipped().venues]
    base = datetime(2026, 6, 25, tzinfo=UTC)
    landings = tuple(
        LandingEvidence(
            rng.choice(slugs),
            "ZZZA",
            base + timedelta(minutes=rng.randrange(0, 9000)),
            "Demo Envoy",
            rng.choice(["believed", "confirmed"]),
            f"demo-landing-{i}",
        )
        for i in range(30)
    )
    statements = tuple(
        StatementEvidence(
            rng.choice(slugs),
            base + timedelta(minutes=rng.randrange(0, 9000)),
            rng.choice(["Kremlin", "Demo Wire", "Demo MFA"]),
            rng.random() < 0.5,
            rng.random() < 0.3,
            rng.random() < 0.5,
            f"demo-statement-{i}",
            "Synthetic headline",
        )
        for i in range(60)
    )
    hosts = tuple(
        HostSource(v.country, f"Demo MFA {v.country}", None) for v in shipped().venues[::2]
    )
    return Evidence(landings, statements, hosts)


@pytest.mark.parametrize("seed", range(5))
def test_every_score_is_exactly_the_sum_of_its_contributions(seed: int) -> None:
    for result in score(shipped().venues, _random_evidence(seed), NOW):
        assert result.total == sum_points(result.contributions)
        assert result.total == pytest.approx(result.prior + result.live, rel=1e-12)
        shuffled = list(result.contributions)
        random.Random(seed).shuffle(shuffled)
        assert math.fsum(c.points for c in shuffled) == result.total


@pytest.mark.parametrize("seed", range(5))
def test_same_inputs_give_the_same_ranking_whatever_their_order(seed: int) -> None:
    evidence = _random_evidence(seed)
    first = score(shipped().venues, evidence, NOW)
    rng = random.Random(seed + 100)
    venues = list(shipped().venues)
    rng.shuffle(venues)
    landings, statements = list(evidence.landings), list(evidence.statements)
    rng.shuffle(landings)
    rng.shuffle(statements)
    again = score(venues, Evidence(tuple(landings), tuple(statements), evidence.host_sources), NOW)
    assert [(s.venue.slug, s.total, s.contributions) for s in again] == [
        (s.venue.slug, s.total, s.contributions) for s in first
    ]


def test_ties_are_broken_by_slug() -> None:
    same = {"name": "icc", "value": "not_party"}
    venues = [venue(same, slug=s) for s in ["gamma", "alpha", "beta"]]
    assert [s.venue.slug for s in score(venues, Evidence(), NOW)] == ["alpha", "beta", "gamma"]


def test_rankings_are_sorted_by_total() -> None:
    totals = [s.total for s in score(shipped().venues, _random_evidence(7), NOW)]
    assert totals == sorted(totals, reverse=True)


@pytest.mark.parametrize(
    "make",
    [
        lambda: score(shipped().venues, Evidence(), datetime(2026, 7, 1)),
        lambda: landing(datetime(2026, 7, 1)),
        lambda: statement(datetime(2026, 7, 1)),
        lambda: HostSource("AZ", "Demo MFA", datetime(2026, 7, 1)),
        lambda: landing(NOW, confidence="rumoured"),
        lambda: ScoringWeights(half_life=timedelta(0)),
        lambda: ScoringWeights(window=-timedelta(days=1)),
        lambda: ScoringWeights(alert_jump=0),
    ],
)
def test_naive_times_and_nonsense_weights_are_refused(make: Any) -> None:
    with pytest.raises(ValueError, match=r"timezone-aware|link_confidence|ScoringWeights"):
        make()


def test_every_label_is_plain_english_with_named_placeholders() -> None:
    assert len(set(labels.ALL)) == len(labels.ALL)
    for label in labels.ALL:
        assert "{}" not in label
        assert label == label.strip()
    used = {
        c.label_key
        for r in score(shipped().venues, _random_evidence(3), NOW)
        for c in r.contributions
    }
    assert used <= set(labels.ALL)


def test_dates_in_params_are_iso_text_or_aware_datetimes() -> None:
    for result in score(shipped().venues, _random_evidence(4), NOW):
        for c in result.contributions:
            for value in c.params.values():
                assert not isinstance(value, date) or (
                    isinstance(value, datetime) and value.tzinfo is UTC
                )
