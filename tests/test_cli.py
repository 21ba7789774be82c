"""The `summitwatch` command: help, exit status 2 on bad configuration, masked token."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine.url import make_url

from tests.conftest import PG_URL

TOKEN = "987654321:AAFsupersecretsupersecretsupersecret"


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path
) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "SUMMITWATCH_", "DATABASE_URL"))
    }
    return subprocess.run(  # noqa: S603  (our own interpreter and module)
        [sys.executable, "-m", "bot", *args],
        env={**base, **(env or {})},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "args", [(), ("run",), ("db",), ("db", "upgrade"), ("check",), ("demo",), ("replay-flights",)]
)
def test_every_subcommand_has_help(args: tuple[str, ...], tmp_path: Path) -> None:
    result = run_cli(*args, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "usage: summitwatch" in result.stdout


def test_run_without_token_exits_2_with_one_line(tmp_path: Path) -> None:
    result = run_cli("run", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "summitwatch: configuration error: TELEGRAM_BOT_TOKEN is not set"
    ]


def test_malformed_value_exits_2_and_names_it(tmp_path: Path) -> None:
    result = run_cli(
        "check",
        env={"TELEGRAM_BOT_TOKEN": TOKEN, "SUMMITWATCH_ADMIN_IDS": "1,two"},
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "SUMMITWATCH_ADMIN_IDS is malformed" in result.stderr
    assert TOKEN not in result.stderr + result.stdout


def test_db_upgrade_then_check_reports_everything_with_token_masked(tmp_path: Path) -> None:
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'x' / 'bot.db'}",
    }
    upgraded = run_cli("db", "upgrade", env=env, cwd=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "database at revision" in upgraded.stdout
    checked = run_cli("check", env=env, cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "987654321:***" in checked.stdout
    assert "schema current" in checked.stdout
    assert "supersecret" not in checked.stdout + checked.stderr


def test_check_fails_on_an_unmigrated_store(tmp_path: Path) -> None:
    sqlite3.connect(tmp_path / "empty.db").close()
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}",
    }
    checked = run_cli("check", env=env, cwd=tmp_path)
    assert checked.returncode == 1
    assert "FAIL  schema at nothing" in checked.stdout


def test_replay_flights_prints_events_and_reports_bad_lines(tmp_path: Path) -> None:
    data = Path(__file__).parent / "data" / "flights"
    good = run_cli("replay-flights", str(data / "replay_vko_gyd.jsonl"), cwd=tmp_path)
    assert good.returncode == 0, good.stderr
    lines = good.stdout.strip().splitlines()
    assert lines == [
        '{"kind": "takeoff", "hex": "ff0d01", "ts": "2025-01-01T22:54:00Z", '
        '"airport": "UUWW", "confidence": "confirmed"}',
        '{"kind": "landing", "hex": "ff0d01", "ts": "2025-01-02T01:30:00Z", '
        '"airport": "UBBB", "confidence": "confirmed"}',
    ]
    bad = run_cli("replay-flights", str(data / "replay_malformed.jsonl"), cwd=tmp_path)
    assert bad.returncode == 2
    assert "replay_malformed.jsonl:4:" in bad.stderr


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    [line] = result.stderr.strip().splitlines()
    return line


def test_db_upgrade_to_an_unknown_revision_is_one_line(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"}
    result = run_cli("db", "upgrade", "9999", env=env, cwd=tmp_path)
    assert result.returncode == 2
    line = _one_line(result)
    assert line.startswith("summitwatch: db upgrade: migrations: ")
    assert "Can't locate revision identified by '9999'" in line


def test_db_upgrade_on_a_missing_postgresql_database_is_one_line(tmp_path: Path) -> None:
    name = f"summitwatch_missing_{uuid.uuid4().hex[:8]}"
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    result = run_cli("db", "upgrade", env={"DATABASE_URL": url}, cwd=tmp_path)
    assert result.returncode == 2
    line = _one_line(result)
    assert f'database "{name}" does not exist' in line
    assert "DBAPIError" not in line


def test_check_reads_only_and_says_the_sqlite_file_does_not_exist(tmp_path: Path) -> None:
    store = tmp_path / "typo" / "bot.db"
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": f"sqlite+aiosqlite:///{store}"}
    checked = run_cli("check", env=env, cwd=tmp_path)
    assert checked.returncode == 1
    assert f"FAIL  store file {store} does not exist" in checked.stdout
    assert "store reachable" not in checked.stdout
    assert not store.parent.exists()


def test_check_shows_the_postgresql_servers_reason(tmp_path: Path) -> None:
    name = f"summitwatch_missing_{uuid.uuid4().hex[:8]}"
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    checked = run_cli("check", env={"TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": url}, cwd=tmp_path)
    assert checked.returncode == 1
    [line] = [line for line in checked.stdout.splitlines() if line.startswith("FAIL")]
    assert f'database "{name}" does not exist' in line
    assert "DBAPIError" not in checked.stdout


def test_replay_flights_imports_only_what_it_needs(tmp_path: Path) -> None:
    # Analysts replay days of history: the command must not pay for the bot's
    # runtime (Telegram, the store, pydantic settings, asyncio) at every start.
    data = Path(__file__).parent / "data" / "flights" / "replay_vko_gyd.jsonl"
    script = (
        "import sys\n"
        "from bot.cli import main\n"
        f"code = main(['replay-flights', {str(data)!r}])\n"
        "heavy = ('telegram', 'sqlalchemy', 'sqlmodel', 'pydantic', 'asyncio', 'aiohttp',"
        " 'matplotlib', 'bot.runtime', 'storage')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy"
        " or m.startswith('bot.runtime')), code, file=sys.stderr)\n"
    )
    result = subprocess.run(  # noqa: S603  (our own interpreter)
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "[] 0"
    assert result.stdout.count('"kind"') == 2
