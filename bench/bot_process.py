"""The bot as a real `summitwatch run` process against an in-process fake Bot API.

Shared by the benchmarks that time or weigh the running bot. `tree` runs another
checkout's code (a work tree of an older commit, see `worktree`), so a before/after
pair is measured in one invocation against the same fake.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager, suppress
from pathlib import Path

from tests.fakes.telegram_api import FakeBotAPI

HERE = Path(__file__).resolve().parent.parent


@asynccontextmanager
async def bot_process(
    fake: FakeBotAPI, folder: Path, *, tree: Path = HERE, env: dict[str, str] | None = None
) -> AsyncIterator[asyncio.subprocess.Process]:
    """Start the bot on a fresh SQLite store in `folder`; ready once it polls; SIGINT on exit."""
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SUMMITWATCH_")},
        "PYTHONPATH": str(tree),
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'bot.db'}",
        "SUMMITWATCH_STATEMENTS_ENABLED": "false",
        "SUMMITWATCH_HEALTH_PORT": "0",
        **(env or {}),
    }
    log = folder / "bot.log"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=environment,
            cwd=tree,
            stdout=output,
            stderr=output,
        )
    try:
        with suppress(TimeoutError):
            await fake.wait_until(
                lambda: fake.count("getUpdates") > 0 or process.returncode is not None,
                timeout=300,
            )
        if process.returncode is not None or not fake.count("getUpdates"):
            sys.stderr.write(log.read_text(errors="replace")[-4000:])
            raise RuntimeError(f"the bot of {tree} did not start")
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
            await asyncio.wait_for(process.wait(), timeout=60)


def add_side_options(parser: argparse.ArgumentParser) -> None:
    """--before REV and --after REV, for `trees`."""
    parser.add_argument("--before", metavar="REV", help="measure a work tree of REV first")
    parser.add_argument("--after", metavar="REV", help="then REV instead of this tree")


@contextmanager
def trees(before: str | None, after: str | None) -> Iterator[list[tuple[str, Path]]]:
    """(label, tree) to measure: `before` if given, then `after` or else this tree."""
    with ExitStack() as stack:
        sides = [(rev, stack.enter_context(worktree(rev))) for rev in (before, after) if rev]
        if after is None:
            sides.append(("this tree", HERE))
        yield sides


@contextmanager
def worktree(rev: str) -> Iterator[Path]:
    """A temporary detached work tree of `rev` (the same venv runs it), removed after."""
    with tempfile.TemporaryDirectory(prefix="bench-rev-") as parent:
        path = Path(parent) / "tree"
        _git("worktree", "add", "--quiet", "--detach", str(path), rev)
        try:
            yield path
        finally:
            _git("worktree", "remove", "--force", str(path))


def _git(*args: str) -> None:
    subprocess.run(["git", "-C", str(HERE), *args], check=True)  # noqa: S603, S607  (git itself)


def rss_kb(pid: int) -> int:
    """Resident set size of a live process in kB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")
