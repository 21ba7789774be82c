"""The process that draws maps, so numpy and matplotlib never load into the bot.

The drawing machinery holds 60-70 MB once warm; in a separate process it is that
process's memory, and the bot idles without it. One worker process (spawned: a fresh
interpreter, nothing of the bot's state, threads or sockets) draws one map at a time;
the PNG bytes come back. `MapWorker.start` spawns it and has it warm up (imports, map
data, fonts) in the background, so the first map of a process is drawn warm.

A worker that dies (killed, out of memory, a crash in a C extension) is replaced.
When it dies between maps the next map goes to the new worker; when it dies while
drawing, that map is given up (`MapUnavailable`: the message goes without its map,
which is better than no message) rather than retried on what may have killed it.

Spawning starts a new interpreter that imports the parent's main module again, as
multiprocessing always does outside `fork`: `summitwatch` and `python -m bot` are safe,
and a script that starts the bot itself (`bot.runtime.embedded.running`) must keep its start
under `if __name__ == "__main__":`, or the worker runs the script too (and fails).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from bot.kernel.children import one_child

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Longest a map may take before the worker is presumed stuck and replaced.
DRAW_TIMEOUT_S = 60.0
# How often a worker checks that the bot that started it is still alive.
_PARENT_CHECK_S = 1.0


class MapUnavailable(RuntimeError):
    """No map this time: the worker died or hung while drawing it (it is replaced)."""


def _watch_parent(parent: int) -> None:
    """Initializer of the worker: ignore Ctrl-C, and exit once the bot is gone.

    The terminal sends SIGINT to the whole process group; the bot shuts the worker
    down itself. A bot killed outright (SIGKILL) cannot, so the worker leaves when its
    parent changes instead of idling on forever.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_PARENT_CHECK_S)
        os._exit(0)

    threading.Thread(target=watch, name="map-worker-parent", daemon=True).start()


def _warm(resolutions: tuple[str, ...]) -> None:
    from bot.flights import maps_draw

    maps_draw.warm_up(resolutions)  # type: ignore[arg-type]  # checked by maps.warm_up


class MapWorker:
    """One drawing process, replaced when it dies; `call` runs a function in it.

    Thread-safe: maps are requested from worker threads (`asyncio.to_thread`).
    """

    def __init__(self, *, timeout_s: float = DRAW_TIMEOUT_S) -> None:
        self._timeout_s = timeout_s
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._closed = False
        self.restarts = 0

    def start(self, resolutions: tuple[str, ...] = ("c", "l", "i")) -> Future[None]:
        """Spawn the worker and warm it up; the future is done once it is warm."""
        return self._submit(_warm, resolutions)

    def call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`function(*args, **kwargs)` in the worker; its exceptions are raised here.

        `function` and its arguments must pickle (a module-level function, plain data).

        Raises:
            MapUnavailable: the worker died or hung while running it, or it is closed.
        """
        try:
            future = self._submit(function, *args, **kwargs)
        except BrokenProcessPool:
            # Died between maps (killed while idle): this map did not do it, try anew.
            future = self._submit(function, *args, **kwargs)
        try:
            return future.result(timeout=self._timeout_s)
        except BrokenProcessPool:
            log.warning("the map worker died while drawing; this message goes without its map")
            self._replace()
            raise MapUnavailable("the map worker died while drawing") from None
        except TimeoutError:
            log.warning(
                "the map worker took over %.0f s to draw; it is replaced and this message "
                "goes without its map",
                self._timeout_s,
            )
            self._replace(kill=True)
            raise MapUnavailable("the map worker did not answer in time") from None

    def pid(self) -> int:
        """The worker's process id (spawning it if needed): for tests and benchmarks."""
        return self.call(os.getpid)

    def close(self) -> None:
        """Stop the worker and wait for it to exit; later calls raise `MapUnavailable`."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def _submit(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
        with self._lock:
            if self._closed:
                raise MapUnavailable("the map worker is shut down")
            if self._pool is None:
                self._pool = self._new_pool()
            pool = self._pool
        try:
            return pool.submit(function, *args, **kwargs)
        except BrokenProcessPool:
            self._replace(broken=pool)
            raise

    def _new_pool(self) -> ProcessPoolExecutor:
        return one_child(_watch_parent, (os.getpid(),))

    def _replace(self, *, broken: ProcessPoolExecutor | None = None, kill: bool = False) -> None:
        """Drop the current pool (unless another thread replaced it already); warm a new one."""
        with self._lock:
            pool = self._pool
            if pool is None or (broken is not None and pool is not broken) or self._closed:
                return
            self._pool = self._new_pool()
            self.restarts += 1
            fresh = self._pool
        log.warning("the map worker is restarted (restart %d)", self.restarts)
        if kill:
            # A hung worker ignores shutdown; its process is killed (no public API for that).
            for process in list(getattr(pool, "_processes", {}).values()):
                process.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        fresh.submit(_warm, ("c", "l", "i"))
