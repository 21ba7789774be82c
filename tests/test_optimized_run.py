"""`summitwatch run` starts itself again under Python's -OO (bot.runtime.optimized).

The running bot's side (same PID, PYTHONOPTIMIZE=2, it answers) is in
tests/test_e2e_run_command.py; the idle memory it saves is bench/idle_rss.py's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.runtime.optimized import restart_command

ROOT = Path(__file__).resolve().parent.parent


def test_a_process_at_level_0_restarts_with_its_own_command_line() -> None:
    assert sys.flags.optimize == 0  # pytest itself runs unoptimised
    assert restart_command({}) == sys.orig_argv


def test_an_operators_choice_of_level_is_left_as_it_is() -> None:
    assert restart_command({"PYTHONOPTIMIZE": "0"}) is None
    assert restart_command({"PYTHONOPTIMIZE": "1"}) is None


def test_off_posix_there_is_no_restart(monkeypatch: pytest.MonkeyPatch) -> None:
    # exec would end this process there and start another: a supervisor sees an exit.
    monkeypatch.setattr(os, "name", "nt")
    assert restart_command({}) is None


def _run(*command: str, **env: str) -> str:
    done = subprocess.run(  # noqa: S603  (our own interpreter, fixed code)
        [sys.executable, *command],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k != "PYTHONOPTIMIZE"}, **env},
    )
    return done.stdout


_PROBE = (
    "import sys\n"
    "from bot.runtime.optimized import restart_optimized\n"
    "print('level', sys.flags.optimize, 'doc', restart_optimized.__doc__ is not None,"
    " flush=True)\n"
    "restart_optimized()\n"
    "print('not restarted')\n"
)


def test_the_restart_runs_the_same_command_at_level_2_once() -> None:
    # The first run prints, restarts; the second, at level 2 without docstrings, prints
    # and returns from restart_optimized instead of starting a third time.
    assert _run("-c", _PROBE).splitlines() == [
        "level 0 doc True",
        "level 2 doc False",
        "not restarted",
    ]


def test_interpreter_options_survive_the_restart() -> None:
    probe = _PROBE.replace("'level',", "'digits', sys.flags.int_max_str_digits, 'level',")
    restarted = _run("-X", "int_max_str_digits=1000", "-c", probe).splitlines()[1]
    assert restarted == "digits 1000 level 2 doc False"


def test_with_the_level_chosen_there_is_no_restart() -> None:
    assert _run("-c", _PROBE, PYTHONOPTIMIZE="0").splitlines() == [
        "level 0 doc True",
        "not restarted",
    ]
