"""CPU and wall time of /status's query layer per request: `find_subject`, then the
overviews of the subject's aircraft as the handler reads them (`aircraft_overviews`).

Run: `.venv/bin/python bench/status_layer.py URL [TREE] [--prepare]` against a copy of
a store built by `bench/status.py` (the SQLite file, or a database made from its
PostgreSQL template). `--prepare` first migrates the copy to TREE's newest revision and
seeds the shipped watchlist and fleet as the bot does at start (about 2,000 aircraft,
whose registrations every lookup and suggestion reads); never give it the template
itself. TREE is a work tree whose code is measured (default: this one), so two trees
compare on the same store (prepared by the newer). The words are
`bench/status.py`'s: 200 people, 200 callsigns, 200 unknown words, each after 20
warm-ups; reported per request: this process's CPU time and the wall time.
"""

from __future__ import annotations

import ast
import asyncio
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ARGS = [a for a in sys.argv[1:] if a != "--prepare"]
sys.path.insert(0, ARGS[1] if len(ARGS) > 1 else str(HERE.parent))

from bot.flights.overview import aircraft_overviews  # noqa: E402
from bot.watch.fleet_seed import seed_fleet  # noqa: E402
from bot.watch.seed import seed_watchlist  # noqa: E402
from bot.watch.subject import find_subject  # noqa: E402
from storage.engine import create_engine, session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

REQUESTS = 200


def _people() -> list[str]:
    """bench/status.py's PEOPLE, read without importing it (it needs the test fakes)."""
    for node in ast.parse((HERE / "status.py").read_text()).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PEOPLE":
            return list(ast.literal_eval(node.value))
    raise LookupError("PEOPLE")


def _unknown_words(count: int) -> list[str]:
    rng = random.Random(7)  # as bench/status.py
    return ["".join(rng.choices("qxzjkvwy", k=rng.randint(2, 8))) for _ in range(count)]


async def main(url: str, prepare: bool) -> None:
    engine = create_engine(url)
    sessions = session_factory(engine)
    if prepare:
        await upgrade(engine)
        await seed_watchlist(sessions)
        await seed_fleet(sessions)
    rng = random.Random(11)
    people = _people()
    cases = {
        "person": [rng.choice(people).lower() for _ in range(REQUESTS)],
        "callsign": [f"BEN{rng.randrange(200):03d}" for _ in range(REQUESTS)],
        "unknown word": _unknown_words(REQUESTS),
    }
    now = datetime.now(UTC)

    async def one(word: str) -> None:
        async with sessions() as session:
            found = await find_subject(session, word, "en")
            if found.subject is not None:
                await aircraft_overviews(session, found.subject.hexes, now)

    try:
        for label, words in cases.items():
            for word in words[:20]:
                await one(word)
            cpu, wall = time.process_time(), time.perf_counter()
            for word in words:
                await one(word)
            cpu_ms = (time.process_time() - cpu) / len(words) * 1000
            wall_ms = (time.perf_counter() - wall) / len(words) * 1000
            print(f"{label:14} cpu {cpu_ms:6.2f} ms/req  wall {wall_ms:6.2f} ms/req")
    finally:
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(ARGS[0], "--prepare" in sys.argv))
