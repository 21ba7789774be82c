"""What retention locks on SQLite, and for how long (storage/retention.py, issue 13).

A write transaction holds SQLite's one write lock from its first write to its COMMIT;
every other writer (a new chat's row before /status answers, the poller) waits for it.
Measured from outside: a second connection takes the write lock again and again while
the pass runs and times each wait, and the engine's own DELETE-to-COMMIT spans.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, func, insert, select
from sqlalchemy.engine.url import make_url

from storage.engine import create_engine
from storage.migrate import upgrade
from storage.retention import POSITIONS, RetentionPolicy, align, apply_retention

NOW = datetime(2026, 11, 28, 12, 0, 7, tzinfo=UTC)
BUDGET = timedelta(milliseconds=20)
POLICY = RetentionPolicy(
    keep=timedelta(days=30), downsample_after=timedelta(days=1), write_budget=BUDGET
)
# One hour's window of 40 aircraft reporting every 2 s: 72,000 reports, 2,400 minutes
# kept. Ranking such a window under the lock held it for well over 100 ms a batch.
AIRCRAFT = 40
STEP_S = 2


def _rows(start: datetime) -> list[dict[str, Any]]:
    return [
        {
            "hex": f"ffb{n:03x}",  # fictional: no allocation block's aircraft
            "ts": start + timedelta(seconds=i * STEP_S),
            "lat": 40.0,
            "lon": 49.8,
            "on_ground": False,
            "provider": "test",
        }
        for n in range(AIRCRAFT)
        for i in range(3600 // STEP_S)
    ]


def _probe(path: str, stop: threading.Event, waits: list[float]) -> None:
    """Another writer: takes the write lock, releases it at once, again and again."""
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        while not stop.is_set():
            started = time.perf_counter()
            connection.execute("BEGIN IMMEDIATE")
            waits.append(time.perf_counter() - started)
            connection.execute("COMMIT")
            stop.wait(0.002)  # leave the lock free a moment
    finally:
        connection.close()


async def test_no_retention_transaction_holds_the_write_lock_past_its_budget(
    sqlite_url: str,
) -> None:
    engine = create_engine(sqlite_url)
    held: list[float] = []

    def write_starts(conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("DELETE") and "w" not in conn.info:
            conn.info["w"] = time.perf_counter()

    def commits(conn: Any) -> None:
        started = conn.info.pop("w", None)
        if started is not None:
            held.append(time.perf_counter() - started)

    try:
        await upgrade(engine)
        start = align(NOW - timedelta(days=2), 3600)
        rows = _rows(start)
        async with engine.begin() as connection:
            for offset in range(0, len(rows), 10_000):
                await connection.execute(insert(POSITIONS), rows[offset : offset + 10_000])
        event.listen(engine.sync_engine, "before_cursor_execute", write_starts)
        event.listen(engine.sync_engine, "commit", commits)
        stop = threading.Event()
        waits: list[float] = []
        path = make_url(sqlite_url).database
        assert path is not None
        prober = threading.Thread(target=_probe, args=(path, stop, waits))
        prober.start()
        try:
            result = await apply_retention(engine, POLICY, now=NOW)
        finally:
            stop.set()
            prober.join()
        async with engine.connect() as connection:
            kept = (await connection.execute(select(func.count()).select_from(POSITIONS))).scalar()
    finally:
        await engine.dispose()

    # The same work as ever: one report a minute per aircraft stays.
    assert kept == AIRCRAFT * 60
    assert result.downsampled == len(rows) - AIRCRAFT * 60
    assert len(held) == result.transactions
    budget = BUDGET.total_seconds()
    # Sized to half the budget; the rest of it, and a loaded machine's stalls, is slack.
    held.sort()
    assert held[len(held) // 2] <= budget, held
    assert held[int(len(held) * 0.9)] <= 2 * budget, held
    assert held[-1] <= 10 * budget, held[-5:]
    # The run's own figure is timed from the event loop around each transaction (taking a
    # connection, BEGIN, the loop's own delays), so it covers the longest hold; it is what
    # the bot logs, not a lock hold (a fresh-clone CI run saw 0.32 s with holds <= 12 ms).
    assert result.longest_write_s >= held[-1]
    # The other writer never waited for a whole ranking of the window.
    assert len(waits) > 10
    waits.sort()
    assert waits[int(len(waits) * 0.9)] <= budget, waits[-5:]
    assert waits[-1] <= 10 * budget, waits[-5:]
