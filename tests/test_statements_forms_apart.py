"""The matcher built with its Russian forms from a child process (bot.statements.forms_apart):
the same matcher as one built in the bot, pymorphy3 never loaded in the bot, and a child
that cannot run leaves the bot computing the forms itself."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.statements import forms_apart
from bot.statements.matcher import Matcher
from bot.statements.terms import WatchTerm, person, place
from bot.watch.seed import load_people
from tests.run_process import dying_child

ROOT = Path(__file__).resolve().parent.parent


def _shipped_people() -> tuple[WatchTerm, ...]:
    return tuple(person(p.slug, p.names, p.aliases) for p in load_people())


TERMS = (
    *_shipped_people(),
    place("baku", {"en": "Baku", "ru": "Баку", "az": "Bakı"}),
    place("abu-dhabi", {"en": "Abu Dhabi", "ru": "Абу-Даби"}),
    person("g", {"ru": "Хикмет Гаджиев"}),
    person("z", {"ru": "Мария Захарова"}),
)


def test_forms_from_the_child_build_the_same_matcher(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.statements.forms_apart"):
        apart = asyncio.run(forms_apart.build_matcher(TERMS))
    assert not caplog.text  # the child computed them
    here = Matcher(TERMS)
    assert apart._exact == here._exact
    assert apart._azerbaijani == here._azerbaijani
    for title in (
        "Встреча со Стивом Уиткоффом в Баку",
        "Захарова ответила на вопрос о Гаджиевом",
        "Переговоры в Абу-Даби",
    ):
        assert apart.match(title, "", "ru") == here.match(title, "", "ru")
        assert apart.match(title, "", "ru")


def test_the_bot_process_never_loads_the_dictionary() -> None:
    # A fresh interpreter, as the bot: the matcher is built and used, pymorphy3 is not
    # imported in it (the child imported it, and is gone).
    code = textwrap.dedent(
        """
        import asyncio, sys
        from bot.statements import forms_apart
        from bot.statements.terms import person, place
        terms = (person("w", {"ru": "Стив Уиткофф"}), place("baku", {"ru": "Баку"}))
        matcher = asyncio.run(forms_apart.build_matcher(terms))
        found = matcher.match("Встреча со Стивом Уиткоффом в Баку", "", "ru")
        print(sorted(h.key for h in found.hits), "pymorphy3" in sys.modules)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(  # noqa: S603  (our own interpreter, fixed code)
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "['baku', 'meeting', 'w'] False", out.stderr
    assert "could not compute" not in out.stderr


def test_a_child_that_dies_leaves_the_forms_to_the_bot(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.statements.forms_apart"):
        matcher = asyncio.run(forms_apart.build_matcher(TERMS, pool=dying_child))
    assert "could not compute the Russian word forms in a child process" in caplog.text
    assert "BrokenProcessPool" in caplog.text
    assert matcher._exact == Matcher(TERMS)._exact
    assert matcher.match("Встреча со Стивом Уиткоффом", "", "ru").people
