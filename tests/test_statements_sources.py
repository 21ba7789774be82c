"""The shipped sources file and its validation: every source dated and explained, and
every mistake named by source and field."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from bot.statements.sources import (
    SOURCE_LANGUAGES,
    FeedTarget,
    SourcesError,
    SourceSpec,
    load_sources,
    parse_sources,
    selectors_for_url,
)

SHIPPED = load_sources()
BY_NAME = {spec.name: spec for spec in SHIPPED}


def test_the_shipped_sources_are_the_agreed_ones() -> None:
    assert set(BY_NAME) == {
        "kremlin-en",
        "kremlin-ru",
        "tass-en",
        "tass-ru",
        "state-dept",
        "whitehouse",
        "president-az-en",
        "president-az-ru",
        "president-az-az",
        "mfa-az-en",
        "mfa-az-ru",
        "mfa-az-az",
        "apa-en",
        "apa-ru",
        "apa-az",
        "trend-az",
        "trend-en",
        "trend-ru",
        "report-az",
        "report-ru",
        "report-en",
    }


@pytest.mark.parametrize("spec", SHIPPED, ids=[s.name for s in SHIPPED])
def test_every_source_is_dated_explained_and_unconfirmed_offline(spec: SourceSpec) -> None:
    assert spec.as_of.startswith("2026")
    assert len(spec.note) > 20
    assert "other projects' public source lists" in spec.note.lower()
    assert spec.language in SOURCE_LANGUAGES
    assert spec.interval_s >= 60
    if spec.kind == "html":
        assert spec.selectors is not None and not spec.selectors_verified
        assert "unverified" in spec.note
        assert spec.selectors.timezone == "Asia/Baku"
    else:
        assert spec.selectors is None
        assert "Not confirmed offline" in spec.note


def test_what_sources_md_reports_is_kept() -> None:
    assert BY_NAME["kremlin-en"].url.startswith("http://")  # https timed out in 2026
    assert BY_NAME["kremlin-ru"].url == "http://kremlin.ru/events/president/news/feed"
    assert all("403" in BY_NAME[f"report-{lang}"].note for lang in SOURCE_LANGUAGES)
    assert {s.name for s in SHIPPED if s.official} == {
        "kremlin-en",
        "kremlin-ru",
        "state-dept",
        "whitehouse",
        "president-az-en",
        "president-az-ru",
        "president-az-az",
        "mfa-az-en",
        "mfa-az-ru",
        "mfa-az-az",
    }


def test_a_spec_becomes_a_fetch_target() -> None:
    target = BY_NAME["mfa-az-en"].target(etag='"abc"')
    assert target == FeedTarget(
        name="mfa-az-en",
        kind="html",
        url="https://www.mfa.gov.az/en/news",
        language="en",
        interval_s=600,
        selectors=BY_NAME["mfa-az-en"].selectors,
        etag='"abc"',
    )


def test_an_html_target_without_selectors_is_refused() -> None:
    with pytest.raises(ValueError, match="needs selectors"):
        FeedTarget("page", "html", "https://example.org/news", "en")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://president.az/ru/news/category/all", "president-az-en"),
        ("https://www.president.az/en/anything", "president-az-en"),
        ("https://mfa.gov.az/az/news", "mfa-az-en"),
        ("https://apa.az/rss", None),
        ("not a url", None),
    ],
)
def test_selectors_for_a_url_on_a_configured_site(url: str, expected: str | None) -> None:
    found = selectors_for_url(url, SHIPPED)
    assert found == (BY_NAME[expected].selectors if expected else None)


# ---------------------------------------------------------------- validation

VALID: dict[str, Any] = {
    "name": "demo-feed",
    "kind": "rss",
    "url": "https://feeds.example/rss",
    "language": "en",
    "country": "AZ",
    "official": False,
    "interval_s": 300,
    "as_of": "2026-10",
    "note": "A test source.",
}
PAGE: dict[str, Any] = {
    **VALID,
    "kind": "html",
    "selectors": {"item": "article", "link": "a", "timezone": "Asia/Baku"},
}


def test_a_valid_document_parses() -> None:
    [feed, page] = parse_sources({"sources": [VALID, {**PAGE, "name": "demo-page"}]})
    assert (feed.name, feed.enabled, feed.selectors) == ("demo-feed", True, None)
    assert page.selectors is not None and page.selectors.item == "article"


def _with(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    entry = copy.deepcopy(base)
    for key, value in changes.items():
        if value is ...:
            entry.pop(key)
        else:
            entry[key] = value
    return entry


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (_with(VALID, name="Kremlin EN"), "source 'Kremlin EN': field 'name'"),
        (_with(VALID, kind="json"), "source 'demo-feed': field 'kind': must be one of"),
        (_with(VALID, url="ftp://x.example/f"), "source 'demo-feed': field 'url'"),
        (_with(VALID, url="/relative"), "source 'demo-feed': field 'url'"),
        (_with(VALID, language="de"), "source 'demo-feed': field 'language'"),
        (_with(VALID, country="Azerbaijan"), "source 'demo-feed': field 'country'"),
        (_with(VALID, interval_s=10), "source 'demo-feed': field 'interval_s'"),
        (_with(VALID, interval_s="300"), "source 'demo-feed': field 'interval_s'"),
        (_with(VALID, official="yes"), "source 'demo-feed': field 'official'"),
        (_with(VALID, as_of="recently"), "source 'demo-feed': field 'as_of'"),
        (_with(VALID, as_of=...), "source 'demo-feed': missing field(s) ['as_of']"),
        (_with(VALID, note=...), "source 'demo-feed': missing field(s) ['note']"),
        (_with(VALID, note="  "), "source 'demo-feed': field 'note'"),
        (_with(VALID, colour="red"), "source 'demo-feed': unknown field(s) ['colour']"),
        (_with(VALID, selectors={"item": "a"}), "field 'selectors': only html sources"),
        (_with(PAGE, selectors=...), "field 'selectors': an html source needs a mapping"),
        (_with(PAGE, selectors={"link": "a"}), "field 'selectors.item': required"),
        (_with(PAGE, selectors={"item": "div >> p"}), "field 'selectors.item': invalid CSS"),
        (_with(PAGE, selectors={"item": "a", "date": "["}), "field 'selectors.date': invalid"),
        (_with(PAGE, selectors={"item": "a", "timezone": "Mars/Olympus"}), "unknown time zone"),
        (_with(PAGE, selectors={"item": "a", "colour": "x"}), "unknown key(s) ['colour']"),
        ("just text", "source #1: expected a mapping"),
    ],
)
def test_mistakes_are_named_by_source_and_field(entry: Any, message: str) -> None:
    with pytest.raises(SourcesError) as raised:
        parse_sources({"sources": [entry]}, "sources.yaml")
    assert message in str(raised.value)
    assert str(raised.value).startswith("sources.yaml: ")


def test_duplicate_names_are_refused() -> None:
    with pytest.raises(SourcesError, match="source 'demo-feed': duplicate name"):
        parse_sources({"sources": [VALID, VALID]})


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({}, "'sources' must be a non-empty list"),
        ({"sources": []}, "'sources' must be a non-empty list"),
        ({"sources": [VALID], "extra": 1}, "unknown top-level key(s) ['extra']"),
        ([VALID], "expected a mapping with a 'sources' list"),
    ],
)
def test_bad_documents_are_refused(document: Any, message: str) -> None:
    with pytest.raises(SourcesError) as raised:
        parse_sources(document)
    assert message in str(raised.value)
