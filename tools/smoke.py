"""What the smoke checks (`docker_smoke`, `compose_smoke`) share: running a command
(off the event loop when a fake must keep answering) and printing a step's verdict."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Sequence
from pathlib import Path


def run(
    command: Sequence[str], *, cwd: Path | None = None, timeout: float = 600, check: bool = True
) -> str:
    """The command's standard output; with `check`, a failure raises with its stderr."""
    done = subprocess.run(  # noqa: S603  (fixed docker / docker-compose command lines)
        list(command),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and done.returncode != 0:
        raise RuntimeError(
            f"{command[0]} {command[1]} failed ({done.returncode}): {done.stderr[-3000:]}"
        )
    return done.stdout


async def run_async(
    command: Sequence[str], *, cwd: Path | None = None, limit_s: float = 600, check: bool = True
) -> str:
    """`run` in a thread: the fake Bot API in this event loop must answer meanwhile."""
    return await asyncio.to_thread(run, command, cwd=cwd, timeout=limit_s, check=check)


def step(name: str, ok: bool, detail: str) -> bool:
    """Print one check's verdict; returns `ok` so the verdicts can be and-ed."""
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}", flush=True)
    return ok
