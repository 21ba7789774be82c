"""A matched item as a statement event: its payload, keys and when it is alerted. Pure.

The alert (`bot.alerts.events.StatementAlert`) is event data, not text:
`bot.alerts.render_statement` renders it at send time in each chat's language. The
statement's own words (title, first sentence) stay in their original language,
tagged with it.

Keys:
- `thread_key` is the statement's: every alert about one statement belongs to one
  thread, so an edit that changes what matched edits the message sent before.
- `dedup_key` is the statement's and what matched in it: an edit that changes
  only wording (same people, places and meeting words) finds its key taken and
  is not alerted again; an edit that adds a name is.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.alerts.events import StatementAlert
from bot.alerts.parts import MatchPart, SourcePart
from bot.kernel.zones import source_zone as source_zone  # used as statement_event.source_zone
from bot.statements.items import FeedItem
from bot.statements.matcher import MatchResult
from bot.statements.text import shorten

LEAD_CHARS = 300
# A sentence ends at . ! ? … followed by a space and a capital letter or a quote,
# so "U.S. envoy" and "St. Petersburg" (lowercase/abbreviation) are mostly kept whole.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"«“(]?[A-ZА-ЯЁƏÇĞİÖŞÜ0-9])")
_ABBREVIATIONS = re.compile(r"(?:\b[A-ZА-Я]\.|\bU\.S\.|\bг\.|\bSt\.|\bMr\.|\bDr\.)$")


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """What an alert says about its source.

    Attributes:
        name: the source's name ("kremlin-ru").
        official: a government's own voice (False: a news agency).
        country: ISO code of the publisher's country, if known.
        timezone: the zone its times are shown in (`source_zone`).
    """

    name: str
    official: bool
    country: str | None
    timezone: str


def first_sentence(text: str, limit: int = LEAD_CHARS) -> str:
    """The first sentence of a summary, cut at `limit` characters.

    Args:
        text: plain text.
        limit: the most characters kept.

    Returns:
        The sentence (possibly shortened with "…"), or "" for an empty text.
    """
    text = " ".join(text.split())
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if _ABBREVIATIONS.search(text[start : match.start()]):
            continue
        return shorten(text[: match.start()], limit)
    return shorten(text, limit)


def match_signature(result: MatchResult) -> str:
    """A short digest of what matched (kinds and keys, not the words): equal for rewordings."""
    keys = sorted(f"{hit.kind.value}:{hit.key}" for hit in result.hits)
    return hashlib.sha256("\n".join(keys).encode("utf-8")).hexdigest()[:16]


def keys(statement_id: int, result: MatchResult) -> tuple[str, str]:
    """(dedup_key, thread_key) of the event a statement's match raises."""
    thread = f"statement:{statement_id}"
    return f"{thread}:{match_signature(result)}", thread


def is_fresh(
    item: FeedItem,
    *,
    now: datetime,
    max_age: timedelta,
    baseline: bool,
    baseline_age: timedelta,
) -> bool:
    """Whether a newly seen (or newly matching) item is worth an alert.

    A feed lists its last 20 to 1,000 items; the first poll of a source sees
    them all. Alerting them would flood subscribers with last month's news,
    so the first poll (`baseline`) alerts only items published within
    `baseline_age`; later polls alert anything new within `max_age` (an old
    item resurfacing in a listing is stored but not alerted). Items without a
    date count as fresh, except in a baseline.
    """
    if item.published is None:
        return not baseline
    age = now - item.published
    return age <= (baseline_age if baseline else max_age)


def alert(
    item: FeedItem,
    result: MatchResult,
    *,
    statement_id: int,
    revision: int,
    source: SourceInfo,
    fetched_at: datetime,
    names: Mapping[tuple[str, str], Mapping[str, str]],
) -> StatementAlert:
    """The alert of a matched item.

    Args:
        item: the item as fetched.
        result: what the matcher found.
        statement_id: its `statements` row.
        revision: the row's revision (above 1 after an edit).
        source: the source as alerts describe it.
        fetched_at: when it was fetched (shown when the item has no date).
        names: display names per language by (kind, key), for people and places.
    """
    return StatementAlert(
        statement_id=statement_id,
        revision=revision,
        source=SourcePart(
            name=source.name, official=source.official, country=source.country, tz=source.timezone
        ),
        language=item.language,
        title=item.title,
        lead=first_sentence(item.summary),
        url=item.url,
        published=item.published,
        fetched=fetched_at,
        matched=tuple(
            MatchPart(
                kind=hit.kind.value,
                key=hit.key,
                text=hit.matched_text,
                names=dict(names.get((hit.kind.value, hit.key), {})),
            )
            for hit in result.hits
        ),
    )
