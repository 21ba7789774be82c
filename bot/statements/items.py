"""A feed item as the rest of the bot sees it, and the keys used to deduplicate it.

Dedup works on `guid` first: WordPress feeds (State Department, White House)
give a `?p=N` guid that survives a post being re-titled and re-slugged, and the
Kremlin's Atom `<id>` is the permalink itself. Without a guid the canonical link
stands in. `content_hash` tells an edited item (same guid, new text) from an
unchanged one; it ignores case, spacing and Unicode composition, which feeds
change without editing anything.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only tell the publisher where a click came from.
_TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "yclid", "msclkid", "mc_cid", "mc_eid", "_openstat", "igshid"}
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Columns of `statements` bound these; longer values are cut (guids are hashed).
MAX_TITLE_CHARS = 2048
MAX_URL_CHARS = 2048
MAX_GUID_CHARS = 1024


def canonical_url(url: str) -> str:
    """A link in one canonical spelling, so the same page is recognised.

    Lower-cases the scheme and host, drops the default port, the fragment,
    `utm_*` and other click-tracking parameters, and a trailing slash (except
    the root path's). The remaining query keeps its order: `?p=123` and
    `?id=5&lang=en` stay meaningful.

    Args:
        url: an absolute URL as found in a feed.

    Returns:
        The canonical URL; the input stripped of spaces when it is not a URL.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    if not parts.scheme or not parts.netloc:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    if parts.username:
        host = f"{parts.username}@{host}"
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    query = urlencode(
        [
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if not key.lower().startswith("utm_") and key.lower() not in _TRACKING_PARAMS
        ],
        doseq=True,
    )
    return urlunsplit((scheme, host, path, query, ""))


def _normalise_for_hash(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def content_hash(title: str, summary: str) -> str:
    """sha256 (hex) of the normalised title and summary.

    Args:
        title: the item's title.
        summary: the item's plain-text summary.

    Returns:
        64 hex digits; equal for texts that differ only in case, spacing or
        Unicode composition.
    """
    data = f"{_normalise_for_hash(title)}\n{_normalise_for_hash(summary)}"
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One item of a source, in its original language.

    Attributes:
        source: the source's name ("kremlin-ru", "apa-en").
        guid: the feed's guid/id, else the canonical link, else "sha256:" and
            the content hash (an item with neither).
        url: the canonical link, if any.
        title: plain-text title.
        summary: plain-text summary (HTML stripped), possibly empty.
        published: publication time (else the update time), aware UTC, or None.
        language: the source's language code.
        content_hash: `content_hash(title, summary)`.
    """

    source: str
    guid: str
    url: str | None
    title: str
    summary: str
    published: datetime | None
    language: str
    content_hash: str

    def __post_init__(self) -> None:
        """Refuse naive or non-UTC times: the store and alerts expect aware UTC."""
        if self.published is not None and self.published.utcoffset() != timedelta(0):
            raise ValueError("FeedItem.published must be an aware UTC datetime")

    @classmethod
    def build(
        cls,
        *,
        source: str,
        language: str,
        title: str,
        summary: str = "",
        url: str | None = None,
        guid: str | None = None,
        published: datetime | None = None,
    ) -> FeedItem:
        """An item from cleaned-up fields, computing the derived ones.

        Args:
            source: the source's name.
            language: the source's language code.
            title: plain-text title.
            summary: plain-text summary.
            url: the item's link (made canonical here).
            guid: the feed's guid or id, verbatim (not canonicalised: some feeds
                tell items apart by fragment, "page#item-2").
            published: an aware datetime (converted to UTC); naive is refused.

        Returns:
            The item.
        """
        title = unicodedata.normalize("NFC", title)[:MAX_TITLE_CHARS]
        summary = unicodedata.normalize("NFC", summary)
        link = canonical_url(url)[:MAX_URL_CHARS] if url and url.strip() else None
        digest = content_hash(title, summary)
        key = (guid or "").strip() or link or f"sha256:{digest}"
        if len(key) > MAX_GUID_CHARS:
            key = "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()
        if published is not None:
            if published.utcoffset() is None:
                raise ValueError("published must be timezone-aware")
            published = published.astimezone(UTC)
        return cls(
            source=source,
            guid=key,
            url=link,
            title=title,
            summary=summary,
            published=published,
            language=language,
            content_hash=digest,
        )
