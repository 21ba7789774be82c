"""What the bot keeps out of its own memory until it needs it (issue 13: idle RSS).

Each module here is loaded elsewhere or later: the map machinery only in the map
worker process (`bot.flights.map_worker`), Alembic only when a migration runs
(`storage.migrate`; at start-up in a child, `bot.runtime.store_apart`), the feed and HTML
parsers only when the statement poller needs them, pymorphy3 only for a Russian place
in a reply (the matcher's forms come from a child, `bot.statements.forms_apart`),
SQLAlchemy's PostgreSQL dialect only on PostgreSQL. `summitwatch run` in polling mode
also leaves out PTB's webhook server (tornado) and httpx's command-line client (rich,
click, pygments; `bot.runtime.optional_imports`). A change that imports one at start-up
again fails here.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory

from storage.migrate import alembic_config, head_revision
from tests.conftest import copy_migrated_sqlite
from tests.fakes.telegram_api import FakeBotAPI
from tests.webhook_bots import free_port

#: Loaded by `import bot.runtime.app` before, now only where they are used.
LAZY = (
    "numpy",
    "matplotlib",
    "alembic",
    "mako",
    "feedparser",
    "selectolax",
    "defusedxml",
    "pymorphy3",
    "sqlalchemy.dialects.postgresql",
)
#: Loaded by a polling `summitwatch run` before: libraries' optional parts it never uses.
OPTIONAL = ("tornado", "rich", "click", "pygments")
ROOT = Path(__file__).resolve().parent.parent


def _loaded_after(code: str) -> dict[str, bool]:
    """Which of LAZY a fresh interpreter holds after running `code`."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps({{m: m in sys.modules for m in {LAZY}}}))"
    done = subprocess.run(  # noqa: S603  (our own interpreter, fixed code)
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    loaded: dict[str, bool] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_importing_the_bot_loads_none_of_them() -> None:
    assert _loaded_after("import bot.runtime.app") == dict.fromkeys(LAZY, False)


def test_starting_on_an_up_to_date_schema_loads_no_alembic(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    migrate = (
        "import asyncio\n"
        "from storage.engine import create_engine\n"
        "from storage.migrate import current_revision, head_revision, upgrade\n"
        "async def main():\n"
        f"    engine = create_engine({url!r})\n"
        "    await upgrade(engine)\n"
        "    assert await current_revision(engine) == head_revision()\n"
        "    await engine.dispose()\n"
        "asyncio.run(main())"
    )
    # The first start migrates (with Alembic); the next finds nothing to do.
    assert _loaded_after(migrate)["alembic"]
    assert not _loaded_after(migrate)["alembic"]


def test_the_head_read_from_the_files_is_alembics() -> None:
    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


# The real entry point, in an interpreter that writes down its modules as it exits.
_RUN = """
import atexit, json, sys
atexit.register(lambda: open(sys.argv[1], "w").write(json.dumps(sorted(sys.modules))))
from bot.cli import main
raise SystemExit(main(sys.argv[2:]))
"""


async def _modules_of_a_running_bot(tmp_path: Path, *args: str) -> set[str]:
    """The modules `summitwatch run ARGS` holds once it polls (or serves its webhook)."""
    listing = tmp_path / "modules.json"
    async with FakeBotAPI(token="700702:TEST-lazy-imports-token") as fake:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("SUMMITWATCH_")},
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_BASE_URL": fake.base_url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
            "SUMMITWATCH_HEALTH_PORT": "0",
            # No feeds on the network here; statement polling's own imports are its tests'.
            "SUMMITWATCH_STATEMENTS_ENABLED": "false",
            "SUMMITWATCH_WEBHOOK_URL": "https://summitwatch.test/telegram/updates",
            "SUMMITWATCH_WEBHOOK_SECRET": "lazy-imports-secret",
            "SUMMITWATCH_WEBHOOK_LISTEN": "127.0.0.1",
            "SUMMITWATCH_WEBHOOK_PORT": str(webhook_port := free_port()),
        }
        fake.webhook_targets = [f"http://127.0.0.1:{webhook_port}/telegram/updates"]
        if "--webhook" not in args:
            del env["SUMMITWATCH_WEBHOOK_URL"]
        # A restart: the store was migrated before (a new store loads Alembic once, above);
        # a copy of one migrated in this test process, not a `db upgrade` process a test.
        copy_migrated_sqlite(tmp_path / "bot.db")
        with (tmp_path / "bot.log").open("wb") as log:
            bot = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                _RUN,
                str(listing),
                "run",
                *args,
                cwd=tmp_path,
                env=env,
                stdout=log,
                stderr=log,
            )
        method = "setWebhook" if "--webhook" in args else "getUpdates"
        # When the call arrives (a long poll is answered only 10 s later).
        asked = asyncio.Event()
        fake.on_call(method, asked.set)
        serving = asyncio.ensure_future(asyncio.wait_for(asked.wait(), timeout=120))
        try:
            # Whichever comes first: the bot serves, or it exits (its log says why).
            await asyncio.wait(
                {serving, asyncio.ensure_future(bot.wait())}, return_when="FIRST_COMPLETED"
            )
            started = asked.is_set()
            if started:
                # Stopped once it has answered a command, so a command's own imports count.
                fake.user_message(7301, "/start")
                await fake.wait_until(lambda: fake.count("sendMessage") > 0, timeout=120)
        finally:
            serving.cancel()
            if bot.returncode is None:
                bot.send_signal(signal.SIGINT)
            await asyncio.wait_for(bot.wait(), timeout=60)
    assert started, (tmp_path / "bot.log").read_text(errors="replace")[-3000:]
    modules: list[str] = json.loads(listing.read_text())
    return set(modules)


def _loaded(modules: set[str], names: tuple[str, ...]) -> dict[str, bool]:
    return {name: name in modules for name in names}


async def test_a_polling_bot_loads_none_of_them(tmp_path: Path) -> None:
    modules = await _modules_of_a_running_bot(tmp_path)
    assert "telegram.ext" in modules
    assert _loaded(modules, LAZY + OPTIONAL) == dict.fromkeys(LAZY + OPTIONAL, False)


async def test_a_webhook_bot_has_its_webhook_server(tmp_path: Path) -> None:
    modules = await _modules_of_a_running_bot(tmp_path, "--webhook")
    assert "tornado" in modules
    assert _loaded(modules, ("rich", "click", "pygments")) == dict.fromkeys(
        ("rich", "click", "pygments"), False
    )
