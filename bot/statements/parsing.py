"""Turn a feed (RSS 2.0, Atom) or an HTML listing page into `FeedItem`s.

Bad input never raises: the result carries `ParseProblem`s. A fatal problem
(not a feed, unsafe XML, unusable selectors) means there are no items and the
source should be marked unhealthy; non-fatal ones (malformed XML that still
yielded items, a guessed encoding, an item without a title, an unreadable date)
come with the items that did parse.

Steps for a feed body:
1. `encoding.decode_body`: BOM, declared charsets, UTF-8, Cyrillic guesses.
2. Sniff the root element: an HTML page (a WAF block page answering 200), JSON
   or plain text is "not a feed", said plainly with the page's title.
3. Re-encode as UTF-8 without the XML declaration, so feedparser and expat see
   one unambiguous encoding.
4. `xmlsafety.entity_problem`: documents that declare entities are refused
   (feedparser alone does not stop entity expansion; see that module).
5. feedparser (strict expat parse, falling back to its lenient parser on
   malformed XML: the "bozo" flag becomes a non-fatal problem while items were
   read, and the fatal "broken XML" when not one was: a feed cut before its first
   item must not look like a healthy feed with nothing new).
"""

from __future__ import annotations

import calendar
import html
import io
import re
import xml.sax
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.statements.dates import parse_date
from bot.statements.encoding import decode_body
from bot.statements.items import FeedItem
from bot.statements.text import collapse_whitespace, html_to_text, shorten
from bot.statements.xmlsafety import entity_problem

# feedparser and selectolax are imported where a feed or a page is parsed: a bot whose
# statement poller has not run (not the leader, or statements off) never loads them.
if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode

# Long transcripts come as summaries too; matching and storage need the lead only.
MAX_SUMMARY_CHARS = 5000
_TITLE_FROM_SUMMARY_CHARS = 200
_DETAIL_CHARS = 200

_PROLOG_RE = re.compile(
    r"\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)", re.DOTALL | re.IGNORECASE
)
_ROOT_RE = re.compile(r"<([A-Za-z_][\w:.-]*)")
_HTML_DOCTYPE_RE = re.compile(r"<!DOCTYPE\s+html", re.IGNORECASE)
_HTML_TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_XML_DECLARATION_RE = re.compile(r"\A\s*<\?xml[^>]*\?>")
_FEED_ROOTS = frozenset({"rss", "feed", "rdf", "channel"})
_WEB_SCHEMES = frozenset({"http", "https"})


class ProblemKind(StrEnum):
    """What went wrong; the first four are fatal."""

    NOT_A_FEED = "not_a_feed"
    UNSAFE_XML = "unsafe_xml"
    BAD_SELECTORS = "bad_selectors"
    BROKEN_XML = "broken_xml"
    MALFORMED = "malformed"
    ENCODING = "encoding"
    ITEM_SKIPPED = "item_skipped"
    BAD_DATE = "bad_date"


_FATAL = frozenset(
    {
        ProblemKind.NOT_A_FEED,
        ProblemKind.UNSAFE_XML,
        ProblemKind.BAD_SELECTORS,
        ProblemKind.BROKEN_XML,
    }
)


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """One thing wrong with a body, in words fit for a health report."""

    kind: ProblemKind
    detail: str

    @property
    def fatal(self) -> bool:
        """Whether nothing could be read because of it."""
        return self.kind in _FATAL


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What a body yielded.

    Attributes:
        items: the items in document order (duplicates by guid dropped).
        feed_title: the feed's or page's own title, if any.
        problems: everything worth reporting; see `ProblemKind`.
    """

    items: tuple[FeedItem, ...]
    feed_title: str | None
    problems: tuple[ParseProblem, ...] = ()

    @property
    def error(self) -> ParseProblem | None:
        """The fatal problem, if the body could not be read at all."""
        return next((p for p in self.problems if p.fatal), None)

    @property
    def ok(self) -> bool:
        """True when the body was read (possibly with non-fatal problems)."""
        return self.error is None


@dataclass(frozen=True, slots=True)
class HtmlSelectors:
    """Where the items are on a listing page (for sources without a feed).

    Attributes:
        item: CSS selector of one item's element.
        title: selector of the title inside an item; None: the link's text.
        link: selector of the link inside an item (an element with `href`, or
            one containing an `a[href]`); None: the item element itself.
        date: selector of the date inside an item (its `datetime` or `content`
            attribute, else its text); None: items have no date.
        date_format: a `strptime` format for the date; None: the shapes
            `dates.parse_date` knows.
        summary: selector of a lead paragraph inside an item, if any.
        timezone: IANA zone of dates printed without an offset.
    """

    item: str
    title: str | None
    link: str | None
    date: str | None = None
    date_format: str | None = None
    summary: str | None = None
    timezone: str = "UTC"


def _fatal(kind: ProblemKind, detail: str, title: str | None = None) -> ParsedFeed:
    return ParsedFeed((), title, (ParseProblem(kind, shorten(detail, _DETAIL_CHARS)),))


def _page_title(text: str) -> str | None:
    match = _HTML_TITLE_RE.search(text[:65536])
    if not match:
        return None
    return shorten(collapse_whitespace(html.unescape(match.group(1))), 120) or None


def _not_a_feed(text: str, content_type: str | None) -> str | None:
    """Why a decoded body is plainly not RSS/Atom, or None if it may be one."""
    rest = text.lstrip("\ufeff")
    while match := _PROLOG_RE.match(rest):
        if _HTML_DOCTYPE_RE.match(match.group()):
            break
        rest = rest[match.end() :]
    head = rest[:200].lstrip()
    if not head:
        return "the body is empty"
    if _HTML_DOCTYPE_RE.match(head) or head[:5].lower() == "<html":
        title = _page_title(text)
        return f"an HTML page, not a feed (title: {title!r})" if title else "an HTML page"
    if head[0] in "{[":
        return "a JSON document, not a feed"
    if head[0] != "<":
        return f"plain text, not a feed: {shorten(collapse_whitespace(head), 60)!r}"
    root = _ROOT_RE.match(head)
    if root and root.group(1).split(":")[-1].lower() not in _FEED_ROOTS:
        kind = "HTML" if content_type and "html" in content_type.lower() else "XML"
        return f"{kind} root element <{root.group(1)}> is not RSS or Atom"
    return None


def _web_link(href: str | None, base_url: str | None) -> str | None:
    if not href or not href.strip():
        return None
    try:
        link = urljoin(base_url, href.strip()) if base_url else href.strip()
        scheme = urlsplit(link).scheme.lower()
    except ValueError:  # "http://[broken" and the like
        return None
    return link if scheme in _WEB_SCHEMES else None


def _struct_to_utc(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _field(entry: Any, name: str) -> Any:
    """A field as the feed gave it: plain `dict` access skips feedparser's aliases
    (its `updated` → `published` fallback warns on every use)."""
    return dict.get(entry, name)


def _entry_date(entry: Any, problems: list[ParseProblem]) -> datetime | None:
    for name in ("published", "updated", "created"):
        parsed = _field(entry, f"{name}_parsed")
        if parsed:
            return _struct_to_utc(parsed)
    for name in ("published", "updated", "created"):
        raw = _field(entry, name)
        if raw:
            value = parse_date(raw)
            if value is None:
                problems.append(ParseProblem(ProblemKind.BAD_DATE, f"unreadable date {raw!r}"))
            return value
    return None


def _entry_summary(entry: Any) -> str:
    raw = _field(entry, "summary") or ""
    content = _field(entry, "content")
    if not raw and content:
        raw = content[0].get("value", "")
    return shorten(html_to_text(raw), MAX_SUMMARY_CHARS)


def _items_from_entries(
    entries: list[Any], *, source: str, language: str, base_url: str | None
) -> tuple[list[FeedItem], list[ParseProblem]]:
    items: list[FeedItem] = []
    problems: list[ParseProblem] = []
    for number, entry in enumerate(entries, start=1):
        title = html_to_text(_field(entry, "title") or "")
        summary = _entry_summary(entry)
        link = _web_link(_field(entry, "link"), base_url)
        guid = collapse_whitespace(_field(entry, "id") or "") or None
        if not title and not summary:
            problems.append(
                ParseProblem(ProblemKind.ITEM_SKIPPED, f"item {number} has no title or text")
            )
            continue
        items.append(
            FeedItem.build(
                source=source,
                language=language,
                title=title or shorten(summary, _TITLE_FROM_SUMMARY_CHARS),
                summary=summary,
                url=link,
                guid=guid,
                published=_entry_date(entry, problems),
            )
        )
    return items, problems


def _unique(items: list[FeedItem]) -> tuple[FeedItem, ...]:
    seen: set[str] = set()
    kept: list[FeedItem] = []
    for item in items:
        if item.guid not in seen:
            seen.add(item.guid)
            kept.append(item)
    return tuple(kept)


def parse_feed(
    body: bytes,
    *,
    source: str,
    language: str,
    content_type: str | None = None,
    base_url: str | None = None,
) -> ParsedFeed:
    """Parse an RSS 2.0 or Atom body.

    Args:
        body: the raw bytes as received.
        source: the source's name, copied into each item.
        language: the source's language code, copied into each item.
        content_type: the HTTP Content-Type header, for its charset and to
            name an HTML answer.
        base_url: the feed's URL, to resolve relative links.

    Returns:
        The items and any problems; never raises on bad input.
    """
    decoded = decode_body(body, content_type)
    problems: list[ParseProblem] = []
    if decoded.note:
        problems.append(ParseProblem(ProblemKind.ENCODING, decoded.note))
    if reason := _not_a_feed(decoded.text, content_type):
        return ParsedFeed((), None, (*problems, ParseProblem(ProblemKind.NOT_A_FEED, reason)))
    text = _XML_DECLARATION_RE.sub("", decoded.text.lstrip("\ufeff"), count=1).lstrip()
    data = text.encode("utf-8", errors="replace")
    if reason := entity_problem(data):
        return ParsedFeed((), None, (*problems, ParseProblem(ProblemKind.UNSAFE_XML, reason)))
    headers = {"content-type": "application/xml; charset=utf-8"}
    if base_url:
        headers["content-location"] = base_url
    import feedparser

    try:
        # Summaries become plain text here (scripts dropped), never rendered
        # HTML, so feedparser's own HTML sanitising and link rewriting inside
        # summaries would only cost time (about half of a large feed's parse).
        result = feedparser.parse(
            io.BytesIO(data),
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:  # hostile input must not crash a poll, whatever feedparser does
        return _fatal(ProblemKind.NOT_A_FEED, f"feedparser failed: {type(exc).__name__}: {exc}")
    cause = result.get("bozo_exception") if result.get("bozo") else None
    if cause is not None:
        problems.append(
            ParseProblem(
                ProblemKind.MALFORMED,
                shorten(f"malformed XML: {type(cause).__name__}: {cause}", _DETAIL_CHARS),
            )
        )
    feed_title = html_to_text(_field(result.feed, "title") or "") or None
    if not result.get("version") and not result.entries:
        problems.append(ParseProblem(ProblemKind.NOT_A_FEED, "no RSS or Atom content found"))
        return ParsedFeed((), feed_title, tuple(problems))
    items, item_problems = _items_from_entries(
        result.entries, source=source, language=language, base_url=base_url
    )
    if not items and isinstance(cause, xml.sax.SAXException):
        detail = f"{_xml_error(cause)}; no item could be read"
        return _fatal(ProblemKind.BROKEN_XML, detail, feed_title)
    return ParsedFeed(_unique(items), feed_title, (*problems, *item_problems))


def _xml_error(error: xml.sax.SAXException) -> str:
    """Expat's words ("unclosed token"), without a position: it counts lines of the
    re-encoded body, not of what the publisher sent."""
    return str(error.getMessage()) or type(error).__name__


def _node_text(node: LexborNode | None) -> str:
    """Text of an element inside the page body (re-parsed, so inline tags join words)."""
    return html_to_text(node.html or "") if node is not None else ""


def _href(node: LexborNode) -> str | None:
    href = node.attributes.get("href")
    if href:
        return href
    anchor = node.css_first("a[href]")
    return anchor.attributes.get("href") if anchor is not None else None


def _select(node: LexborNode, selector: str | None) -> LexborNode | None:
    return node.css_first(selector) if selector else node


def _listing_date(
    node: LexborNode, selectors: HtmlSelectors, zone: tzinfo, problems: list[ParseProblem]
) -> datetime | None:
    if not selectors.date:
        return None
    date_node = node.css_first(selectors.date)
    if date_node is None:
        return None
    attributes = date_node.attributes
    raw = attributes.get("datetime") or attributes.get("content") or _node_text(date_node)
    if not raw:
        return None
    value = parse_date(raw, date_format=selectors.date_format, timezone=zone)
    if value is None:
        problems.append(ParseProblem(ProblemKind.BAD_DATE, f"unreadable date {raw!r}"))
    return value


def _listing_item(
    node: LexborNode,
    *,
    selectors: HtmlSelectors,
    zone: tzinfo,
    base_url: str,
    build: Callable[..., FeedItem],
    problems: list[ParseProblem],
    number: int,
) -> FeedItem | None:
    link_node = _select(node, selectors.link)
    link = _web_link(_href(link_node), base_url) if link_node is not None else None
    title = _node_text(node.css_first(selectors.title) if selectors.title else link_node)
    if not link or not title:
        missing = "link" if not link else "title"
        problems.append(ParseProblem(ProblemKind.ITEM_SKIPPED, f"item {number} has no {missing}"))
        return None
    summary = _node_text(node.css_first(selectors.summary)) if selectors.summary else ""
    return build(
        title=title,
        summary=shorten(summary, MAX_SUMMARY_CHARS),
        url=link,
        published=_listing_date(node, selectors, zone, problems),
    )


def parse_html_listing(
    body: bytes,
    *,
    source: str,
    language: str,
    selectors: HtmlSelectors,
    base_url: str,
    content_type: str | None = None,
) -> ParsedFeed:
    """Parse a news listing page into items, for sources without a feed.

    Args:
        body: the raw bytes as received.
        source: the source's name, copied into each item.
        language: the source's language code, copied into each item.
        selectors: where items, titles, links and dates are.
        base_url: the page's URL, to resolve relative links.
        content_type: the HTTP Content-Type header, for its charset.

    Returns:
        The items (guid: the canonical link) and any problems. No element
        matching `selectors.item` is fatal: the layout changed, or the answer
        is a block page.
    """
    decoded = decode_body(body, content_type)
    problems: list[ParseProblem] = []
    if decoded.note:
        problems.append(ParseProblem(ProblemKind.ENCODING, decoded.note))
    try:
        zone: tzinfo = ZoneInfo(selectors.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return _fatal(ProblemKind.BAD_SELECTORS, f"unknown time zone {selectors.timezone!r}")
    if not decoded.text.strip():
        return _fatal(ProblemKind.NOT_A_FEED, "the body is empty")
    from selectolax.lexbor import LexborHTMLParser, SelectolaxError

    tree = LexborHTMLParser(decoded.text)
    title_node = tree.css_first("title")
    page_title = collapse_whitespace(title_node.text()) or None if title_node else None
    try:
        nodes = tree.css(selectors.item)
        for optional in (selectors.title, selectors.link, selectors.date, selectors.summary):
            if optional and nodes:
                nodes[0].css_first(optional)
    except SelectolaxError as exc:
        return _fatal(ProblemKind.BAD_SELECTORS, f"invalid CSS selector: {exc}", page_title)
    if not nodes:
        detail = f"no element matches {selectors.item!r} (page title: {page_title!r})"
        return ParsedFeed((), page_title, (*problems, ParseProblem(ProblemKind.NOT_A_FEED, detail)))

    def build(**fields: Any) -> FeedItem:
        return FeedItem.build(source=source, language=language, **fields)

    items: list[FeedItem] = []
    for number, node in enumerate(nodes, start=1):
        item = _listing_item(
            node,
            selectors=selectors,
            zone=zone,
            base_url=base_url,
            build=build,
            problems=problems,
            number=number,
        )
        if item is not None:
            items.append(item)
    return ParsedFeed(_unique(items), page_title, tuple(problems))
