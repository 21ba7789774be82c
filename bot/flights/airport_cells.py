"""Airports indexed cell by cell on first use, for a process that asks about few places.

An `AirportIndex` over every airportsdata field makes 28,000 `Airport`s first (~0.12 s,
~10 MB); `replay-flights` and the live poller's ground fixes ask about a few places.
`catalogue()` reads the CSV once (~0.2 s) and keeps where each 1°x1° cell's rows lie
in the file, reading them again when asked (2 MB in the process, against 13 MB as a
`str` per cell: `CellTexts`); a `CellIndex` makes a cell's airports when a query first
reaches that cell.
Its answers are those of an `AirportIndex` over the same airports: the same grid, the
same cells visited, each cell in ICAO order as `load_airports` gives them.
"""

from __future__ import annotations

import csv
import functools
import os
import weakref
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from operator import attrgetter
from pathlib import Path
from typing import Any, BinaryIO

import airportsdata

from bot.flights.airports import Airport, AirportIndex, _airport, is_jet_airport


class RowText:
    """airportsdata's file, read where asked: from the file itself when it is one (kept
    open, so a package upgrade that replaces it changes nothing here), else kept as
    bytes; `extra` is read after the file's end."""

    def __init__(self, path: Traversable, extra: bytes = b"") -> None:
        self._extra = extra
        if isinstance(path, Path):
            self._file: BinaryIO | None = path.open("rb", buffering=0)
            weakref.finalize(self, self._file.close)  # with the catalogue (one a process)
            self._data = b""
            self._size = os.fstat(self._file.fileno()).st_size
        else:
            self._file, self._data = None, path.read_bytes()
            self._size = len(self._data)

    def read(self, start: int, end: int) -> bytes:
        """The bytes from `start` to `end`."""
        if start >= self._size:
            return self._extra[start - self._size : end - self._size]
        if self._file is None:
            return self._data[start:end]
        return os.pread(self._file.fileno(), end - start, start)

    def whole(self) -> bytes:
        """The whole text, the file's and then `extra`."""
        return self.read(0, self._size) + self._extra


class CellTexts(Mapping[int, str]):
    """Cell key -> the CSV text of the rows in the cell, read when asked.

    Only where each row lies in airportsdata's file is kept, by cell, in arrays (0.5 MB);
    the text is read from the file (`RowText`). A `str` per cell held 4 MB, and building
    those left the process holding 13 MB (issue 13).

    Args:
        text: the rows' text, UTF-8.
        spans: cell key, start and end in `text` of each row, three numbers a row.
    """

    def __init__(self, text: RowText, spans: array[int]) -> None:
        self._text = text
        # Offsets below 2 GB, cell keys below 64,800: four bytes each.
        self._starts, self._ends = array("i", spans[1::3]), array("i", spans[2::3])
        self._rows = rows = array("i", spans[0::3])
        # A stable sort: a cell's rows keep their order in the file.
        self._order = array("i", sorted(range(len(rows)), key=rows.__getitem__))
        self._keys, self._first = array("i"), array("i")
        for place, at in enumerate(self._order):
            if not self._keys or self._keys[-1] != rows[at]:
                self._keys.append(rows[at])
                self._first.append(place)
        self._first.append(len(self._order))

    def holding(self, text: str) -> Iterator[int]:
        """The keys of the cells whose text holds `text`, found in the file (a few ms)."""
        needle, whole = text.encode("utf8"), self._text.whole()
        at = whole.find(needle)
        while at >= 0:
            # Rows lie in the order of their starts (those the csv reader read last).
            yield self._rows[bisect_right(self._starts, at) - 1]
            at = whole.find(needle, at + 1)

    def __getitem__(self, key: int) -> str:
        cell = bisect_left(self._keys, key)
        if cell == len(self._keys) or self._keys[cell] != key:
            raise KeyError(key)
        read, starts, ends = self._text.read, self._starts, self._ends
        rows = self._order[self._first[cell] : self._first[cell + 1]]
        return b"".join(read(starts[at], ends[at]) for at in rows).decode("utf8")

    def __iter__(self) -> Iterator[int]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


@dataclass(frozen=True, slots=True)
class Catalogue:
    """airportsdata's rows as CSV text, by cell.

    Attributes:
        header: the column names.
        cells: cell key (as `AirportIndex` with 1° cells computes it) -> the CSV text
            of the rows in the cell.
    """

    header: tuple[str, ...]
    cells: CellTexts


def every_field(raw: Mapping[str, Any]) -> bool:
    """The filter that keeps every field (heliports, airstrips, bases, airports)."""
    return True


_FAST_TAIL = ("lat", "lon", "tz", "lid")  # the columns a row's text ends with, as written


@functools.cache
def catalogue() -> Catalogue:
    """airportsdata's rows sorted into cells, read once per process."""
    path = resources.files(airportsdata).joinpath("airports.csv")
    file_text = RowText(path)
    data = file_text.whole()  # let go once the rows are located
    start = data.find(b"\n") + 1 or len(data)
    header = tuple(next(csv.reader([data[:start].decode("utf8")])))
    icao_at, lat_at, lon_at = header.index("icao"), header.index("lat"), header.index("lon")
    fast = icao_at == 0 and header[-4:] == _FAST_TAIL
    spans = array("q")  # cell key, start, end of each row
    slow: list[str] = []
    ascending, previous = True, b""  # codes ascending: each given once
    while start < len(data):
        end = data.find(b"\n", start) + 1 or len(data)
        line = data[start:end]
        common = _fast_row(line) if fast else None
        if common is None:
            slow.append(line.decode("utf8"))
        else:
            code, key = common
            spans.extend((key, start, end))
            ascending, previous = ascending and previous < code, code
        start = end
    extra = bytearray()  # the rows the csv reader read, after the file's text
    for row, text in zip(csv.reader(slow), _row_texts(slow), strict=True):
        if len(row) > max(icao_at, lat_at, lon_at) and row[icao_at]:
            at = len(data) + len(extra)
            extra += text.encode("utf8")
            spans.extend((_key(float(row[lat_at]), float(row[lon_at])), at, len(data) + len(extra)))
            ascending = False
    if extra:
        file_text = RowText(path, bytes(extra))
    if not ascending:
        spans = _last_of_each(file_text.whole(), spans, icao_at)
    return Catalogue(header, CellTexts(file_text, spans))


def _fast_row(line: bytes) -> tuple[bytes, int] | None:
    """The code and cell key of the common row, `"ICAO",...,lat,lon,"tz","lid"`, read
    without the csv module (half the time); None for a row with anything unusual at
    either end, which the csv reader reads instead."""
    if not line.startswith(b'"'):
        return None
    try:
        _, lat_text, lon_text, tz, lid = line.rsplit(b",", 4)
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        return None
    end = line.find(b'"', 1)
    lid = lid.rstrip()
    quoted = tz[:1] == b'"' == tz[-1:] and lid[:1] == b'"' == lid[-1:]
    if quoted and end > 1 and line[end + 1 : end + 2] == b",":
        return line[1:end], _key(lat, lon)
    return None


def _last_of_each(rows: bytes, spans: array[int], icao_at: int) -> array[int]:
    """`spans` with only the last row of each code (a code given twice keeps its last)."""
    at = range(0, len(spans), 3)
    texts = [rows[spans[i + 1] : spans[i + 2]].decode("utf8") for i in at]
    codes = [row[icao_at] for row in csv.reader(texts)]
    last = {code: i for i, code in zip(at, codes, strict=True)}
    kept = array("q")
    for i, code in zip(at, codes, strict=True):
        if last[code] == i:
            kept.extend(spans[i : i + 3])
    return kept


def _key(lat: float, lon: float) -> int:
    # AirportIndex._key for 1° cells (180 rows, 360 columns); a test checks they agree.
    return min(179, max(0, int((lat + 90.0) // 1.0))) * 360 + int((lon + 180.0) // 1.0) % 360


def _row_texts(lines: list[str]) -> list[str]:
    """Each row's text (a quoted field may span lines): every line the reader took."""
    reader = csv.reader(lines)
    texts: list[str] = []
    done = 0
    for _ in reader:
        texts.append("".join(lines[done : reader.line_num]))
        done = reader.line_num
    return texts


class CellIndex(AirportIndex):
    """An `AirportIndex` of the airports `include` accepts, each cell made on first use
    (`len` counts the airports made so far).

    Args:
        include: which airports (as `load_airports` takes it; the default index's
            filter by default).
        source: the rows (`catalogue()`, read on the first query, by default).
    """

    def __init__(
        self,
        include: Callable[[Mapping[str, Any]], bool] = is_jet_airport,
        source: Catalogue | None = None,
    ) -> None:
        super().__init__((), cell_deg=1.0)
        self._include = include
        self._source = source
        self._made: set[int] = set()

    def _make(self, key: int) -> None:
        self._made.add(key)
        source = self._source
        if source is None:
            source = self._source = catalogue()
        for airport in sorted(_airports(source, key, self._include), key=_BY_ICAO):
            self._add(airport)

    def _cell_keys(self, lat: float, lon: float, radius_km: float) -> Iterable[int]:
        keys = super()._cell_keys(lat, lon, radius_km)
        made = self._made
        for key in keys:
            if key not in made:
                self._make(key)
        return keys

    def get(self, icao: str) -> Airport | None:
        """The airport with this ICAO code (case-insensitive), if `include` takes it.

        Found by a scan of the catalogue's text (a few ms): the index has no table of
        codes, which would hold more memory than the rest.
        """
        code = icao.strip().upper()
        found = super().get(code)
        if found is not None or not code:
            return found
        source = self._source if self._source is not None else catalogue()
        for key in source.cells.holding(code):
            if key not in self._made and any(
                a.icao == code for a in _airports(source, key, every_field)
            ):
                self._make(key)
                return super().get(code)
        return None


def _airports(
    source: Catalogue, key: int, include: Callable[[Mapping[str, Any]], bool]
) -> list[Airport]:
    """The airports of one cell that `include` accepts."""
    header = source.header
    rows = csv.reader(source.cells.get(key, "").splitlines())
    raws = [dict(zip(header, row, strict=False)) for row in rows]
    return [_airport(raw) for raw in raws if include(raw)]


_BY_ICAO = attrgetter("icao")
