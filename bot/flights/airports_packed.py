"""The default airport index packed into arrays, for a bot that keeps it all its life.

An `AirportIndex` holds each airport as an `Airport` with its own strings and floats,
plus a tuple per airport in its grid: for the 8,115 default airports about 5 MB that
the polling bot keeps from its first flight poll on (issue 13: idle memory). A
`PackedIndex` keeps the same airports in flat arrays (cell key, the radians and cosine
the distance needs, latitude, longitude, elevation) and their text fields as one UTF-8
block, about 1 MB, and makes an `Airport` only for an answer.

It answers as an `AirportIndex` over the same airports: the same grid and cells
visited, each cell in the order the airports were given, the same ties kept (the first
airport of equal distance), and `get` giving the last airport given a code.
"""

from __future__ import annotations

import math
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence

from bot.flights.airports import (
    Airport,
    AirportIndex,
    AirportMatch,
    _airport,
    _rows,
    is_jet_airport,
    load_airports,
)
from bot.flights.geo import EARTH_RADIUS_KM

_SEP = "\x1f"  # between the text fields of one airport (CSV text never holds it)


class PackedIndex(AirportIndex):
    """An `AirportIndex` whose airports live in arrays (see the module's docstring).

    Args:
        airports: the airports to index.
        cell_deg: grid cell size in degrees, as for `AirportIndex`.
    """

    def __init__(self, airports: Iterable[Airport], cell_deg: float = 1.0) -> None:
        super().__init__((), cell_deg)
        # Read one airport at a time into arrays: a list of them all would first take the
        # memory this saves, and the process would keep most of it (fragmented).
        keys, self._lat, self._lon = array("q"), array("d"), array("d")
        self._elevation, self._text, self._ends = array("q"), bytearray(), array("q")
        previous: str | None = None
        self.codes_ascending = True
        for airport in airports:
            keys.append(self._key(airport.lat, airport.lon))
            self._lat.append(airport.lat)
            self._lon.append(airport.lon)
            self._elevation.append(airport.elevation_ft)
            self._text += _text(airport).encode()
            self._ends.append(len(self._text))
            if previous is not None and previous >= airport.icao:
                self.codes_ascending = False
            previous = airport.icao
        self._phi = array("d", (math.radians(value) for value in self._lat))
        self._lam = array("d", (math.radians(value) for value in self._lon))
        self._cos = array("d", (math.cos(phi) for phi in self._phi))
        # The airports cell by cell: a stable sort keeps a cell's in the order given.
        members = sorted(range(len(keys)), key=keys.__getitem__)
        self._members = array("q", members)
        self._cell_of = array("q", (keys[at] for at in members))
        # For `get`: the place of each code's last airport, in code order (given so
        # already when the codes ascend).
        self._by_code: array[int] | None = None
        if not self.codes_ascending:
            last = {self._fields(at)[0]: at for at in range(len(keys))}
            self._by_code = array("q", (last[code] for code in sorted(last)))

    def __len__(self) -> int:
        return len(self._ends) if self._by_code is None else len(self._by_code)

    def _fields(self, at: int) -> list[str]:
        start = self._ends[at - 1] if at else 0
        return self._text[start : self._ends[at]].decode().split(_SEP)

    def _airport(self, at: int) -> Airport:
        icao, iata, name, city, country, tz = self._fields(at)
        return Airport(
            icao=icao,
            iata=iata or None,
            name=name,
            city=city,
            country=sys.intern(country),
            lat=self._lat[at],
            lon=self._lon[at],
            elevation_ft=self._elevation[at],
            tz=sys.intern(tz),
        )

    def airports(self) -> Iterator[Airport]:
        """The indexed airports in ICAO order, made one at a time."""
        places: Sequence[int] = range(len(self)) if self._by_code is None else self._by_code
        return (self._airport(at) for at in places)

    def get(self, icao: str) -> Airport | None:
        """The indexed airport with this ICAO code (case-insensitive), or None."""
        code = icao.upper()
        places: Sequence[int] = range(len(self)) if self._by_code is None else self._by_code
        found = bisect_left(places, code, key=lambda at: self._fields(at)[0])
        if found == len(places) or self._fields(places[found])[0] != code:
            return None
        return self._airport(places[found])

    def _span(self, key: int) -> Sequence[int]:
        cells = self._cell_of
        first = bisect_left(cells, key)
        if first == len(cells) or cells[first] != key:
            return ()  # most cells of a wide search hold no airport
        return self._members[first : bisect_right(cells, key, first)]

    def _near(self, lat: float, lon: float, radius_km: float) -> Iterator[tuple[float, int]]:
        """(haversine term, place) of each airport in the cells within reach, cell by cell."""
        phi = math.radians(lat)
        lam = math.radians(lon)
        cos_phi = math.cos(phi)
        sin = math.sin
        phis, lams, coss = self._phi, self._lam, self._cos
        for key in self._cell_keys(lat, lon, radius_km):
            for at in self._span(key):
                s1 = sin((phis[at] - phi) * 0.5)
                s2 = sin((lams[at] - lam) * 0.5)
                yield s1 * s1 + cos_phi * coss[at] * s2 * s2, at

    def _best(self, lat: float, lon: float, radius_km: float) -> tuple[float, Airport | None]:
        best_a, best = 2.0, -1
        for a, at in self._near(lat, lon, radius_km):
            if a < best_a:  # strictly: of equal ones the first stays, as in AirportIndex
                best_a, best = a, at
        if best < 0:
            return math.inf, None
        return _km(best_a), self._airport(best)

    def within(self, lat: float, lon: float, max_km: float) -> list[AirportMatch]:
        """Every indexed airport within max_km of (lat, lon), nearest first."""
        if max_km <= 0 or not (math.isfinite(lat) and math.isfinite(lon)):
            return []
        reached = ((_km(a), at) for a, at in self._near(lat, lon, max_km))
        found = [AirportMatch(self._airport(at), km) for km, at in reached if km <= max_km]
        found.sort(key=lambda match: (match.distance_km, match.airport.icao))
        return found


def _km(a: float) -> float:
    """The great-circle distance of a haversine term."""
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def jet_index() -> PackedIndex:
    """The default airports (`is_jet_airport`), as `AirportIndex(load_airports())` has them.

    Read straight from airportsdata's rows, which come in ascending ICAO order, each code
    once; were that ever not so, the index is made from `load_airports` instead.
    """
    index = PackedIndex(_airport(row) for row in _rows() if is_jet_airport(row))
    return index if index.codes_ascending else PackedIndex(load_airports())


def _text(airport: Airport) -> str:
    fields = (airport.icao, airport.iata or "", airport.name, airport.city, airport.country)
    if any(_SEP in field for field in (*fields, airport.tz)):
        raise ValueError(f"airport {airport.icao!r}: a text field holds U+001F")
    return _SEP.join((*fields, airport.tz))
