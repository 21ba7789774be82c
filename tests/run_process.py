"""`summitwatch run` as a real process, for the end-to-end tests that need one."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Mapping
from pathlib import Path


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
