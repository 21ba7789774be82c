"""The venue knowledge base: cited facts about candidate meeting venues.

`bot/data/venues.yaml` is parsed into frozen dataclasses and validated as a whole: a
malformed file fails at load time with one message naming the venue and the factor, never
later inside a scoring run. The schema is described in `docs/venues.md`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.kernel.data_files import load_yaml
from bot.venues.dates import PartialDate
from bot.venues.names import VenueMatch, match_venue

__all__ = [
    "FACTOR_VALUES",
    "LANGUAGES",
    "Factor",
    "Knowledge",
    "KnowledgeError",
    "PartialDate",
    "Source",
    "Venue",
    "default_path",
    "find_venue",
    "load_knowledge",
    "match_venue",
    "parse_knowledge",
]

LANGUAGES = ("en", "ru", "az")

# Allowed values per factor name. "none_found", "unverified" and "unknown" record that
# the facts file looked and found nothing or could not decide; they are kept, not dropped.
FACTOR_VALUES: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "icc": frozenset({"not_party", "party", "withdrawal_pending", "unverified"}),
        "war_stance": frozenset({"mediator", "ally_of_russia"}),
        "alliance": frozenset({"nato_member", "not_nato"}),
        "host_offer": frozenset({"offered"}),
        "precedent": frozenset({"held", "held_elsewhere", "none_found"}),
        "putin_visit": frozenset({"visited", "none_found"}),
        "air_route": frozenset({"demonstrated", "needs_exemption", "unknown"}),
        "event": frozenset({"against", "in_favour", "neutral"}),
    }
)
# Factors a venue has at most once (precedents, visits and events may repeat).
SINGLE_FACTORS = ("icc", "war_stance", "alliance", "host_offer", "air_route")
PRECEDENT_LEVELS = frozenset({"leaders", "senior", "working"})
# Values that state an absence: the only ones allowed without a source.
UNSOURCED_VALUES = frozenset({"none_found", "unknown"})
# Values that describe something that happened on a day, so they need `when`.
_NEEDS_WHEN = frozenset(
    {
        ("icc", "withdrawal_pending"),
        ("alliance", "nato_member"),
        ("host_offer", "offered"),
        ("precedent", "held"),
        ("precedent", "held_elsewhere"),
        ("putin_visit", "visited"),
        ("air_route", "demonstrated"),
        ("event", "against"),
        ("event", "in_favour"),
        ("event", "neutral"),
    }
)
INVASION_DAY = date(2022, 2, 24)

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SOURCE_ID = re.compile(r"^S[1-9][0-9]*$")
_ICAO = re.compile(r"^[A-Z]{4}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_FACTOR_KEYS = frozenset({"name", "value", "detail", "source", "as_of", "when", "level", "where"})
_VENUE_KEYS = frozenset(
    {"slug", "names", "aliases", "country", "airports", "lat", "lon", "timezone", "factors"}
)
_SOURCE_KEYS = frozenset({"url", "date", "note"})
_TOP_KEYS = frozenset({"as_of", "sources", "venues"})


class KnowledgeError(ValueError):
    """The venue file is malformed; the message says where and what."""


@dataclass(frozen=True)
class Source:
    """One cited page, as listed in the facts file.

    Attributes:
        id: The S-number ("S7").
        url: The address exactly as the facts file gives it (without a scheme).
        date: The page's date, when the facts file gives one.
        note: What the facts file says about the page ("undated aggregator only").
    """

    id: str
    url: str
    date: PartialDate | None = None
    note: str = ""


@dataclass(frozen=True)
class Factor:
    """One cited fact about a venue.

    Attributes:
        name: The factor ("icc", "precedent", ... see `FACTOR_VALUES`).
        value: Its value from `FACTOR_VALUES[name]`.
        detail: The fact in plain English, as the sources support it.
        details: The fact per language (en, ru, az; ru and az translate the English,
            adding nothing); `detail_in` picks the chat's.
        source: The pages it rests on; empty only for "none_found"/"unknown".
        as_of: The date the fact is known true as of.
        when: The date the fact is about (a meeting, a visit; for an ICC withdrawal the
            day it takes effect; for an air route the first flight that showed it).
        level: For precedents: "leaders", "senior" or "working".
        where: For precedents held elsewhere in the host country: the city (English).
        where_names: That city per language (en, ru, az).
    """

    name: str
    value: str
    detail: str
    source: tuple[Source, ...]
    as_of: PartialDate
    when: PartialDate | None = None
    level: str | None = None
    where: str | None = None
    details: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    where_names: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)

    def detail_in(self, language: str) -> str:
        """The fact in `language`, English when it has none."""
        return self.details.get(language) or self.detail

    @property
    def source_ids(self) -> tuple[str, ...]:
        """The S-numbers of the sources, in the file's order."""
        return tuple(s.id for s in self.source)


@dataclass(frozen=True)
class Venue:
    """A city that could host a meeting, with its cited factors.

    Attributes:
        slug: Stable identifier ("baku", "abu-dhabi").
        names: Name per language ("en" always; "ru"/"az" when checked).
        aliases: Other accepted names per language, for lookup only.
        country: ISO 3166-1 alpha-2 code of the host country.
        airports: ICAO codes; the first is the main airport.
        lat: Latitude of the main airport.
        lon: Longitude of the main airport.
        timezone: IANA zone of the main airport.
        factors: The cited facts, in the file's order.
    """

    slug: str
    names: Mapping[str, str] = field(hash=False)
    aliases: Mapping[str, tuple[str, ...]] = field(hash=False)
    country: str
    airports: tuple[str, ...]
    lat: float
    lon: float
    timezone: str
    factors: tuple[Factor, ...]

    def name(self, language: str) -> str:
        """The venue's name in `language`, falling back to English."""
        return self.names.get(language) or self.names["en"]

    def factors_named(self, name: str) -> tuple[Factor, ...]:
        """All factors called `name`, in the file's order."""
        return tuple(f for f in self.factors if f.name == name)

    def all_names(self) -> Iterator[tuple[str, str]]:
        """Every (language, name) pair: names first, then aliases."""
        yield from self.names.items()
        for language, more in self.aliases.items():
            for alias in more:
                yield language, alias


@dataclass(frozen=True)
class Knowledge:
    """The whole knowledge base.

    Attributes:
        as_of: When the facts were gathered.
        sources: Cited pages by S-number.
        venues: The venues, in the file's order.
    """

    as_of: PartialDate
    sources: Mapping[str, Source] = field(hash=False)
    venues: tuple[Venue, ...]

    def venue(self, slug: str) -> Venue:
        """The venue with `slug`.

        Raises:
            KeyError: No venue has that slug.
        """
        for venue in self.venues:
            if venue.slug == slug:
                return venue
        raise KeyError(slug)

    def match(self, query: str) -> VenueMatch:
        """Look a venue up by name in en/ru/az (see `bot.venues.names.match_venue`)."""
        return match_venue(query, self.venues)

    def venue_for_airport(self, icao: str) -> Venue | None:
        """The venue one of whose airports is `icao` (case-insensitive), if any."""
        code = icao.strip().upper()
        return next((v for v in self.venues if code in v.airports), None)


def default_path() -> Path:
    """The shipped `bot/data/venues.yaml`."""
    return Path(str(resources.files("bot").joinpath("data", "venues.yaml")))


def load_knowledge(path: Path | None = None) -> Knowledge:
    """Read and validate a venue file (the shipped one by default).

    Raises:
        KnowledgeError: The file is not valid YAML or breaks the schema.
    """
    where = path or default_path()
    return parse_knowledge(load_yaml(where, KnowledgeError), origin=where.name)


def parse_knowledge(data: object, origin: str = "venues.yaml") -> Knowledge:
    """Validate already-parsed YAML data and build the knowledge base.

    Args:
        data: The document, as `yaml.safe_load` returns it.
        origin: The file name to put in error messages.

    Raises:
        KnowledgeError: The data breaks the schema; the message names the venue and factor.
    """
    top = _mapping(data, origin, _TOP_KEYS, required=_TOP_KEYS)
    as_of = _date(top["as_of"], f"{origin}: as_of")
    sources = _parse_sources(top["sources"], f"{origin}: sources")
    raw_venues = top["venues"]
    if not isinstance(raw_venues, list) or not raw_venues:
        raise KnowledgeError(f"{origin}: venues: expected a non-empty list")
    venues: list[Venue] = []
    seen: set[str] = set()
    airports: dict[str, str] = {}
    for index, raw in enumerate(raw_venues):
        venue = _parse_venue(raw, origin, index, sources)
        if venue.slug in seen:
            raise KnowledgeError(f"{origin}: venue {venue.slug!r}: slug used twice")
        seen.add(venue.slug)
        for code in venue.airports:
            if code in airports:
                raise KnowledgeError(
                    f"{origin}: venue {venue.slug!r}: airport {code} already belongs to "
                    f"{airports[code]!r}"
                )
            airports[code] = venue.slug
        venues.append(venue)
    return Knowledge(as_of=as_of, sources=MappingProxyType(sources), venues=tuple(venues))


def find_venue(query: str, venues: Sequence[Venue]) -> Venue | None:
    """The venue `query` names in en/ru/az, tolerating case, diacritics and small typos.

    A shortcut for `match_venue(query, venues).venue`: None when nothing matches or the
    query is ambiguous (use `match_venue` to get the candidates).
    """
    return match_venue(query, venues).venue


def _mapping(
    data: object,
    where: str,
    allowed: frozenset[str],
    required: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise KnowledgeError(f"{where}: expected a mapping, got {type(data).__name__}")
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise KnowledgeError(f"{where}: unknown key(s) {', '.join(unknown)}")
    missing = sorted(k for k in required if k not in data)
    if missing:
        raise KnowledgeError(f"{where}: missing key(s) {', '.join(missing)}")
    return data


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise KnowledgeError(f"{where}: expected non-empty text, got {value!r}")
    return " ".join(value.split())


def _date(value: object, where: str) -> PartialDate:
    try:
        return PartialDate.parse(value)
    except ValueError as exc:
        raise KnowledgeError(f"{where}: {exc}") from exc


def _number(value: object, where: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise KnowledgeError(f"{where}: expected a number, got {value!r}")
    if not low <= value <= high:
        raise KnowledgeError(f"{where}: {value} is outside [{low}, {high}]")
    return float(value)


def _parse_sources(data: object, where: str) -> dict[str, Source]:
    if not isinstance(data, dict) or not data:
        raise KnowledgeError(f"{where}: expected a non-empty mapping of S-numbers")
    sources: dict[str, Source] = {}
    for key, raw in data.items():
        label = f"{where}: {key}"
        if not isinstance(key, str) or not _SOURCE_ID.match(key):
            raise KnowledgeError(f"{label}: a source id looks like S12")
        entry = _mapping(raw, label, _SOURCE_KEYS, required=frozenset({"url"}))
        url = _text(entry["url"], f"{label}: url")
        if " " in url:
            raise KnowledgeError(f"{label}: url contains a space: {url!r}")
        when = _date(entry["date"], f"{label}: date") if "date" in entry else None
        note = _text(entry["note"], f"{label}: note") if "note" in entry else ""
        sources[key] = Source(id=key, url=url, date=when, note=note)
    return sources


def _parse_names(data: object, where: str, required: bool) -> dict[str, tuple[str, ...]]:
    if data is None and not required:
        return {}
    if not isinstance(data, dict):
        raise KnowledgeError(f"{where}: expected a mapping of language to name")
    names: dict[str, tuple[str, ...]] = {}
    for language, raw in data.items():
        if language not in LANGUAGES:
            raise KnowledgeError(f"{where}: language {language!r} is not one of {LANGUAGES}")
        items = raw if isinstance(raw, list) else [raw]
        names[language] = tuple(_text(item, f"{where}: {language}") for item in items)
    if required and "en" not in names:
        raise KnowledgeError(f"{where}: an English name is required")
    return names


def _parse_venue(data: object, origin: str, index: int, sources: Mapping[str, Source]) -> Venue:
    where = f"{origin}: venues[{index}]"
    raw = _mapping(data, where, _VENUE_KEYS, required=_VENUE_KEYS - {"aliases", "slug"})
    slug = raw.get("slug")
    if not isinstance(slug, str) or not _SLUG.match(slug):
        raise KnowledgeError(f"{where}: slug {slug!r} must be lowercase words joined by '-'")
    here = f"{origin}: venue {slug!r}"
    names = _parse_names(raw["names"], f"{here}: names", required=True)
    for language, values in names.items():
        if len(values) != 1:
            raise KnowledgeError(f"{here}: names: {language}: exactly one name per language")
    aliases = _parse_names(raw.get("aliases"), f"{here}: aliases", required=False)
    country = raw["country"]
    if not isinstance(country, str) or not _COUNTRY.match(country):
        raise KnowledgeError(f"{here}: country {country!r} must be an ISO 3166 alpha-2 code")
    airports = raw["airports"]
    if not isinstance(airports, list) or not airports:
        raise KnowledgeError(f"{here}: airports: expected a non-empty list of ICAO codes")
    for code in airports:
        if not isinstance(code, str) or not _ICAO.match(code):
            raise KnowledgeError(f"{here}: airports: {code!r} is not an ICAO code")
    if len(set(airports)) != len(airports):
        raise KnowledgeError(f"{here}: airports: listed twice")
    zone = raw["timezone"]
    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise KnowledgeError(f"{here}: timezone {zone!r} is not an IANA zone") from exc
    raw_factors = raw["factors"]
    if not isinstance(raw_factors, list) or not raw_factors:
        raise KnowledgeError(f"{here}: factors: expected a non-empty list")
    factors = tuple(
        _parse_factor(item, f"{here}: factor #{number}", sources)
        for number, item in enumerate(raw_factors, start=1)
    )
    for name in SINGLE_FACTORS:
        numbers = [str(n) for n, f in enumerate(factors, start=1) if f.name == name]
        if len(numbers) > 1:
            raise KnowledgeError(
                f"{here}: factors #{', #'.join(numbers)} ({name}): at most one {name} factor"
            )
    return Venue(
        slug=slug,
        names=MappingProxyType({k: v[0] for k, v in names.items()}),
        aliases=MappingProxyType(aliases),
        country=country,
        airports=tuple(airports),
        lat=_number(raw["lat"], f"{here}: lat", -90, 90),
        lon=_number(raw["lon"], f"{here}: lon", -180, 180),
        timezone=str(zone),
        factors=factors,
    )


def _parse_factor(data: object, where: str, sources: Mapping[str, Source]) -> Factor:
    name = data.get("name") if isinstance(data, dict) else None
    if isinstance(name, str) and name not in FACTOR_VALUES:
        raise KnowledgeError(f"{where}: unknown factor {name!r}; known: {sorted(FACTOR_VALUES)}")
    here = f"{where} ({name})" if isinstance(name, str) else where
    raw = _mapping(
        data, here, _FACTOR_KEYS, required=frozenset({"name", "value", "detail", "as_of"})
    )
    if not isinstance(name, str):
        raise KnowledgeError(f"{where}: name {name!r} must be a factor name")
    value = raw["value"]
    if value not in FACTOR_VALUES[name]:
        allowed = ", ".join(sorted(FACTOR_VALUES[name]))
        raise KnowledgeError(f"{here}: value {value!r} is not one of: {allowed}")
    cited = _parse_citation(raw.get("source"), here, sources)
    if not cited and value not in UNSOURCED_VALUES:
        raise KnowledgeError(f"{here}: a {value!r} fact needs a source")
    when = _date(raw["when"], f"{here}: when") if raw.get("when") is not None else None
    if (name, value) in _NEEDS_WHEN and when is None:
        raise KnowledgeError(f"{here}: a {value!r} fact needs `when`")
    if name == "putin_visit" and when is not None and when.start() < INVASION_DAY:
        raise KnowledgeError(f"{here}: visits count from 24 Feb 2022; {when} is earlier")
    level = raw.get("level")
    if name == "precedent" and value != "none_found":
        if level not in PRECEDENT_LEVELS:
            raise KnowledgeError(
                f"{here}: level {level!r} is not one of: {', '.join(sorted(PRECEDENT_LEVELS))}"
            )
    elif level is not None:
        raise KnowledgeError(f"{here}: `level` belongs to held precedents only")
    where_names: dict[str, str] = {}
    if value == "held_elsewhere":
        where_names = _in_every_language(raw.get("where"), f"{here}: where")
    elif raw.get("where") is not None:
        raise KnowledgeError(f"{here}: `where` belongs to precedents held elsewhere only")
    details = _in_every_language(raw["detail"], f"{here}: detail")
    return Factor(
        name=name,
        value=value,
        detail=details["en"],
        source=cited,
        as_of=_date(raw["as_of"], f"{here}: as_of"),
        when=when,
        level=level,
        where=where_names.get("en"),
        details=details,
        where_names=where_names,
    )


def _in_every_language(data: object, where: str) -> dict[str, str]:
    """{en, ru, az} texts, each non-empty: the ru and az texts translate the English."""
    raw = _mapping(data, where, frozenset(LANGUAGES), required=frozenset(LANGUAGES))
    return {language: _text(raw[language], f"{where}: {language}") for language in LANGUAGES}


def _parse_citation(data: object, where: str, sources: Mapping[str, Source]) -> tuple[Source, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        raise KnowledgeError(f"{where}: source: expected a list of S-numbers")
    cited: list[Source] = []
    for item in data:
        if item not in sources:
            raise KnowledgeError(f"{where}: source {item!r} is not in the sources table")
        cited.append(sources[item])
    if len({s.id for s in cited}) != len(cited):
        raise KnowledgeError(f"{where}: source: an S-number is listed twice")
    return tuple(cited)
