"""A one-line progress bar for long command-line work, on stderr, redrawn at most 10 times/s."""

from __future__ import annotations

import time
from typing import TextIO

WIDTH = 30


class ProgressBar:
    """`[#######.......]  4,200/15,000 rows`; silent when disabled."""

    def __init__(self, total: int, stream: TextIO, *, enabled: bool, unit: str = "rows") -> None:
        self.total = max(total, 0)
        self.stream = stream
        self.enabled = enabled
        self.unit = unit
        self.done = 0
        self._drawn_at = 0.0

    def advance(self, count: int = 1) -> None:
        """Count `count` more units done; redraw when due."""
        self.done += count
        now = time.monotonic()
        if self.enabled and (now - self._drawn_at >= 0.1 or self.done >= self.total):
            self._drawn_at = now
            self._draw()

    def close(self) -> None:
        """Draw the final state and end the line."""
        if self.enabled:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self) -> None:
        share = min(self.done / self.total, 1.0) if self.total else 1.0
        filled = round(share * WIDTH)
        bar = "#" * filled + "." * (WIDTH - filled)
        self.stream.write(f"\r[{bar}] {self.done:,}/{self.total:,} {self.unit}")
        self.stream.flush()
