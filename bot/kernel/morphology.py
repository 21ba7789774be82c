"""The one pymorphy3 analyzer of the process, for Russian.

Its dictionaries take about 20 MB of memory and ~0.1 s to load, and pymorphy3 shares
nothing between analyzers: the statement matcher (bot.statements.russian) and the
grammar of replies (bot.kernel.inflection) each had one, so a bot that polls Russian
sources held the dictionaries twice once someone asked for `/status` in Russian.
"""

from __future__ import annotations

import functools
from typing import Any


@functools.cache
def russian() -> Any:
    """pymorphy3's Russian analyzer, with its default units and probability estimate
    (the order of parses both users rely on); loaded at the first call."""
    import pymorphy3  # here: a bot that reads and writes no Russian never loads it

    return pymorphy3.MorphAnalyzer(lang="ru")
