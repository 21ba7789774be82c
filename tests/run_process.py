"""`summitwatch run` as a real process, for the end-to-end tests that need one, and what
its processes had imported when they exited; a child process that dies at start."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bot.kernel.children import one_child
from tests.fakes.telegram_api import FakeBotAPI

# One report per process (the bot, and children started with its environment: the
# statement forms' child, the migrations' child, the map worker), written as it exits.
# Nothing of it is shipped; it is imported again after `run` restarts itself under -OO.
_HOOK = """
import atexit, json, os, sys

def _report():
    names = os.environ["MODULES_WATCHED"].split(",")
    path = os.path.join(os.environ["MODULES_REPORT"], f"{os.getpid()}.json")
    with open(path, "w") as out:
        json.dump({name: name in sys.modules for name in names}, out)

atexit.register(_report)
"""


def run_environment(fake: FakeBotAPI, database_url: str, **settings: str) -> dict[str, str]:
    """This process's environment without its SUMMITWATCH_ settings, for a bot on `fake`
    and `database_url` with `settings` (no health endpoint unless they ask for one)."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("SUMMITWATCH_")},
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "DATABASE_URL": database_url,
        "SUMMITWATCH_HEALTH_PORT": "0",
        **settings,
    }


def dying_child() -> ProcessPoolExecutor:
    """A pool whose process exits while starting, as one killed for memory would."""
    return one_child(os._exit, (3,))


async def start_run(env: Mapping[str, str], cwd: Path) -> asyncio.subprocess.Process:
    """`python -m bot run` in `cwd` with exactly `env`; stdout and stderr piped (read them
    with `communicate()` after stopping it)."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=dict(env),
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


def reporting_modules(folder: Path, names: Sequence[str]) -> dict[str, str]:
    """Environment for processes that report, as they exit, which of `names` they had
    imported (`modules_reported`); `folder` holds the hook and the reports."""
    hook, reports = folder / "hook", folder / "reports"
    hook.mkdir()
    reports.mkdir()
    (hook / "sitecustomize.py").write_text(_HOOK)
    return {
        "PYTHONPATH": os.pathsep.join([str(hook), *sys.path]),
        "MODULES_REPORT": str(reports),
        "MODULES_WATCHED": ",".join(names),
    }


def modules_reported(folder: Path) -> dict[int, dict[str, bool]]:
    """Per process id, which of the watched modules it had imported when it exited."""
    return {
        int(report.stem): json.loads(report.read_text())
        for report in (folder / "reports").glob("*.json")
    }
