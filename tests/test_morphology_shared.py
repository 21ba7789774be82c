"""One Russian dictionary per process (bot.kernel.morphology): the statement matcher and
the grammar of replies use the same pymorphy3 analyzer, about 20 MB held once."""

from __future__ import annotations

import gc

import pymorphy3

from bot.kernel import inflection
from bot.statements import russian


def _analyzers() -> list[pymorphy3.MorphAnalyzer]:
    gc.collect()  # an analyzer another test built and let go is no one's
    return [o for o in gc.get_objects() if isinstance(o, pymorphy3.MorphAnalyzer)]


def test_the_matcher_and_the_reply_grammar_share_one_analyzer() -> None:
    # Uncached entry points, so both really reach for an analyzer here.
    assert "уиткоффом" in russian.word_forms.__wrapped__("уиткофф", proper=True, person=True)
    assert inflection._dictionary_place("Москва", "loc") == "Москве"
    assert len(_analyzers()) == 1
