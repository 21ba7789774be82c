"""Bodies the fake feed server serves: the formats of the watched sources, and faults.

Pure rendering, no server: :class:`tests.fakes.feeds.FakeFeeds` calls these. The
shapes follow what each publisher's public feed is reported to look like; the text, ids and
links are synthetic (``*.example`` hosts, item numbers 9xxxxx, dates in 2026).

Styles
    ``"rss"``        RSS 2.0 as APA publishes it: CDATA titles, RFC 822 dates with
                     ``+0400``, ``<guid>`` equal to the link, image enclosures.
    ``"atom"``       Atom as kremlin.ru publishes it: ``<id>`` equals the permalink,
                     RFC 3339 dates with ``+03:00``, HTML summaries.
    ``"wordpress"``  WordPress RSS (State Department, White House): ``<guid
                     isPermaLink="false">https://host/?p=N</guid>``, links carrying
                     ``utm_*`` parameters, ``dc:creator``, ``content:encoded``.
    ``"listing"``    An HTML news listing without a feed, shaped as a public scraper
                     describes president.az: ``div.news-feed_feed`` holding ``article``
                     elements, each with a link and a ``span.category_date`` such as
                     "11 July 2026".
    ``"mfa_listing"`` The listing shape a public scraper describes for mfa.gov.az: each
                     item an ``a.section_newsIn_item`` holding its header and a date
                     in the information line's second ``span``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Final, Literal, TypeAlias

__all__ = [
    "PAYLOAD_KINDS",
    "STYLES",
    "FakeItem",
    "PayloadKind",
    "Style",
    "billion_laughs",
    "broken_xml",
    "content_type",
    "external_entity",
    "malformed",
    "oversized",
    "render",
    "waf_block_page",
]

Style: TypeAlias = Literal["rss", "atom", "wordpress", "listing", "mfa_listing"]
STYLES: Final[tuple[Style, ...]] = ("rss", "atom", "wordpress", "listing", "mfa_listing")
PayloadKind: TypeAlias = Literal[
    "malformed_xml", "broken_xml", "billion_laughs", "xxe", "waf_block"
]
PAYLOAD_KINDS: Final[tuple[PayloadKind, ...]] = (
    "malformed_xml",
    "broken_xml",
    "billion_laughs",
    "xxe",
    "waf_block",
)

_BAKU: Final = timezone(timedelta(hours=4))
_MOSCOW: Final = timezone(timedelta(hours=3))
_CONTENT_TYPES: Final[dict[Style, str]] = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "wordpress": "application/rss+xml",
    "listing": "text/html",
    "mfa_listing": "text/html",
}


@dataclass
class FakeItem:
    """One item of a fake feed; mutable, so a test can edit it after publication.

    Attributes:
        number: the publisher's item number (guid, permalink and ``?p=`` id derive
            from it, so an edit keeps them).
        title: plain text.
        summary: plain text (wrapped in markup by the styles that use HTML).
        published: aware datetime.
        slug: the permalink's last path part (a re-slugged post changes it).
    """

    number: int
    title: str
    summary: str
    published: datetime
    slug: str

    def permalink(self, site: str, style: Style) -> str:
        """The item's link as the style publishes it."""
        if style == "atom":
            return f"http://{site}/events/president/news/{self.number}"
        if style == "wordpress":
            return (
                f"https://{site}/releases/2026/{self.slug}/"
                f"?utm_source=rss&utm_medium=rss&utm_campaign={self.slug}"
            )
        if style == "listing":
            return f"/en/articles/view/{self.number}"
        if style == "mfa_listing":
            return f"/en/news/{self.number}/{self.slug}"
        return f"https://{site}/xarici-siyaset/{self.slug}-{self.number}"


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _declaration(encoding: str, declare: bool) -> str:
    return f'<?xml version="1.0" encoding="{encoding}"?>' if declare else '<?xml version="1.0"?>'


def _rss(title: str, site: str, language: str, items: list[FakeItem]) -> str:
    entries = "".join(
        f"""
    <item>
      <title>{_cdata(item.title)}</title>
      <link>{_esc(item.permalink(site, "rss"))}</link>
      <guid>{_esc(item.permalink(site, "rss"))}</guid>
      <description>{_cdata(f"<p>{_esc(item.summary)}</p>")}</description>
      <enclosure url="https://{site}/storage/news/{item.number}.jpg" type="image/jpeg" length="0"/>
      <pubDate>{format_datetime(item.published.astimezone(_BAKU))}</pubDate>
    </item>"""
        for item in items
    )
    return f"""<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>{_cdata(title)}</title>
    <link>https://{site}/</link>
    <description>{_cdata(title)}</description>
    <language>{language}</language>{entries}
  </channel>
</rss>
"""


def _atom(title: str, site: str, language: str, items: list[FakeItem]) -> str:
    updated = max((i.published for i in items), default=datetime(2026, 1, 1, tzinfo=_MOSCOW))
    entries = "".join(
        f"""
  <entry>
    <title>{_esc(item.title)}</title>
    <id>{item.permalink(site, "atom")}</id>
    <link rel="alternate" type="text/html" href="{item.permalink(site, "atom")}"/>
    <published>{item.published.astimezone(_MOSCOW).isoformat()}</published>
    <updated>{item.published.astimezone(_MOSCOW).isoformat()}</updated>
    <summary type="html">{_esc(f"<p>{_esc(item.summary)}</p>")}</summary>
  </entry>"""
        for item in items
    )
    return f"""<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{language}">
  <title>{_esc(title)}</title>
  <id>http://{site}/events/president/news/feed</id>
  <updated>{updated.astimezone(_MOSCOW).isoformat()}</updated>
  <link rel="self" href="http://{site}/events/president/news/feed"/>{entries}
</feed>
"""


def _wordpress(title: str, site: str, language: str, items: list[FakeItem]) -> str:
    entries = "".join(
        f"""
	<item>
		<title>{_esc(item.title)}</title>
		<link>{_esc(item.permalink(site, "wordpress"))}</link>
		<dc:creator>{_cdata("Office of the Spokesperson")}</dc:creator>
		<pubDate>{format_datetime(item.published.astimezone(UTC))}</pubDate>
		<guid isPermaLink="false">https://{site}/?p={item.number}</guid>
		<description>{_cdata(item.summary)}</description>
		<content:encoded>{_cdata(f"<p>{_esc(item.summary)}</p>")}</content:encoded>
	</item>"""
        for item in items
    )
    return f"""<rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
	<title>{_esc(title)}</title>
	<link>https://{site}</link>
	<description></description>
	<language>{language}</language>
	<generator>https://wordpress.org/?v=6.8</generator>{entries}
</channel>
</rss>
"""


def _mfa_listing(title: str, language: str, items: list[FakeItem]) -> str:
    entries = "".join(
        f"""
    <a class="section_newsIn_item" href="{item.permalink("", "mfa_listing")}">
      <div class="section_newsIn_item_content">
        <div class="section_newsIn_item_content--header">{_esc(item.title)}</div>
        <div class="section_newsIn_item_content_information"><span>News</span>"""
        f"""<span>{item.published.astimezone(_BAKU).strftime("%d %B %Y")}</span></div>
      </div>
    </a>"""
        for item in items
    )
    return f"""<!DOCTYPE html>
<html lang="{language}">
<head><meta charset="utf-8"><title>{_esc(title)}</title></head>
<body><main><div class="section_newsIn">{entries}
</div></main></body>
</html>
"""


def _listing(
    title: str, site: str, language: str, items: list[FakeItem], charset: str | None
) -> str:
    articles = "".join(
        f"""
      <article class="news">
        <a href="{item.permalink(site, "listing")}">{_esc(item.title)}</a>
        <div class="news_category"><span class="category_date">"""
        f"""{item.published.astimezone(_BAKU).strftime("%d %B %Y")}</span></div>
      </article>"""
        for item in items
    )
    meta = f'<meta charset="{charset}">' if charset else ""
    return f"""<!DOCTYPE html>
<html lang="{language}">
<head>{meta}<title>{_esc(title)}</title></head>
<body>
  <header><nav><a href="/{language}">Home</a></nav></header>
  <main>
    <div class="news-feed_feed">{articles}
    </div>
  </main>
</body>
</html>
"""


def render(
    style: Style,
    *,
    title: str,
    site: str,
    language: str,
    items: list[FakeItem],
    encoding: str = "utf-8",
    declare_encoding: bool = True,
) -> bytes:
    """A feed or listing page with these items, newest first as publishers list them.

    Args:
        style: the publisher's format.
        title: the feed's or page's title.
        site: the host its links point to (synthetic, e.g. ``apa.example``).
        language: the ``<language>`` / ``xml:lang`` / ``lang`` value.
        items: the items, in the order to serve them.
        encoding: the body's encoding (e.g. ``"windows-1251"`` for old Russian feeds);
            characters it cannot hold become character references.
        declare_encoding: whether the XML declaration or ``<meta charset>`` says it.

    Returns:
        The encoded body.
    """
    if style == "listing":
        text = _listing(title, site, language, items, encoding if declare_encoding else None)
        return text.encode(encoding, errors="xmlcharrefreplace")
    if style == "mfa_listing":
        return _mfa_listing(title, language, items).encode(encoding, errors="xmlcharrefreplace")
    builder = {"rss": _rss, "atom": _atom, "wordpress": _wordpress}[style]
    text = _declaration(encoding, declare_encoding) + "\n" + builder(title, site, language, items)
    return text.encode(encoding, errors="xmlcharrefreplace")


def content_type(style: Style, encoding: str, declared: bool) -> str:
    """The Content-Type header; the charset only when the encoding is declared."""
    base = _CONTENT_TYPES[style]
    return f"{base}; charset={encoding}" if declared else base


def malformed(site: str) -> bytes:
    """RSS cut off mid-item after a bare ``&``: the first item is whole."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Cut</title>'
        f"<item><title>Whole item</title><link>https://{site}/n/900001</link>"
        "<pubDate>Sat, 11 Jul 2026 17:09:35 +0400</pubDate></item>"
        f"<item><title>Broken & cut</title><link>https://{site}/n/900002</link><descr"
    ).encode()


def broken_xml(site: str) -> bytes:
    """RSS cut off inside its first item, as a proxy's truncated answer: nothing readable."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Cut</title>'
        f"<link>https://{site}/</link><item><ti"
    ).encode()


def billion_laughs() -> bytes:
    """The classic exponential entity expansion (a few hundred bytes, 10^9 "lol")."""
    levels = ['<!ENTITY lol "lol">']
    for level in range(1, 10):
        previous = "lol" if level == 1 else f"lol{level - 1}"
        levels.append(f'<!ENTITY lol{level} "{f"&{previous};" * 10}">')
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n ' + "\n ".join(levels) + "\n]>\n"
        '<rss version="2.0"><channel><title>Feed</title><item><title>&lol9;</title>'
        "<link>https://laughs.example/1</link></item></channel></rss>"
    ).encode()


def external_entity() -> bytes:
    """An external entity pointing at a local file (XXE)."""
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<!DOCTYPE rss [\n  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
        b'<rss version="2.0"><channel><title>Feed</title><item><title>Leak: &xxe;</title>'
        b"<link>https://xxe.example/1</link></item></channel></rss>"
    )


def waf_block_page() -> bytes:
    """An HTML "access denied" page, as a WAF answers with status 200."""
    return (
        b"<!DOCTYPE html>\n<html>\n<head><title>Access Denied</title></head>\n<body>\n"
        b"<h1>Access Denied</h1>\n<p>You don't have permission to access this resource.</p>\n"
        b"<p>Reference #18.0000000.1752200000.fake</p>\n</body>\n</html>\n"
    )


def oversized(size: int) -> bytes:
    """A valid RSS body of at least `size` bytes (one item, padded by a comment)."""
    head = b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Big</title>'
    tail = b"<item><title>Big</title><link>https://big.example/1</link></item></channel></rss>"
    padding = max(0, size - len(head) - len(tail) - 7)
    return head + b"<!--" + b"x" * padding + b"-->" + tail
