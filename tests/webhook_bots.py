"""Real `summitwatch run --webhook` processes for multi-process tests and benchmarks."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.fakes.telegram_api import FakeBotAPI

PUBLIC_URL = "https://summitwatch.test/telegram/updates"
WEBHOOK_PATH = "/telegram/updates"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class WebhookBot:
    """One bot process, its ports and its log file (stderr)."""

    process: asyncio.subprocess.Process
    webhook_port: int
    health_port: int
    log_path: Path

    @property
    def health_url(self) -> str:
        """Base URL of /healthz, /readyz and /metrics."""
        return f"http://127.0.0.1:{self.health_port}"

    @property
    def webhook_target(self) -> str:
        """Where the public webhook URL leads to this process."""
        return f"http://127.0.0.1:{self.webhook_port}{WEBHOOK_PATH}"


async def start_webhook_bot(
    fake: FakeBotAPI,
    database_url: str,
    secret: str,
    log_path: Path,
    settings: dict[str, str],
    python_args: Sequence[str] = (),
) -> WebhookBot:
    """Start `python -m bot run --webhook` on free ports, with `settings` added to its env.

    The environment's own SUMMITWATCH_* variables are left out, so only what is given
    here applies; logs go to `log_path`.
    """
    webhook_port, health_port = free_port(), free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SUMMITWATCH_")},
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "DATABASE_URL": database_url,
        "SUMMITWATCH_WEBHOOK_URL": PUBLIC_URL,
        "SUMMITWATCH_WEBHOOK_SECRET": secret,
        "SUMMITWATCH_WEBHOOK_LISTEN": "127.0.0.1",
        "SUMMITWATCH_WEBHOOK_PORT": str(webhook_port),
        "SUMMITWATCH_HEALTH_LISTEN": "127.0.0.1",
        "SUMMITWATCH_HEALTH_PORT": str(health_port),
        "SUMMITWATCH_STATEMENTS_ENABLED": "false",
        **settings,
    }
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *python_args,
            "-m",
            "bot",
            "run",
            "--webhook",
            env=env,
            cwd=log_path.parent,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=log,
        )
    return WebhookBot(process, webhook_port, health_port, log_path)
