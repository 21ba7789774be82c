"""A function that kills the process running it: the map worker's crash, for real."""

from __future__ import annotations

import os


def die() -> bytes:
    """Exit at once, as a crash in a C extension or the OOM killer would end the worker."""
    os._exit(70)
