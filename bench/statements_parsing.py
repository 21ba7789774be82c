"""Feed parsing cost: a ~1.1 MB RSS body (the size of mod.gov.az's feed) and a small one.

Run: `.venv/bin/python -m bench.statements_parsing` (options: --runs).

The bodies are synthetic (Azerbaijani-looking items with CDATA titles, HTML
descriptions and `+0400` dates). Prints the median wall time of `parse_feed`
per body and the share of it spent in the entity pre-screen
(`xmlsafety.entity_problem`), which stops at the root element.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from functools import partial

from bot.statements.parsing import parse_feed
from bot.statements.xmlsafety import entity_problem

_WORDS = [
    "Bakı",
    "Prezident",
    "görüş",
    "nazir",
    "səfər",
    "danışıqlar",
    "sammit",
    "regional",
    "məsələlər",
    "müzakirə",
]


def rss(items: int, rng: random.Random) -> bytes:
    """An RSS 2.0 body with `items` items."""
    entries = []
    for number in range(items):
        title = " ".join(rng.choices(_WORDS, k=10))
        text = " ".join(rng.choices(_WORDS, k=42))
        entries.append(
            f"<item><title><![CDATA[{title}]]></title>"
            f"<link>https://example.az/az/news/{number}</link>"
            f"<guid>https://example.az/az/news/{number}</guid>"
            f"<description><![CDATA[<p>{text}</p><p>{text}</p>]]></description>"
            f"<pubDate>Sat, 11 Jul 2026 13:{number % 60:02d}:00 +0400</pubDate></item>"
        )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        "<title>Synthetic</title>" + "".join(entries) + "</channel></rss>"
    )
    return body.encode("utf-8")


def _median_seconds(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    """Time parse_feed on a large and a small body."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(20260711)
    for label, items in (("large", 1000), ("typical", 30)):
        body = rss(items, rng)
        parsed = parse_feed(body, source="bench", language="az")
        assert parsed.ok and len(parsed.items) == items
        total = _median_seconds(args.runs, partial(parse_feed, body, source="bench", language="az"))
        screen = _median_seconds(args.runs, partial(entity_problem, body))
        print(
            f"{label}: {len(body) / 1e6:.2f} MB, {items} items: parse_feed median "
            f"{total * 1000:.0f} ms ({items / total:,.0f} items/s), "
            f"entity pre-screen {screen * 1e6:.0f} µs"
        )


if __name__ == "__main__":
    main()
