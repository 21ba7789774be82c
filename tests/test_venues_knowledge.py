"""Loading the venue file: partial dates, and loud, precise errors on malformed data."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from bot.venues.dates import PartialDate
from bot.venues.knowledge import KnowledgeError, parse_knowledge


def minimal() -> dict[str, Any]:
    """A valid document with two synthetic venues."""
    return {
        "as_of": "2026",
        "sources": {"S1": {"url": "example.org/one", "date": date(2025, 1, 2)}},
        "venues": [
            {
                "slug": "alpha",
                "names": {"en": "Alpha", "ru": "Альфа"},
                "country": "XA",
                "airports": ["ZZZA"],
                "lat": 1.5,
                "lon": 2.5,
                "timezone": "Asia/Baku",
                "factors": [
                    {"name": "icc", "value": "not_party", "source": ["S1"], "as_of": "2025",
                     "detail": {"en": "Not a party.", "ru": "Не участник.",
                                "az": "İştirakçı deyil."}},
                    {"name": "putin_visit", "value": "visited", "when": date(2024, 8, 18),
                     "source": ["S1"], "as_of": date(2024, 8, 18),
                     "detail": {"en": "A visit.", "ru": "Визит.", "az": "Səfər."}},
                ],
            },
            {
                "slug": "beta",
                "names": {"en": "Beta"},
                "country": "XB",
                "airports": ["ZZZB"],
                "lat": 3.0,
                "lon": 4.0,
                "timezone": "UTC",
                "factors": [
                    {"name": "precedent", "value": "none_found", "as_of": "2026",
                     "detail": {"en": "None found.", "ru": "Не найдено.", "az": "Tapılmayıb."}},
                ],
            },
        ],
    }  # fmt: skip


def test_a_valid_document_loads_into_frozen_dataclasses() -> None:
    knowledge = parse_knowledge(minimal())
    alpha = knowledge.venue("alpha")
    assert alpha.name("ru") == "Альфа"
    assert alpha.name("az") == "Alpha"  # falls back to English
    icc, visit = alpha.factors
    assert (icc.name, icc.value, icc.source_ids, str(icc.as_of)) == (
        "icc",
        "not_party",
        ("S1",),
        "2025",
    )
    assert visit.when == PartialDate(date(2024, 8, 18), "day")
    assert knowledge.venue("beta").factors[0].source == ()
    with pytest.raises(AttributeError):
        alpha.slug = "gamma"  # type: ignore[misc]
    with pytest.raises(KeyError):
        knowledge.venue("gamma")


Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: object) -> Mutation:
    """Set a value at a dotted path ("venues.0.factors.1.value")."""

    def apply(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = doc
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return apply


def _delete(path: str) -> Mutation:
    def apply(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = doc
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[last]

    return apply


def _append_factor(factor: dict[str, Any]) -> Mutation:
    def apply(doc: dict[str, Any]) -> None:
        doc["venues"][0]["factors"].append(factor)

    return apply


def _duplicate_venue(doc: dict[str, Any]) -> None:
    doc["venues"].append(copy.deepcopy(doc["venues"][0]))


F1 = "venues.0.factors.0"
F2 = "venues.0.factors.1"


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (_set(f"{F1}.value", "maybe"), "venue 'alpha': factor #1 (icc): value 'maybe' is not"),
        (_set(f"{F1}.name", "weather"), "venue 'alpha': factor #1: unknown factor 'weather'"),
        (_set(f"{F1}.source", ["S99"]), "factor #1 (icc): source 'S99' is not in the sources"),
        (_set(f"{F1}.source", []), "factor #1 (icc): a 'not_party' fact needs a source"),
        (_set(f"{F1}.source", ["S1", "S1"]), "factor #1 (icc): source: an S-number is listed"),
        (_set(f"{F1}.source", "S1"), "factor #1 (icc): source: expected a list"),
        (_set(f"{F1}.sorce", ["S1"]), "factor #1 (icc): unknown key(s) sorce"),
        (_delete(f"{F1}.as_of"), "factor #1 (icc): missing key(s) as_of"),
        (_set(f"{F1}.detail", "  "), "factor #1 (icc): detail: expected a mapping, got str"),
        (_set(f"{F1}.detail.ru", " "), "factor #1 (icc): detail: ru: expected non-empty text"),
        (_delete(f"{F1}.detail.az"), "factor #1 (icc): detail: missing key(s) az"),
        (_set(f"{F1}.detail.fr", "Non."), "factor #1 (icc): detail: unknown key(s) fr"),
        (_set(f"{F1}.as_of", "2025-13"), "factor #1 (icc): as_of: '2025-13' is not a real date"),
        (_set(f"{F1}.as_of", "last year"), "factor #1 (icc): as_of: expected YYYY"),
        (_delete(f"{F2}.when"), "factor #2 (putin_visit): a 'visited' fact needs `when`"),
        (_set(f"{F2}.when", "2021-06"), "factor #2 (putin_visit): visits count from 24 Feb 2022"),
        (_set(f"{F2}.level", "senior"), "factor #2 (putin_visit): `level` belongs to held"),
        (
            _append_factor({"name": "precedent", "value": "held", "when": "2020",
                            "source": ["S1"], "as_of": "2020",
                            "detail": {"en": "Talks.", "ru": "Переговоры.", "az": "Danışıqlar."}}),
            "venue 'alpha': factor #3 (precedent): level None is not one of",
        ),
        (
            _append_factor({"name": "precedent", "value": "held_elsewhere", "level": "senior",
                            "when": "2020", "source": ["S1"], "as_of": "2020",
                            "detail": {"en": "Talks.", "ru": "Переговоры.", "az": "Danışıqlar."}}),
            "venue 'alpha': factor #3 (precedent): where: expected a mapping, got NoneType",
        ),
        (
            _append_factor({"name": "icc", "value": "party", "source": ["S1"], "as_of": "2020",
                            "detail": {"en": "Twice.", "ru": "Дважды.", "az": "İki dəfə."}}),
            "venue 'alpha': factors #1, #3 (icc): at most one icc factor",
        ),
        (_set("venues.0.airports", ["UBB"]), "venue 'alpha': airports: 'UBB' is not an ICAO"),
        (_set("venues.0.airports", []), "venue 'alpha': airports: expected a non-empty list"),
        (_set("venues.1.airports", ["ZZZA"]), "venue 'beta': airport ZZZA already belongs"),
        (_set("venues.0.timezone", "Mars/Olympus"), "venue 'alpha': timezone 'Mars/Olympus'"),
        (_set("venues.0.lat", 95), "venue 'alpha': lat: 95 is outside [-90, 90]"),
        (_set("venues.0.lon", "east"), "venue 'alpha': lon: expected a number"),
        (_set("venues.0.country", "Azerbaijan"), "venue 'alpha': country 'Azerbaijan' must be"),
        (_set("venues.0.names", {"ru": "Альфа"}), "venue 'alpha': names: an English name is"),
        (_set("venues.0.names", {"en": "A", "fr": "B"}), "venue 'alpha': names: language 'fr'"),
        (_set("venues.0.slug", "Alpha City"), "venues[0]: slug 'Alpha City' must be lowercase"),
        (_set("venues.0.factors", []), "venue 'alpha': factors: expected a non-empty list"),
        (_duplicate_venue, "venue 'alpha': slug used twice"),
        (_set("sources.X1", {"url": "a.b"}), "sources: X1: a source id looks like S12"),
        (_set("sources.S2", {"url": "a b"}), "sources: S2: url contains a space"),
        (_set("sources.S2", {"link": "a.b"}), "sources: S2: unknown key(s) link"),
        (_delete("venues"), "venues.yaml: missing key(s) venues"),
        (_set("venues", []), "venues.yaml: venues: expected a non-empty list"),
    ],
)  # fmt: skip
def test_malformed_documents_fail_loudly_naming_venue_and_factor(
    mutate: Mutation, expected: str
) -> None:
    doc = minimal()
    mutate(doc)
    with pytest.raises(KnowledgeError) as caught:
        parse_knowledge(doc)
    assert expected in str(caught.value)


def test_a_document_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(KnowledgeError, match="expected a mapping, got list"):
        parse_knowledge([1, 2])


@pytest.mark.parametrize(
    ("value", "text", "first", "precision"),
    [
        ("2025", "2025", date(2025, 1, 1), "year"),
        (2025, "2025", date(2025, 1, 1), "year"),
        ("2018-04", "2018-04", date(2018, 4, 1), "month"),
        ("2024-08-18", "2024-08-18", date(2024, 8, 18), "day"),
        (date(2024, 8, 18), "2024-08-18", date(2024, 8, 18), "day"),
    ],
)
def test_partial_dates_keep_their_precision(
    value: object, text: str, first: date, precision: str
) -> None:
    parsed = PartialDate.parse(value)
    assert (str(parsed), parsed.start(), parsed.precision) == (text, first, precision)


@pytest.mark.parametrize("value", ["2024-02-30", "24-08", "2024/08/18", None, True, 3.5])
def test_partial_dates_refuse_what_is_not_a_date(value: object) -> None:
    with pytest.raises(ValueError, match=r"date|YYYY"):
        PartialDate.parse(value)


def test_partial_dates_sort_by_their_first_day() -> None:
    dates = [PartialDate.parse(v) for v in ["2025-12", "2018-04", "2025", "2018-04-02"]]
    assert [str(d) for d in sorted(dates)] == ["2018-04", "2018-04-02", "2025", "2025-12"]
