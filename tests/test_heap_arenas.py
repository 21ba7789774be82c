"""The running bot's threads share one malloc arena (issue 13: idle memory).

glibc gives each thread that allocates a heap of its own (an "arena", up to eight per
core), each with its own free pages; `summitwatch run` limits them to one before any
thread starts (`bot.runtime.heap.limit_arenas`). A thread's arena is a 64 MiB reserved
region of its own in the process's memory map: read-write as far as it is used,
inaccessible beyond, ending on a 64 MiB boundary; the main arena is the `[heap]`.
"""

from __future__ import annotations

import asyncio
import os
import platform
import signal
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest

from tests.conftest import copy_migrated_sqlite
from tests.fakes.telegram_api import FakeBotAPI

pytestmark = pytest.mark.skipif(
    platform.libc_ver()[0] != "glibc" or not Path("/proc/self/maps").exists(),
    reason="glibc's malloc arenas, read from Linux's /proc",
)

ROOT = Path(__file__).resolve().parent.parent
THREAD_HEAP = 64 << 20  # glibc's HEAP_MAX_SIZE on 64-bit systems


def thread_arenas(pid: int | str = "self") -> int:
    """How many thread arenas (glibc heaps besides the main one) process `pid` has."""
    regions = []
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        fields = line.split()
        start, end = (int(address, 16) for address in fields[0].split("-"))
        anonymous = len(fields) < 6
        regions.append((start, end, fields[1], anonymous))
    found = 0
    for (start, end, mode, anonymous), above in pairwise(regions):
        after_start, after_end, after_mode, after_anonymous = above
        used_part = anonymous and mode.startswith("rw")
        reserved_rest = after_anonymous and after_mode == "---p" and after_start == end
        if used_part and reserved_rest and after_end % THREAD_HEAP == 0:
            # The heap starts 64 MiB below its end, inside the used part (which may have
            # merged with a mapping just below it).
            found += start <= after_end - THREAD_HEAP < end
    return found


async def _arenas_of_a_polling_bot(tmp_path: Path, **extra_env: str) -> int:
    """Thread arenas of `python -m bot run` once it polls (its start-up has used its
    SQLite threads and the executor by then)."""
    async with FakeBotAPI(token="700702:TEST-heap-arenas-token") as fake:
        env = {
            **{
                k: v for k, v in os.environ.items() if not k.startswith(("SUMMITWATCH_", "MALLOC_"))
            },
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_BASE_URL": fake.base_url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
            "SUMMITWATCH_HEALTH_PORT": "0",
            "SUMMITWATCH_STATEMENTS_ENABLED": "false",
            **extra_env,
        }
        copy_migrated_sqlite(tmp_path / "bot.db")
        with (tmp_path / "bot.log").open("wb") as log:
            bot = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env, stdout=log, stderr=log
            )
        # When the first long poll arrives, not when it is answered (10 s later).
        asked = asyncio.Event()
        fake.on_call("getUpdates", asked.set)
        polling = asyncio.ensure_future(asyncio.wait_for(asked.wait(), timeout=120))
        try:
            await asyncio.wait(
                {polling, asyncio.ensure_future(bot.wait())}, return_when="FIRST_COMPLETED"
            )
            assert asked.is_set(), (tmp_path / "bot.log").read_text()[-3000:]
            return thread_arenas(bot.pid)
        finally:
            polling.cancel()
            if bot.returncode is None:
                bot.send_signal(signal.SIGINT)
            await asyncio.wait_for(bot.wait(), timeout=60)


async def test_the_running_bots_threads_share_the_main_arena_unless_a_limit_is_set(
    tmp_path: Path,
) -> None:
    # Two bots at once (each start-up is seconds of waiting): ours, and one whose
    # environment sets a limit, which is left as it is and shows that the bot's threads
    # would each take an arena of their own.
    (tmp_path / "ours").mkdir()
    (tmp_path / "set").mkdir()
    ours, with_limit_set = await asyncio.gather(
        _arenas_of_a_polling_bot(tmp_path / "ours"),
        _arenas_of_a_polling_bot(tmp_path / "set", MALLOC_ARENA_MAX="8"),
    )
    assert ours == 0
    assert with_limit_set >= 1


def test_the_limit_holds_threads_started_after_it() -> None:
    code = (
        "import threading, sys\n"
        "from bot.runtime import heap\n"
        "from tests.test_heap_arenas import thread_arenas\n"
        "limited = sys.argv[1] == 'limit' and heap.limit_arenas()\n"
        "ready, go = threading.Barrier(3), threading.Event()\n"
        "def allocate():\n"
        "    kept = [bytes(1000) for _ in range(1000)]\n"
        "    ready.wait(); go.wait()\n"
        "threads = [threading.Thread(target=allocate) for _ in range(2)]\n"
        "[t.start() for t in threads]; ready.wait()\n"
        "print(limited, thread_arenas())\n"
        "go.set(); [t.join() for t in threads]\n"
    )

    def run(mode: str) -> str:
        done = subprocess.run(  # noqa: S603  (our own interpreter, fixed code)
            [sys.executable, "-c", code, mode],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
            cwd=ROOT,
            env={k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")},
        )
        return done.stdout.split()[-2] + " " + done.stdout.split()[-1]

    # Two threads allocating at once: an arena each, unless limited.
    assert run("free") == "False 2"
    assert run("limit") == "True 0"
