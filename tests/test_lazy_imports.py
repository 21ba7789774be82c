"""What the bot keeps out of its own memory until it needs it (issue 13: idle RSS).

Each module here is loaded elsewhere or later: the map machinery only in the map
worker process (`bot.flights.map_worker`), Alembic only when a migration runs
(`storage.migrate`). A change that imports one at start-up again fails here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory

from storage.migrate import alembic_config, head_revision

#: Loaded by `import bot.runtime.app` before, now only where they are used.
LAZY = ("numpy", "matplotlib", "alembic", "mako")


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
