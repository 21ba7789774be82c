"""Group watched hexes into as few requests as a provider allows. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from bot.flights.reports import normalize_hex


def clean_hexes(hexes: Iterable[str]) -> tuple[list[str], list[str]]:
    """(valid ICAO hexes, lowercase, deduplicated, sorted; the rejected inputs).

    Sorted so the same watchlist always makes the same URLs (cache-friendly, and
    reproducible in tests).
    """
    valid: set[str] = set()
    rejected: list[str] = []
    for raw in hexes:
        hex_ = normalize_hex(raw)
        if hex_ is None:
            rejected.append(raw)
        else:
            valid.add(hex_)
    return sorted(valid), rejected


def chunks(
    ids: Sequence[str], *, max_items: int, max_chars: int, item_overhead: int = 1
) -> Iterator[list[str]]:
    """Consecutive runs of `ids`, each at most `max_items` long and `max_chars` wide.

    The width of a run is the sum of `len(id) + item_overhead` (a separator such as
    "," or "&icao24="). A single id wider than `max_chars` still forms its own run:
    the caller's budget is a target, not a reason to drop an aircraft.

    Raises:
        ValueError: `max_items` or `max_chars` is not positive.
    """
    if max_items < 1 or max_chars < 1:
        raise ValueError("max_items and max_chars must be positive")
    run: list[str] = []
    width = 0
    for item in ids:
        cost = len(item) + item_overhead
        if run and (len(run) >= max_items or width + cost > max_chars):
            yield run
            run, width = [], 0
        run.append(item)
        width += cost
    if run:
        yield run
