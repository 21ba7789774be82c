"""`/venue set` input checked against the knowledge base, and corrections applied (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.venues import labels
from bot.venues.corrections import Correction, Problem, Refusal, parse_correction
from bot.venues.knowledge import load_knowledge
from bot.venues.prior import prior_contributions
from bot.venues.stored import (
    MAX_SOURCE_CHARS,
    StoredValue,
    corrected_value,
    effective_venue,
    factor_keys,
    factor_value,
)
from bot.venues.weights import ScoringWeights

KNOWLEDGE = load_knowledge()
AT = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "venue", "key", "value", "source"),
    [
        ("Baku icc party https://x.org/a", "baku", "icc", "party", "https://x.org/a"),
        ("Баку icc party TASS, 1 May", "baku", "icc", "party", "TASS, 1 May"),
        ("BAKI air_route unknown S2", "baku", "air_route", "unknown", "S2"),
        ("Abu Dhabi icc party src", "abu-dhabi", "icc", "party", "src"),
        (
            "Абу-Даби war_stance ally_of_russia src",
            "abu-dhabi",
            "war_stance",
            "ally_of_russia",
            "src",
        ),
        (
            "baku EVENT:2024-12-25 Neutral later report",
            "baku",
            "event:2024-12-25",
            "neutral",
            "later report",
        ),
    ],
)
def test_good_corrections_are_understood(
    text: str, venue: str, key: str, value: str, source: str
) -> None:
    checked = parse_correction(text.split(), KNOWLEDGE)
    assert isinstance(checked, Correction)
    assert (checked.venue.slug, checked.key, checked.value, checked.source) == (
        venue,
        key,
        value,
        source,
    )


@pytest.mark.parametrize(
    ("text", "problem", "detail"),
    [
        ("", Problem.USAGE, ""),
        ("Baku", Problem.USAGE, ""),
        ("Paris icc party src", Problem.UNKNOWN_VENUE, "Paris"),
        ("Венева icc party src", Problem.AMBIGUOUS, "Венева"),
        ("Baku altitude high src", Problem.UNKNOWN_FACTOR, "altitude"),
        ("Baku precedent:1999 held src", Problem.UNKNOWN_FACTOR, "precedent:1999"),
        ("Baku icc", Problem.NO_VALUE, ""),
        ("Baku icc maybe src", Problem.BAD_VALUE, "maybe"),
        ("Baku icc party", Problem.NO_SOURCE, ""),
        ("Baku icc " + "p" * 33 + " src", Problem.TOO_LONG, "p" * 33),
        ("Baku icc party " + "s" * (MAX_SOURCE_CHARS + 1), Problem.TOO_LONG, "s" * 40),
    ],
)
def test_bad_corrections_say_what_is_wrong(text: str, problem: Problem, detail: str) -> None:
    refused = parse_correction(text.split(), KNOWLEDGE)
    assert isinstance(refused, Refusal)
    assert (refused.problem, refused.text) == (problem, detail)


def test_a_dateless_repeating_factor_takes_only_absences() -> None:
    # "No Putin visit found" has no date: a visit needs its date, which is a new fact
    # for the knowledge file, not a correction.
    venue = next(v for v in KNOWLEDGE.venues if "putin_visit" in dict(factor_keys(v)))
    refused = parse_correction([venue.slug, "putin_visit", "visited", "src"], KNOWLEDGE)
    assert isinstance(refused, Refusal) and refused.problem is Problem.BAD_VALUE
    assert refused.options == ("none_found",)


def _stored(key: str, value: dict[str, object], by: int | None, row: int) -> StoredValue:
    return StoredValue(key, value, "https://x.org/a", by, AT, row)


def test_only_analysts_rows_change_a_venue() -> None:
    baku = KNOWLEDGE.venue("baku")
    icc = dict(factor_keys(baku))["icc"]
    seeded = {"icc": _stored("icc", factor_value(icc), None, 1)}
    assert effective_venue(baku, seeded) == baku
    corrected = {"icc": _stored("icc", corrected_value(factor_value(icc), "party", "x"), 777, 9)}
    changed = effective_venue(baku, corrected)
    [first] = [f for f in changed.factors if f.name == "icc"]
    assert (first.value, first.source_ids, str(first.as_of)) == ("party", ("A9",), "2026-11-28")
    contribution = prior_contributions(changed, AT, ScoringWeights())[0]
    assert (contribution.label_key, contribution.evidence_ref) == (labels.ICC_PARTY, "A9")


def test_a_stored_value_no_longer_allowed_is_ignored() -> None:
    baku = KNOWLEDGE.venue("baku")
    icc = dict(factor_keys(baku))["icc"]
    odd = {"icc": _stored("icc", corrected_value(factor_value(icc), "perhaps", "x"), 777, 9)}
    assert effective_venue(baku, odd) == baku


def test_factor_keys_are_unique_and_stable() -> None:
    for venue in KNOWLEDGE.venues:
        keys = [k for k, _f in factor_keys(venue)]
        assert len(keys) == len(set(keys))
    assert [k for k, _f in factor_keys(KNOWLEDGE.venue("baku"))][:3] == [
        "icc",
        "precedent:2017-02-16",
        "precedent:2018-04",
    ]
