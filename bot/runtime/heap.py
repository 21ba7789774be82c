"""Give freed heap memory back to the operating system (issue 13: idle RSS).

glibc's malloc returns freed memory to the system only from the top of its heaps: after
start-up's seeding or a poll round has allocated and freed many small objects, most
freed pages stay in the process, counted in its RSS, until `malloc_trim` releases them.
Elsewhere (musl, macOS) there is no such call and `trim` does nothing.

glibc also gives each thread that allocates its own malloc arena (up to eight per core):
the bot's threads (one per SQLite connection, the event loop's executor, the map
worker's queue feeder) each kept a heap of their own, with its own free pages and
fragmentation. `limit_arenas`, called by `summitwatch` before any thread starts, has
them all share one.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from functools import cache

# mallopt's parameter for the most arenas malloc may create (glibc's malloc.h).
M_ARENA_MAX = -8
#: One arena: the GIL already lets one thread at a time run Python (and allocate); the
#: threads that allocate without it (SQLite's) wait on I/O far more than on malloc.
ARENAS = 1


@cache
def _libc_function(name: str, *argtypes: str) -> Callable[..., int] | None:
    """A function of the C library the interpreter runs on, taking arguments of these
    ctypes types (by name) and returning an int; None where the library has none."""
    import ctypes  # here, not at import: `import bot.runtime.app` need not load it

    try:
        # The interpreter's own symbols, libc's among them (`find_library` would run
        # ldconfig in a subprocess).
        function: Callable[..., int] = getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError):
        return None
    function.argtypes = [getattr(ctypes, argtype) for argtype in argtypes]  # type: ignore[attr-defined]
    function.restype = ctypes.c_int  # type: ignore[attr-defined]
    return function


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Let malloc use at most `arenas` arenas; True when glibc took the limit.

    Only threads that allocate afterwards are held to it: call it before any thread
    starts. A limit set for the process (MALLOC_ARENA_MAX, or glibc.malloc.arena_max in
    GLIBC_TUNABLES) is left as it is.
    """
    if "MALLOC_ARENA_MAX" in os.environ or "arena_max" in os.environ.get("GLIBC_TUNABLES", ""):
        return False
    mallopt = _libc_function("mallopt", "c_int", "c_int")
    if mallopt is None:
        return False
    return bool(mallopt(M_ARENA_MAX, arenas))


def trim() -> bool:
    """Release the free pages of every malloc arena; True when some were released."""
    malloc_trim = _libc_function("malloc_trim", "c_size_t")
    if malloc_trim is None:
        return False
    return bool(malloc_trim(0))


def freeze_survivors(*, collect: bool = True) -> int:
    """Collect the garbage, then move every object still alive out of the collector's
    reach (`gc.freeze`); how many were frozen.

    A full collection walks every tracked object. After start-up that is mostly the
    long-lived kind (modules, the seeded data, caches; after the first poll round the
    airport index and the predictor too), several hundred thousand of them, and each
    full collection paused the event loop for 55-100 ms. Frozen, they are never walked
    again; what they refer to stays alive as it would have anyway. The
    collection first keeps start-up's own garbage cycles from being frozen with them;
    `collect=False` skips it where the bot is serving (the collection is the very pause
    this avoids) and freezes the few cycles alive then with the rest.
    """
    if collect:
        gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
