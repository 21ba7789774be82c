"""`summitwatch run` and `check --telegram` as real processes when start-up fails.

Each common failure (token rejected, Bot API or PostgreSQL unreachable, database
missing, login refused, health port taken) gives one line naming the cause and what
to check, the documented exit status, no traceback, no "Unclosed client session",
and never the token.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine.url import make_url

from tests.conftest import PG_URL
from tests.fakes.telegram_api import FakeBotAPI
from tests.webhook_bots import free_port

SECRET = "AAHrejectedSECRETpart-never-printed"
REJECTED = f"123456789:{SECRET}"  # well-formed, so the fake answers 401 Unauthorized
ACCEPTED = "424242:startup-accepted-token"
# Short, so the retried failures give up within a few seconds.
STARTUP_TIMEOUT_S = 2.5


@dataclass
class Finished:
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def lines(self, level: str) -> list[str]:
        return [line for line in self.stderr.splitlines() if f" {level} " in line]


async def summitwatch(*args: str, cwd: Path, **env: str) -> Finished:
    """Run `python -m bot ARGS` with a clean environment plus `env`."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "SUMMITWATCH_", "DATABASE_URL"))
    }
    defaults = {
        "SUMMITWATCH_HEALTH_PORT": "0",
        "SUMMITWATCH_STATEMENTS_ENABLED": "false",
        "SUMMITWATCH_STARTUP_TIMEOUT_S": str(STARTUP_TIMEOUT_S),
        "DATABASE_URL": f"sqlite+aiosqlite:///{cwd / 'bot.db'}",
    }
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env={**base, **defaults, **env},
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    finally:
        if process.returncode is None:
            process.kill()
    assert process.returncode is not None
    return Finished(
        process.returncode, stdout.decode(), stderr.decode(), time.monotonic() - started
    )


async def run_on_fake(fake: FakeBotAPI, cwd: Path, **env: str) -> Finished:
    """`summitwatch run` with a token the fake accepts: what fails is the store or the port."""
    return await summitwatch(
        "run", cwd=cwd, TELEGRAM_BOT_TOKEN=ACCEPTED, TELEGRAM_API_BASE_URL=fake.base_url, **env
    )


def assert_one_clean_line(result: Finished, *expected: str) -> str:
    """Exactly one ERROR line, holding every `expected` part; no traceback, no noise."""
    assert "Traceback" not in result.output, result.stderr
    assert "Unclosed" not in result.output, result.stderr
    assert SECRET not in result.output
    assert result.lines("CRITICAL") == [], result.stderr
    [line] = result.lines("ERROR")
    for part in expected:
        assert part in line, line
    return line


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(token=ACCEPTED) as server:
        yield server


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield int(listener.getsockname()[1])


async def test_a_rejected_token_exits_2_at_once_and_is_never_printed(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    result = await summitwatch(
        "run",
        cwd=tmp_path,
        TELEGRAM_BOT_TOKEN=REJECTED,
        TELEGRAM_API_BASE_URL=fake.base_url,
    )
    assert result.returncode == 2, result.stderr
    line = assert_one_clean_line(result, "rejected the bot token", "TELEGRAM_BOT_TOKEN")
    assert "Unauthorized" in line
    assert result.lines("WARNING") == []  # not retried
    assert fake.count("getMe", status=401) == 1


async def test_check_telegram_with_a_rejected_token_masks_it(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    result = await summitwatch(
        "check",
        "--telegram",
        cwd=tmp_path,
        TELEGRAM_BOT_TOKEN=REJECTED,
        TELEGRAM_API_BASE_URL=fake.base_url,
    )
    assert result.returncode == 1
    assert SECRET not in result.output
    [line] = [line for line in result.stdout.splitlines() if "Bot API:" in line]
    assert line.startswith("FAIL  Bot API: ")
    assert "rejected the bot token (Unauthorized)" in line


async def test_an_unreachable_bot_api_is_retried_then_exits_75(tmp_path: Path) -> None:
    base_url = f"http://127.0.0.1:{free_port()}/bot"  # nothing listens: connection refused
    result = await summitwatch(
        "run",
        cwd=tmp_path,
        TELEGRAM_BOT_TOKEN=ACCEPTED,
        TELEGRAM_API_BASE_URL=base_url,
    )
    assert result.returncode == 75, result.stderr
    line = assert_one_clean_line(
        result, base_url, "connection refused", "SUMMITWATCH_STARTUP_TIMEOUT_S", "gave up after"
    )
    retries = result.lines("WARNING")
    assert len(retries) >= 2, result.stderr  # one line per attempt, the last one is the error
    assert all("connection refused" in retry for retry in retries)
    assert "attempt 1; next in 1 s" in retries[0]
    assert f"{len(retries) + 1} attempts" in line


async def test_an_unknown_bot_api_host_is_named(tmp_path: Path) -> None:
    result = await summitwatch(
        "run",
        cwd=tmp_path,
        TELEGRAM_BOT_TOKEN=ACCEPTED,
        TELEGRAM_API_BASE_URL="http://summitwatch-no-such-host.invalid/bot",
        SUMMITWATCH_TELEGRAM_TIMEOUT_S="2",
    )
    assert result.returncode == 75, result.stderr
    assert_one_clean_line(result, "host name summitwatch-no-such-host.invalid not found (DNS)")


async def test_postgresql_down_is_retried_then_exits_75(fake: FakeBotAPI, tmp_path: Path) -> None:
    url = make_url(PG_URL).set(port=free_port()).render_as_string(hide_password=False)
    result = await run_on_fake(fake, tmp_path, DATABASE_URL=url)
    assert result.returncode == 75, result.stderr
    assert_one_clean_line(result, "PostgreSQL at 127.0.0.1:", "is unreachable: connection refused")
    assert len(result.lines("WARNING")) >= 2


async def test_a_missing_database_exits_2_with_the_servers_reason(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    name = f"summitwatch_missing_{uuid.uuid4().hex[:8]}"
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    result = await run_on_fake(fake, tmp_path, DATABASE_URL=url)
    assert result.returncode == 2, result.stderr
    assert_one_clean_line(result, f'database "{name}" does not exist', f"createdb {name}")
    assert result.lines("WARNING") == []


async def test_a_refused_login_exits_2(fake: FakeBotAPI, tmp_path: Path) -> None:
    url = make_url(PG_URL).set(username="summitwatch_no_such_role", password="wrong")
    result = await run_on_fake(
        fake, tmp_path, DATABASE_URL=url.render_as_string(hide_password=False)
    )
    assert result.returncode == 2, result.stderr
    line = assert_one_clean_line(
        result, "refused the login", 'role "summitwatch_no_such_role" does not exist'
    )
    assert "wrong" not in line


async def test_a_busy_health_port_stops_start_up_naming_the_setting(
    fake: FakeBotAPI, busy_port: int, tmp_path: Path
) -> None:
    result = await run_on_fake(fake, tmp_path, SUMMITWATCH_HEALTH_PORT=str(busy_port))
    assert result.returncode == 2, result.stderr
    assert_one_clean_line(
        result, f"127.0.0.1:{busy_port}: already in use", "SUMMITWATCH_HEALTH_PORT"
    )
    assert "Task was destroyed" not in result.stderr
    assert fake.count("getUpdates") == 0  # stopped before serving anything
