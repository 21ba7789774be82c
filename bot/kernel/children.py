"""Work done in a process of its own: a fresh interpreter, spawned (no fork of a
threaded bot), that keeps what the work loads out of the bot's memory.

`one_child` is the pool of one such process (the map worker keeps its own for the life
of the bot); `run_apart` does one piece of work in one and lets it go.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

T = TypeVar("T")


def one_child(
    initializer: Callable[..., object] | None = None, initargs: tuple[Any, ...] = ()
) -> ProcessPoolExecutor:
    """A pool of one spawned process; `initializer(*initargs)` runs in it first."""
    return ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=initializer,
        initargs=initargs,
    )


def run_apart(pool: Callable[[], Executor], work: Callable[..., T], *args: Any) -> T:
    """`work(*args)` in the process of a new `pool`, shut down after (blocking).

    Raises:
        BrokenProcessPool: no child could be had (an OSError starting it: no processes
            or semaphores left) or it died.
        Exception: whatever `work` raised in the child.
    """
    try:
        executor = pool()
        future = executor.submit(work, *args)
    except OSError as error:
        # No child to be had: not a failure of the work.
        raise BrokenProcessPool(f"cannot start a child process: {error}") from error
    with executor:
        return future.result()
