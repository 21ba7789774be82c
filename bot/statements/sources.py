"""The shipped statement sources (`bot/data/sources.yaml`), loaded and validated.

Each source is one URL in one language. The file is validated as a whole and
fails loudly, naming the source and the field, on anything unexpected: an
unknown or duplicate key, a bad name, kind, URL, language or interval, an HTML
source without selectors (or selectors the listing parser rejects), a feed with
selectors, a missing `as_of` or `note`. The schema is described at the top of
the YAML file.

Pure: no network, no store (`source_store` writes these into `sources`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.kernel.data_files import load_yaml
from bot.statements.parsing import HtmlSelectors

FeedKind = Literal["rss", "html"]
FEED_KINDS: tuple[FeedKind, ...] = ("rss", "html")
# The languages the matcher and the alerts know.
SOURCE_LANGUAGES = ("en", "ru", "az")
# Politeness floor: no source is polled more often than this.
MIN_INTERVAL_S = 60
DEFAULT_INTERVAL_S = 300
_NAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_AS_OF_RE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_MAX_URL_CHARS = 2048

_SOURCE_KEYS = frozenset(
    {
        "name",
        "kind",
        "url",
        "language",
        "country",
        "official",
        "enabled",
        "interval_s",
        "as_of",
        "note",
        "selectors",
        "selectors_verified",
    }
)
_REQUIRED_KEYS = frozenset({"name", "kind", "url", "language", "as_of", "note"})
_SELECTOR_KEYS = frozenset({"item", "title", "link", "date", "date_format", "summary", "timezone"})


class SourcesError(ValueError):
    """The sources file is invalid; the message names the source and the field."""


@dataclass(frozen=True, slots=True)
class FeedTarget:
    """What the fetcher needs to poll one source.

    Attributes:
        name: the source's unique name.
        kind: "rss" (RSS or Atom) or "html" (a listing page read with `selectors`).
        url: the feed or page URL.
        language: the language of its items.
        interval_s: seconds between polls.
        selectors: for "html" sources, where the items are.
        etag: the stored ETag, sent as If-None-Match.
        last_modified: the stored Last-Modified, sent as If-Modified-Since.
    """

    name: str
    kind: FeedKind
    url: str
    language: str
    interval_s: int = DEFAULT_INTERVAL_S
    selectors: HtmlSelectors | None = None
    etag: str | None = None
    last_modified: str | None = None

    def __post_init__(self) -> None:
        """An HTML target without selectors could never be read."""
        if self.kind == "html" and self.selectors is None:
            raise ValueError(f"source {self.name!r}: an html source needs selectors")


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """One shipped source, as the YAML file describes it.

    Attributes:
        name: short, stable, unique ("kremlin-en"); the key in `sources`.
        kind: "rss" or "html".
        url: the feed or listing page.
        language: the language of its items ("en", "ru", "az").
        country: ISO 3166 alpha-2 code of the publisher's country.
        official: True for a government's own voice, False for news agencies.
        enabled: whether it is polled by default.
        interval_s: seconds between polls.
        as_of: when what we know about the URL was last known true.
        note: how the URL is known and what is unconfirmed.
        selectors: for "html" sources, where the items are.
        selectors_verified: False while the selectors were never checked
            against the live page.
    """

    name: str
    kind: FeedKind
    url: str
    language: str
    country: str | None
    official: bool
    enabled: bool
    interval_s: int
    as_of: str
    note: str
    selectors: HtmlSelectors | None = None
    selectors_verified: bool = False

    def target(self, *, etag: str | None = None, last_modified: str | None = None) -> FeedTarget:
        """The fetcher's view of this source."""
        return FeedTarget(
            name=self.name,
            kind=self.kind,
            url=self.url,
            language=self.language,
            interval_s=self.interval_s,
            selectors=self.selectors,
            etag=etag,
            last_modified=last_modified,
        )


def default_sources_path() -> Path:
    """The shipped `bot/data/sources.yaml`."""
    return Path(str(resources.files("bot").joinpath("data", "sources.yaml")))


def load_sources(path: Path | None = None) -> tuple[SourceSpec, ...]:
    """Read and validate a sources file (the shipped one by default).

    Raises:
        SourcesError: the file is unreadable or invalid.
    """
    path = path or default_sources_path()
    return parse_sources(load_yaml(path, SourcesError), path.name)


def parse_sources(data: object, origin: str = "sources.yaml") -> tuple[SourceSpec, ...]:
    """Validate a loaded document (`{"sources": [...]}`) into specs.

    Args:
        data: the document, as `yaml.safe_load` returns it.
        origin: the file name, for messages.

    Returns:
        The sources, in file order.

    Raises:
        SourcesError: naming the source and the field at fault.
    """
    if not isinstance(data, dict):
        raise SourcesError(f"{origin}: expected a mapping with a 'sources' list")
    unknown = sorted(str(k) for k in data if k not in {"as_of", "sources"})
    if unknown:
        raise SourcesError(f"{origin}: unknown top-level key(s) {unknown}")
    entries = data.get("sources")
    if not isinstance(entries, list) or not entries:
        raise SourcesError(f"{origin}: 'sources' must be a non-empty list")
    specs: list[SourceSpec] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        spec = _parse_source(entry, f"{origin}: source #{number}")
        if spec.name in seen:
            raise SourcesError(f"{origin}: source {spec.name!r}: duplicate name")
        seen.add(spec.name)
        specs.append(spec)
    return tuple(specs)


def selectors_for_url(url: str, sources: tuple[SourceSpec, ...]) -> HtmlSelectors | None:
    """Selectors of a configured HTML source on the same site as `url`, if any.

    Lets `/source add` accept a listing page of a site whose layout we know
    (president.az in another language, say). "www." is ignored.
    """
    host = _site(url)
    if host is None:
        return None
    for spec in sources:
        if spec.kind == "html" and spec.selectors is not None and _site(spec.url) == host:
            return spec.selectors
    return None


def _site(url: str) -> str | None:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.lower().removeprefix("www.") if host else None


def _parse_source(entry: object, where: str) -> SourceSpec:
    if not isinstance(entry, dict):
        raise SourcesError(f"{where}: expected a mapping, got {type(entry).__name__}")
    name = entry.get("name")
    if isinstance(name, str) and name:
        where = where.split(": source #")[0] + f": source {name!r}"
    unknown = sorted(str(k) for k in entry if k not in _SOURCE_KEYS)
    if unknown:
        raise SourcesError(f"{where}: unknown field(s) {unknown}")
    missing = sorted(_REQUIRED_KEYS - entry.keys())
    if missing:
        raise SourcesError(f"{where}: missing field(s) {missing}")
    name = _text(entry, "name", where)
    if not _NAME_RE.match(name):
        raise SourcesError(
            f"{where}: field 'name': lower-case letters, digits and '-', 1-64 characters"
        )
    kind = _text(entry, "kind", where)
    if kind not in FEED_KINDS:
        raise SourcesError(
            f"{where}: field 'kind': must be one of {list(FEED_KINDS)}, got {kind!r}"
        )
    url = _url(entry, where)
    language = _text(entry, "language", where)
    if language not in SOURCE_LANGUAGES:
        raise SourcesError(
            f"{where}: field 'language': must be one of {list(SOURCE_LANGUAGES)}, got {language!r}"
        )
    country = entry.get("country")
    if country is not None and (not isinstance(country, str) or not _COUNTRY_RE.match(country)):
        raise SourcesError(f"{where}: field 'country': an ISO 3166 code like 'AZ', got {country!r}")
    interval = entry.get("interval_s", DEFAULT_INTERVAL_S)
    if isinstance(interval, bool) or not isinstance(interval, int) or interval < MIN_INTERVAL_S:
        raise SourcesError(
            f"{where}: field 'interval_s': an integer of at least {MIN_INTERVAL_S}, "
            f"got {interval!r}"
        )
    as_of = str(entry["as_of"]) if entry["as_of"] is not None else ""
    if not _AS_OF_RE.match(as_of):
        raise SourcesError(
            f"{where}: field 'as_of': an ISO date like '2026' or '2026-10', got {as_of!r}"
        )
    note = _text(entry, "note", where)
    selectors = _selectors(entry.get("selectors"), kind, where)
    return SourceSpec(
        name=name,
        kind=kind,
        url=url,
        language=language,
        country=country,
        official=_flag(entry, "official", where, default=False),
        enabled=_flag(entry, "enabled", where, default=True),
        interval_s=interval,
        as_of=as_of,
        note=" ".join(note.split()),
        selectors=selectors,
        selectors_verified=_flag(entry, "selectors_verified", where, default=False),
    )


def _text(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SourcesError(f"{where}: field {key!r}: a non-empty string, got {value!r}")
    return value.strip()


def _flag(entry: dict[str, Any], key: str, where: str, *, default: bool) -> bool:
    value = entry.get(key, default)
    if not isinstance(value, bool):
        raise SourcesError(f"{where}: field {key!r}: true or false, got {value!r}")
    return value


def _url(entry: dict[str, Any], where: str) -> str:
    url = _text(entry, "url", where)
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise SourcesError(f"{where}: field 'url': not a URL ({exc})") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourcesError(f"{where}: field 'url': an absolute http(s) URL, got {url!r}")
    if len(url) > _MAX_URL_CHARS:
        raise SourcesError(f"{where}: field 'url': longer than {_MAX_URL_CHARS} characters")
    return url


def _selectors(data: object, kind: str, where: str) -> HtmlSelectors | None:
    if kind == "rss":
        if data is not None:
            raise SourcesError(f"{where}: field 'selectors': only html sources have selectors")
        return None
    if not isinstance(data, dict):
        raise SourcesError(f"{where}: field 'selectors': an html source needs a mapping")
    unknown = sorted(str(k) for k in data if k not in _SELECTOR_KEYS)
    if unknown:
        raise SourcesError(f"{where}: field 'selectors': unknown key(s) {unknown}")
    values: dict[str, str | None] = {}
    for key in _SELECTOR_KEYS:
        value = data.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise SourcesError(f"{where}: field 'selectors.{key}': a non-empty string")
        values[key] = value
    item = values.pop("item")
    if item is None:
        raise SourcesError(f"{where}: field 'selectors.item': required")
    timezone = values.pop("timezone") or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SourcesError(
            f"{where}: field 'selectors.timezone': unknown time zone {timezone!r}"
        ) from exc
    selectors = HtmlSelectors(
        item=item,
        title=values["title"],
        link=values["link"],
        date=values["date"],
        date_format=values["date_format"],
        summary=values["summary"],
        timezone=timezone,
    )
    _check_selectors_compile(selectors, where)
    return selectors


def _check_selectors_compile(selectors: HtmlSelectors, where: str) -> None:
    """Compile every selector now, rather than find a typo at the first poll."""
    from selectolax.lexbor import LexborHTMLParser, SelectolaxError  # see `parsing`

    tree = LexborHTMLParser("<html><body><p></p></body></html>")
    fields = ("item", "title", "link", "date", "summary")
    for field in fields:
        selector = getattr(selectors, field)
        if selector is None:
            continue
        try:
            tree.css(selector)
        except SelectolaxError as exc:
            raise SourcesError(
                f"{where}: field 'selectors.{field}': invalid CSS selector {selector!r}: {exc}"
            ) from exc


def rebase_url(url: str, base: str) -> str:
    """`url` served from `base`: "https://kremlin.ru/a/feed" → "<base>/kremlin.ru/a/feed".

    The host stays in the path, so sources of different sites never collide on
    one mirror (or on the tests' fake server).
    """
    parts = urlsplit(url)
    rest = parts.path or "/"
    if parts.query:
        rest += "?" + parts.query
    return f"{base.rstrip('/')}/{parts.netloc}{rest}"


def rebased(specs: tuple[SourceSpec, ...], base: str | None) -> tuple[SourceSpec, ...]:
    """The specs with their URLs served from `base` (unchanged when None)."""
    if not base:
        return specs
    return tuple(replace(spec, url=rebase_url(spec.url, base)) for spec in specs)
