"""`summitwatch run` under Python's -OO: the libraries' docstrings stay out of memory.

An idle bot held about 8 MB of documentation (issue 13, idle RSS): a function's
docstring is a constant of its code object and a class's is its `__doc__`, both kept as
long as the module is loaded, and python-telegram-bot's API reference, SQLAlchemy's and
pydantic's are long. The interpreter leaves them out only when its optimisation level
is 2 from its start, so the `summitwatch run` command starts itself once more with
PYTHONOPTIMIZE=2 before it has done anything else: the same process (exec keeps the
PID a supervisor or Docker watches), the same arguments and interpreter options.

Level 2 also drops `assert` statements. Nothing in the bot reads a docstring while it
runs, and no assert of ours guards a behaviour (they narrow types for mypy); the
libraries support -O. PYTHONOPTIMIZE already set, to any value (0 included), is left as
it is: `PYTHONOPTIMIZE=0 summitwatch run` keeps docstrings and asserts, e.g. to debug.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

VARIABLE = "PYTHONOPTIMIZE"
LEVEL = 2


def restart_command(environ: Mapping[str, str] = os.environ) -> list[str] | None:
    """The command line that starts this process again at level 2; None when it runs
    at that level already, when the operator chose a level, off POSIX, or when the
    interpreter cannot tell how it was started."""
    if sys.flags.optimize >= LEVEL or VARIABLE in environ:
        return None
    # Elsewhere than POSIX, exec starts another process and this one exits at once, which
    # a supervisor would take for the bot stopping.
    if os.name != "posix" or not sys.executable or not sys.orig_argv:
        return None
    return list(sys.orig_argv)


def restart_optimized() -> None:
    """Replace this process by the same command at optimisation level 2 (see the module
    docstring); return only when that is not wanted."""
    command = restart_command()
    if command is None:
        return
    # Whatever this process printed so far goes out before the image is replaced.
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, command, {**os.environ, VARIABLE: str(LEVEL)})  # noqa: S606  (this very command)
