"""The statement matcher built with its Russian forms computed in a child process.

pymorphy3's dictionary is needed only to expand the watched Russian words into their
forms, when the matcher is built (the first statement round, and again when the watch
list changes); matching itself only looks forms up. Loaded in the bot, the dictionary
stayed for the life of the process, about 6 MB of an idle bot: dropping the analyzer
after a build gave back only 2.5 MB (its objects are spread over the heap among the
bot's). A spawned child loads it, builds the matcher once to learn every Russian form
the watch list needs, sends the forms back and exits; the bot builds its matcher from
them, without pymorphy3. The child lives about 0.2 s (imports, the dictionary, the forms
of the shipped watch list) and holds about 40 MB meanwhile.

If the child cannot be started or dies, the forms are computed in the bot as before (a
warning says so): matching never stops for want of a process.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Executor

from bot.kernel.children import one_child, run_apart
from bot.statements import russian
from bot.statements.matcher import Matcher
from bot.statements.terms import WatchTerm

log = logging.getLogger(__name__)

FormsKey = tuple[str, bool, bool]  # (folded word, proper, person)
FormsTable = dict[FormsKey, frozenset[str]]


async def build_matcher(
    terms: tuple[WatchTerm, ...], *, pool: Callable[[], Executor] = one_child
) -> Matcher:
    """The matcher of `terms`, its Russian forms computed in a child (see the module).

    Args:
        terms: the watch list's people and places.
        pool: where the forms are computed: a one-process pool, shut down after.
    """
    return await asyncio.to_thread(_build, terms, pool)


def _build(terms: tuple[WatchTerm, ...], pool: Callable[[], Executor]) -> Matcher:
    try:
        table = run_apart(pool, russian_forms_of, terms)
    except Exception as error:  # a dead or unstartable child: do it here
        log.warning(
            "could not compute the Russian word forms in a child process (%s: %s);"
            " computing them in the bot, which keeps pymorphy3's dictionary loaded",
            type(error).__name__,
            error,
        )
        return Matcher(terms)
    return Matcher(terms, russian_forms=_Lookup(table))


def russian_forms_of(terms: tuple[WatchTerm, ...]) -> FormsTable:
    """Every Russian form the matcher of `terms` asks for (run in the child)."""
    table: FormsTable = {}

    def recording(word: str, *, proper: bool, person: bool) -> frozenset[str]:
        forms = table[word, proper, person] = russian.word_forms(word, proper=proper, person=person)
        return forms

    Matcher(terms, russian_forms=recording)
    return table


class _Lookup:
    """The forms the child computed; any other word (none is expected) computed here."""

    def __init__(self, table: FormsTable) -> None:
        self._table = table

    def __call__(self, word: str, *, proper: bool, person: bool) -> frozenset[str]:
        forms = self._table.get((word, proper, person))
        if forms is None:
            return russian.word_forms(word, proper=proper, person=person)
        return forms
