"""The bot as a real `summitwatch run` process against an in-process fake Bot API.

Shared by the benchmarks that time or weigh the running bot. `tree` runs another
checkout's code (a work tree of an older commit, see `worktree`), so a before/after
pair is measured in one invocation against the same fake.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
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
        try:
            await fake.wait_until(lambda: fake.count("getUpdates") > 0, timeout=300)
        except TimeoutError:
            sys.stderr.write(log.read_text(errors="replace")[-4000:])
            raise
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
            await asyncio.wait_for(process.wait(), timeout=60)


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
