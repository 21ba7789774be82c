"""`summitwatch sources check`: fetch every configured source once and say what it gave.

Uses the poller's own fetcher (SSRF guard, body cap, one request per host, the
same parsing), without the store: nothing is saved, nothing is alerted. The
shipped URLs could not be confirmed offline (see `bot/data/sources.yaml`); this
is how an operator confirms them online.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from bot.statements.fetch import FeedFetcher, FetchResult, FetchStatus
from bot.guarded_http import new_guarded_session
from bot.statements.sources import SourceSpec
from bot.ssrf import AddressPolicy
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
            return f"{self.spec.name:<18} FAILED  {result.error or result.status.value}"
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
        results = await asyncio.gather(*(fetcher.poll(spec.target(), force=True) for spec in specs))
    return [CheckLine(spec, result) for spec, result in zip(specs, results, strict=True) if result]


def report(lines: Sequence[CheckLine], out: TextIO) -> bool:
    """Print the lines and a summary; True when every source answered."""
    for line in lines:
        out.write(line.text() + "\n")
    good = sum(line.ok for line in lines)
    out.write(f"{good} of {len(lines)} sources answered with readable items\n")
    return good == len(lines)
