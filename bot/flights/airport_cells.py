"""Airports indexed cell by cell on first use, for a process that asks about few places.

An `AirportIndex` over every airportsdata field makes 28,000 `Airport`s first (~0.12 s,
~10 MB); `replay-flights` and the live poller's ground fixes ask about a few places.
`catalogue()` reads the CSV once (~0.07 s) and keeps its text by 1°x1° cell (~4 MB);
a `CellIndex` makes a cell's airports when a query first reaches that cell.
Its answers are those of an `AirportIndex` over the same airports: the same grid, the
same cells visited, each cell in ICAO order as `load_airports` gives them.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from operator import attrgetter
from typing import Any

import airportsdata

from bot.flights.airports import Airport, AirportIndex, _airport, is_jet_airport


@dataclass(frozen=True, slots=True)
class Catalogue:
    """airportsdata's rows as CSV text, by cell.

    Attributes:
        header: the column names.
        cells: cell key (as `AirportIndex` with 1° cells computes it) -> the CSV text
            of the rows in the cell (one string per cell: 8,000 strings hold less
            than 28,000 would).
    """

    header: tuple[str, ...]
    cells: dict[int, str]


def every_field(raw: Mapping[str, Any]) -> bool:
    """The filter that keeps every field (heliports, airstrips, bases, airports)."""
    return True


_FAST_TAIL = ("lat", "lon", "tz", "lid")  # the columns a row's text ends with, as written


@functools.cache
def catalogue() -> Catalogue:
    """airportsdata's rows sorted into cells, read once per process."""
    data = resources.files(airportsdata).joinpath("airports.csv")
    lines = data.read_text(encoding="utf8").splitlines(keepends=True)
    reader = csv.reader(lines[:1])
    header = tuple(next(reader))
    icao_at, lat_at, lon_at = header.index("icao"), header.index("lat"), header.index("lon")
    fast = icao_at == 0 and header[-4:] == _FAST_TAIL
    by_icao: dict[str, tuple[int, str]] = {}  # a code given twice keeps its last row
    slow: list[str] = []
    for text in lines[1:]:
        # The common row, `"ICAO",...,lat,lon,"tz","lid"`, without the csv module (half
        # the time); a row with anything unusual at either end goes to the csv reader.
        if fast and text.startswith('"'):
            try:
                _, lat_text, lon_text, tz, lid = text.rsplit(",", 4)
                lat, lon = float(lat_text), float(lon_text)
            except ValueError:
                pass
            else:
                end = text.find('"', 1)
                lid = lid.rstrip()
                quoted = tz[:1] == '"' == tz[-1:] and lid[:1] == '"' == lid[-1:]
                if quoted and end > 1 and text[end + 1] == ",":
                    by_icao[text[1:end]] = (_key(lat, lon), text)
                    continue
        slow.append(text)
    for row, text in zip(csv.reader(slow), _row_texts(slow), strict=True):
        if len(row) > max(icao_at, lat_at, lon_at) and row[icao_at]:
            by_icao[row[icao_at]] = (_key(float(row[lat_at]), float(row[lon_at])), text)
    rows: dict[int, list[str]] = {}
    for key, text in by_icao.values():
        rows.setdefault(key, []).append(text)
    return Catalogue(header, {key: "".join(texts) for key, texts in rows.items()})


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
        for key, text in source.cells.items():
            if (
                key not in self._made
                and code in text
                and any(a.icao == code for a in _airports(source, key, every_field))
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
