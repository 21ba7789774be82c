"""The shipped venue file: loads, cites its sources, and agrees with airportsdata."""

from __future__ import annotations

import functools
import re
from typing import Any

import airportsdata
import pytest

from bot.venues.dates import PartialDate
from bot.venues.knowledge import Knowledge, load_knowledge


@functools.cache
def knowledge() -> Knowledge:
    return load_knowledge()


@functools.cache
def airports() -> dict[str, Any]:
    return dict(airportsdata.load("ICAO"))


SLUGS = [
    "baku",
    "minsk",
    "istanbul",
    "riyadh",
    "abu-dhabi",
    "doha",
    "budapest",
    "helsinki",
    "geneva",
    "vienna",
    "anchorage",
    "astana",
    "ulaanbaatar",
    "beijing",
]


def test_all_candidate_venues_are_there() -> None:
    assert [v.slug for v in knowledge().venues] == SLUGS
    assert str(knowledge().as_of) == "2026"


@pytest.mark.parametrize(
    ("slug", "en", "ru", "az"),
    [
        ("baku", "Baku", "Баку", "Bakı"),
        ("minsk", "Minsk", "Минск", "Minsk"),
        ("istanbul", "Istanbul", "Стамбул", "İstanbul"),
        ("riyadh", "Riyadh", "Эр-Рияд", "Riyad"),
        ("abu-dhabi", "Abu Dhabi", "Абу-Даби", "Əbu-Dabi"),
        ("doha", "Doha", "Доха", "Doha"),
        ("budapest", "Budapest", "Будапешт", "Budapeşt"),
        ("helsinki", "Helsinki", "Хельсинки", "Helsinki"),
        ("geneva", "Geneva", "Женева", None),  # az form not checkable here: left out
        ("vienna", "Vienna", "Вена", "Vyana"),
        ("anchorage", "Anchorage", "Анкоридж", "Ankorac"),
        ("astana", "Astana", "Астана", "Astana"),
        ("ulaanbaatar", "Ulaanbaatar", "Улан-Батор", "Ulanbator"),
        ("beijing", "Beijing", "Пекин", "Pekin"),
    ],
)
def test_names_in_three_languages(slug: str, en: str, ru: str, az: str | None) -> None:
    venue = knowledge().venue(slug)
    assert venue.names.get("en") == en
    assert venue.names.get("ru") == ru
    assert venue.names.get("az") == az
    assert venue.name("az") == (az or en)


@pytest.mark.parametrize(
    ("slug", "main"),
    [
        ("baku", "UBBB"),
        ("minsk", "UMMS"),
        ("istanbul", "LTFM"),
        ("riyadh", "OERK"),
        ("abu-dhabi", "OMAA"),
        ("doha", "OTHH"),
        ("budapest", "LHBP"),
        ("helsinki", "EFHK"),
        ("geneva", "LSGG"),
        ("vienna", "LOWW"),
        ("anchorage", "PANC"),
        ("astana", "UACC"),
        ("ulaanbaatar", "ZMCK"),
        ("beijing", "ZBAA"),
    ],
)
def test_main_airport_position_and_zone_come_from_airportsdata(slug: str, main: str) -> None:
    venue = knowledge().venue(slug)
    assert venue.airports[0] == main
    record = airports()[main]
    assert (venue.lat, venue.lon, venue.timezone) == (record["lat"], record["lon"], record["tz"])


@pytest.mark.parametrize("slug", SLUGS)
def test_every_airport_exists_and_is_in_the_host_country(slug: str) -> None:
    venue = knowledge().venue(slug)
    for code in venue.airports:
        assert code in airports(), code
        assert airports()[code]["country"] == venue.country, code


def test_anchorage_includes_elmendorf() -> None:
    assert knowledge().venue("anchorage").airports == ("PANC", "PAED")
    assert knowledge().venue_for_airport("paed") == knowledge().venue("anchorage")
    assert knowledge().venue_for_airport("LFPG") is None


@pytest.mark.parametrize("slug", SLUGS)
def test_every_venue_states_icc_and_air_route(slug: str) -> None:
    venue = knowledge().venue(slug)
    assert len(venue.factors_named("icc")) == 1
    assert len(venue.factors_named("air_route")) == 1


def test_sources_are_cited_as_the_facts_file_gives_them() -> None:
    sources = knowledge().sources
    assert len(sources) == 63
    assert sources["S2"].url == "en.vestikavkaza.ru/material/149867"
    assert sources["S2"].date == PartialDate.parse("2022-03-01")
    assert sources["S36"].date is None
    assert sources["S36"].note == "undated aggregator only"
    assert sources["S25"].url == "adaderana.lk/news.php?nid=106808"


def test_budapest_icc_withdrawal_is_dated_and_its_aftermath_unverified() -> None:
    (icc,) = knowledge().venue("budapest").factors_named("icc")
    assert icc.value == "withdrawal_pending"
    assert str(icc.when) == "2026-06-02"
    assert "Status after 2 Jun 2026: unverified" in icc.detail
    assert icc.source_ids == ("S33", "S34", "S35", "S36")


@pytest.mark.parametrize(
    ("slug", "name", "value"),
    [
        ("minsk", "precedent", "none_found"),
        ("doha", "precedent", "none_found"),
        ("doha", "putin_visit", "none_found"),
        ("istanbul", "putin_visit", "none_found"),
        ("budapest", "putin_visit", "none_found"),
        ("helsinki", "putin_visit", "none_found"),
        ("vienna", "putin_visit", "none_found"),
        ("astana", "precedent", "none_found"),
        ("ulaanbaatar", "precedent", "none_found"),
        ("beijing", "precedent", "none_found"),
        ("istanbul", "air_route", "unknown"),
        ("doha", "air_route", "unknown"),
    ],
)
def test_what_was_not_found_is_recorded_as_such(slug: str, name: str, value: str) -> None:
    values = [f.value for f in knowledge().venue(slug).factors_named(name)]
    assert value in values


@pytest.mark.parametrize("slug", ["budapest", "helsinki", "vienna", "geneva"])
def test_eu_and_swiss_venues_need_airspace_exemptions_citing_s2(slug: str) -> None:
    (route,) = knowledge().venue(slug).factors_named("air_route")
    assert route.value == "needs_exemption"
    assert "S2" in route.source_ids
    assert route.detail.startswith("Derived:")


def test_derived_air_routes_say_so_and_rest_on_a_visit() -> None:
    for venue in knowledge().venues:
        (route,) = venue.factors_named("air_route")
        if route.value != "demonstrated":
            continue
        visits = [f.when for f in venue.factors_named("putin_visit") if f.value == "visited"]
        assert route.detail.startswith("Derived:"), venue.slug
        assert route.when == min(w for w in visits if w is not None), venue.slug


def test_only_absences_lack_a_source() -> None:
    for venue in knowledge().venues:
        for factor in venue.factors:
            if not factor.source:
                assert factor.value in {"none_found", "unknown"}, (venue.slug, factor.name)


_NUMBER = re.compile(r"\d+")
_SOURCE_REF = re.compile(r"\bS\d+\b")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def _numbers(text: str) -> list[str]:
    return sorted(_NUMBER.findall(re.sub(r"(?<=\d),(?=\d{3})", "", text)))


def test_every_note_is_given_in_english_russian_and_azerbaijani() -> None:
    """The ru and az notes translate the English: same numbers and dates, same sources."""
    for venue in knowledge().venues:
        for factor in venue.factors:
            here = (venue.slug, factor.name, factor.detail)
            assert set(factor.details) == {"en", "ru", "az"}, here
            assert factor.details["en"] == factor.detail
            ru, az = factor.details["ru"], factor.details["az"]
            assert _CYRILLIC.search(ru) and not _CYRILLIC.search(az), here
            for text in (ru, az):
                assert text != factor.detail, here
                assert _numbers(text) == _numbers(factor.detail), (here, text)
                cited = sorted(_SOURCE_REF.findall(factor.detail))
                assert sorted(_SOURCE_REF.findall(text)) == cited, here
            if factor.where is not None:
                assert set(factor.where_names) == {"en", "ru", "az"}, here
