"""The one pymorphy3 analyzer of the process, for Russian, its dictionary memory-mapped.

Its users: the grammar of replies (bot.kernel.inflection, a Russian place in `/status`)
and the Russian forms of the statement matcher (bot.statements.russian), which the bot
has computed in a child process (bot.statements.forms_apart). pymorphy3 shares nothing
between analyzers, hence one per process.

The dictionary's word graphs (DAWGs: its words, the suffixes it predicts unknown words
by, the probability of each reading; 14.3 MB of the 21.5 MB an analyzer held) are read by
DAWG-Python into arrays, private memory of each process, all of it kept although a
lookup reads a few dozen entries. Here they are memory-mapped from the installed files
instead, read-only: the same bytes, read through the page cache as a database reads its
files, so a process holds only the pages it touched, every process on the host shares
them, and the kernel can drop them under memory pressure and read them again.

DAWG-Python reads each graph from an open file as a size and then the units
(`Dictionary.read`, `Guide.read`); while the analyzer loads, those two readers are
replaced by ones that map the same bytes. When the `DAWG` C extension is installed
pymorphy3 uses it instead, holding the graphs in its own memory: nothing is mapped then.
"""

from __future__ import annotations

import functools
import mmap
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any, Literal

_SIZE = struct.Struct("=I")
_maps: dict[str, mmap.mmap] = {}  # by file name
_loading = threading.Lock()


@functools.cache
def russian() -> Any:
    """pymorphy3's Russian analyzer, with its default units and probability estimate
    (the order of parses both users rely on); loaded at the first call."""
    import pymorphy3  # here: a bot that reads and writes no Russian never loads it
    from pymorphy3 import dawg

    with _loading:
        if dawg.EXTENSION_AVAILABLE:
            return pymorphy3.MorphAnalyzer(lang="ru")
        with _mapped_dawgs():
            return pymorphy3.MorphAnalyzer(lang="ru")


@contextmanager
def _mapped_dawgs() -> Iterator[None]:
    """DAWG-Python's graph readers map the file instead of copying it, while inside."""
    from dawg_python import wrapper

    readers = wrapper.Dictionary.read, wrapper.Guide.read
    # Dictionary units are 32-bit words; a guide has two bytes per unit.
    wrapper.Dictionary.read = _mapping_reader("I", 4)
    wrapper.Guide.read = _mapping_reader("B", 2)
    try:
        yield
    finally:
        wrapper.Dictionary.read, wrapper.Guide.read = readers


def _mapping_reader(
    typecode: Literal["I", "B"], bytes_per_unit: int
) -> Callable[[Any, IO[bytes]], None]:
    def read(self: Any, fp: IO[bytes]) -> None:
        (size,) = _SIZE.unpack(fp.read(_SIZE.size))
        start, length = fp.tell(), size * bytes_per_unit
        whole = _map(fp)
        if start + length > len(whole):
            raise ValueError(f"truncated dictionary file {fp.name!r}")
        self._units = memoryview(whole)[start : start + length].cast(typecode)
        fp.seek(start + length)

    return read


def _map(fp: IO[bytes]) -> mmap.mmap:
    """The whole file of `fp`, mapped read-only once (a file holds two graphs)."""
    name = str(fp.name)
    if name not in _maps:
        _maps[name] = mmap.mmap(fp.fileno(), 0, access=mmap.ACCESS_READ)
    return _maps[name]
