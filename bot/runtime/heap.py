"""Give freed heap memory back to the operating system (issue 13: idle RSS).

glibc's malloc returns freed memory to the system only from the top of its heaps: after
start-up's seeding or a poll round has allocated and freed many small objects, most
freed pages stay in the process, counted in its RSS, until `malloc_trim` releases them.
Elsewhere (musl, macOS) there is no such call and `trim` does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's `malloc_trim`, or None where the C library has none."""
    import ctypes  # here, not at import: the first trim is after start-up

    try:
        # The interpreter's own symbols, libc's among them (`find_library` would run
        # ldconfig in a subprocess).
        function: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_size_t]  # type: ignore[attr-defined]
    function.restype = ctypes.c_int  # type: ignore[attr-defined]
    return function


def trim() -> bool:
    """Release the free pages of every malloc arena; True when some were released."""
    malloc_trim = _malloc_trim()
    if malloc_trim is None:
        return False
    return bool(malloc_trim(0))
