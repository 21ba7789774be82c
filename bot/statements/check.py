"""`summitwatch sources check`: fetch every configured source once and say what it gave.

Uses the poller's own fetcher (SSRF guard, body cap, one request per host, the
same parsing), without the store: nothing is saved, nothing is alerted. The
shipped URLs could not be confirmed offline (see `bot/data/sources.yaml`); this
is how an operator confirms them online.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TextIO

from bot.net.guarded_http import new_guarded_session
from bot.net.ssrf import AddressPolicy
from bot.statements import fetch as fetch_module
from bot.statements.fetch import FeedFetcher, FetchResult, FetchStatus
from bot.statements.sources import SourceSpec
from bot.statements.text import shorten

_TITLE_CHARS = 70


@dataclass(frozen=True, slots=True)
class CheckLine:
    """One source's outcome."""

    spec: SourceSpec
    result: FetchResult

    @property
    def ok(self) -> bool:
        """The source answered with something readable."""
        return self.result.status is FetchStatus.OK

    def text(self) -> str:
        """'kremlin-ru   ok   20 items, newest 2026-07-11 09:00 UTC: "…" (340 ms)'."""
        result = self.result
        if not self.ok:
            error = result.error or result.status.value
            return f"{self.spec.name:<18} FAILED  {error}{_allow_hint(error)}"
        dated = [i for i in result.items if i.published is not None]
        newest = max(dated, key=lambda i: i.published or 0) if dated else None
        parts = [f"{len(result.items)} items"]
        if newest is not None and newest.published is not None:
            when = newest.published.strftime("%Y-%m-%d %H:%M UTC")
            parts.append(f'newest {when}: "{shorten(newest.title, _TITLE_CHARS)}"')
        elif result.items:
            parts.append(f'first: "{shorten(result.items[0].title, _TITLE_CHARS)}" (no dates)')
        if result.problems:
            parts.append(f"{len(result.problems)} parser remarks")
        if result.latency_ms is not None:
            parts.append(f"{result.latency_ms:.0f} ms")
        return f"{self.spec.name:<18} ok      " + ", ".join(parts)


# "refused: 127.0.0.1 is a loopback address", "refused: 'feeds.lan' resolves to 10.0.0.5,
# a private address": ranges SUMMITWATCH_FEEDS_ALLOW can open (cloud metadata it cannot).
_ALLOWABLE = re.compile(
    r"^refused: .*?(?P<address>[0-9A-Fa-f:.]*[0-9A-Fa-f])(?: is|,) an? "
    r"(?:loopback|private|link-local|non-public|reserved|unspecified|multicast) address"
)


def _allow_hint(error: str) -> str:
    match = _ALLOWABLE.match(error)
    if match is None:
        return ""
    # An IPv4 address inside an IPv6 one is judged (and allowed) as the IPv4 address.
    inner = re.search(r"\(IPv4 ([0-9.]+) inside IPv6\)", error)
    address = inner[1] if inner else match["address"]
    return f" (SUMMITWATCH_FEEDS_ALLOW={address} allows it)"


@contextmanager
def _without_retry_lines() -> Iterator[None]:
    """Keep the poller's "next try in 300 s" warnings out of a one-shot check.

    The report prints every failure itself; there is no next try.
    """
    fetch_log = logging.getLogger(fetch_module.__name__)
    level = fetch_log.level
    fetch_log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        fetch_log.setLevel(level)


async def check_sources(
    specs: Sequence[SourceSpec],
    addresses: AddressPolicy,
    *,
    timeout_s: float = 15.0,
) -> list[CheckLine]:
    """Fetch each source once (politely: one request per host at a time).

    Args:
        specs: the sources to check.
        addresses: the SSRF policy.
        timeout_s: time allowed per request.

    Returns:
        One line per source, in the order given.
    """
    fetcher = FeedFetcher(None, timeout_s=timeout_s)
    async with new_guarded_session(addresses) as http:
        fetcher.use_session(http)
        with _without_retry_lines():
            results = await asyncio.gather(
                *(fetcher.poll(spec.target(), force=True) for spec in specs)
            )
    return [CheckLine(spec, result) for spec, result in zip(specs, results, strict=True) if result]


def report(lines: Sequence[CheckLine], out: TextIO) -> bool:
    """Print the lines and a summary; True when every source answered."""
    for line in lines:
        out.write(line.text() + "\n")
    good = sum(line.ok for line in lines)
    out.write(f"{good} of {len(lines)} sources answered with readable items\n")
    return good == len(lines)
