"""Airports and the nearest-airport lookup, over the `airportsdata` package.

The lookup is a grid of 1°x1° cells. A query visits only the cells that can hold a
point within the search radius (the exact longitude extent of a spherical cap, so it
stays correct near the poles and wraps across the antimeridian), widening the radius in
steps so that a large `max_km` costs little when an airport is close. Distances are
great-circle (haversine) distances on a 6371 km sphere.

Which airports are indexed by default: those with an IATA code, plus fields named as
military air bases. An IATA code marks airports with scheduled or charter service, which
covers where business and state jets go (7,884 of the 28,298 ICAO entries in the
airportsdata release this was written against); air bases are added because government
jets use them and many have no IATA code. Left out are airstrips, farm strips and private
fields, which would otherwise be the "nearest airport" to a jet on a long final over the
countryside. `get()` still knows every ICAO airport in the data set.
"""

from __future__ import annotations

import csv
import functools
import math
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import airportsdata

from bot.flights.geo import EARTH_RADIUS_KM

_AIR_BASE = re.compile(r"\bair\s*(force\s+)?base\b|\bairbase\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Airport:
    """An airport.

    Attributes:
        icao: ICAO location indicator ("UUWW").
        iata: IATA code ("VKO"), or None.
        name: name in English as given by airportsdata.
        city: city it serves ("" when unknown).
        country: ISO 3166-1 alpha-2 country code.
        lat: latitude of the reference point, degrees.
        lon: longitude of the reference point, degrees.
        elevation_ft: elevation in feet.
        tz: IANA time zone ("Europe/Moscow"), for showing local times.
    """

    icao: str
    iata: str | None
    name: str
    city: str
    country: str
    lat: float
    lon: float
    elevation_ft: int
    tz: str


@dataclass(frozen=True, slots=True)
class AirportMatch:
    """The result of a nearest-airport query."""

    airport: Airport
    distance_km: float


def is_jet_airport(raw: Mapping[str, Any]) -> bool:
    """The default filter: has an IATA code, or is named as a military air base."""
    return bool(raw.get("iata")) or bool(_AIR_BASE.search(str(raw.get("name", ""))))


def _airport(raw: Mapping[str, Any]) -> Airport:
    return Airport(
        icao=str(raw["icao"]),
        iata=str(raw["iata"]) or None,
        name=str(raw["name"]),
        city=str(raw.get("city") or ""),
        # Interned: a few hundred distinct values shared by 28,000 airports.
        country=sys.intern(str(raw["country"])),
        lat=float(raw["lat"]),
        lon=float(raw["lon"]),
        elevation_ft=round(float(raw.get("elevation") or 0.0)),
        tz=sys.intern(str(raw["tz"])),
    )


def _rows() -> Iterator[dict[str, Any]]:
    """airportsdata's rows, one at a time, as `airportsdata.load` reads them.

    Read here rather than through `load`, which keeps all 28,000 rows as dicts at
    once (about 30 MB that the process never gives back): each row is dropped once
    it is turned into an `Airport`.
    """
    data = resources.files(airportsdata).joinpath("airports.csv")
    with data.open(encoding="utf8") as lines:
        for row in csv.DictReader(lines, quoting=csv.QUOTE_NONNUMERIC):
            if row["icao"]:
                yield row


@functools.cache
def _others() -> dict[str, Airport]:
    # The airports outside the default index (airstrips, heliports...), for `get`: read
    # on the first code the index lacks (about 0.3 s), which a bot watching jets may
    # never ask for; the 20,000 of them hold about 9 MB.
    return {str(row["icao"]): _airport(row) for row in _rows() if not is_jet_airport(row)}


def load_airports(include: Callable[[Mapping[str, Any]], bool] = is_jet_airport) -> list[Airport]:
    """The airportsdata airports that `include` accepts, in ICAO order."""
    chosen = {str(row["icao"]): _airport(row) for row in _rows() if include(row)}
    return [chosen[icao] for icao in sorted(chosen)]


class AirportIndex:
    """A spatial index of airports for nearest-airport queries.

    Args:
        airports: the airports to index.
        cell_deg: grid cell size in degrees; 1° keeps cells small (a few airports each)
            while a typical query (<= 30 km) touches at most four cells.
    """

    def __init__(self, airports: Iterable[Airport], cell_deg: float = 1.0) -> None:
        if not 0 < cell_deg <= 90 or (180 / cell_deg) % 1 or (360 / cell_deg) % 1:
            raise ValueError("cell_deg must divide 180 evenly")
        self._cell = cell_deg
        self._nlat = round(180 / cell_deg)
        self._nlon = round(360 / cell_deg)
        self._by_icao: dict[str, Airport] = {}
        self._cells: dict[int, list[tuple[float, float, float, Airport]]] = {}
        for airport in airports:
            self._add(airport)

    def _add(self, airport: Airport) -> None:
        self._by_icao[airport.icao] = airport
        phi = math.radians(airport.lat)
        entry = (phi, math.radians(airport.lon), math.cos(phi), airport)
        self._cells.setdefault(self._key(airport.lat, airport.lon), []).append(entry)

    def __len__(self) -> int:
        return len(self._by_icao)

    def get(self, icao: str) -> Airport | None:
        """The indexed airport with this ICAO code (case-insensitive), or None."""
        return self._by_icao.get(icao.upper())

    def airports(self) -> Iterator[Airport]:
        """The indexed airports in ICAO order, as `load_airports` lists them."""
        return (self._by_icao[icao] for icao in sorted(self._by_icao))

    def _row(self, lat: float) -> int:
        return min(self._nlat - 1, max(0, int((lat + 90.0) // self._cell)))

    def _col(self, lon: float) -> int:
        return int((lon + 180.0) // self._cell) % self._nlon

    def _key(self, lat: float, lon: float) -> int:
        return self._row(lat) * self._nlon + self._col(lon)

    def _cell_keys(self, lat: float, lon: float, radius_km: float) -> Iterable[int]:
        """Keys of every cell that may hold a point within radius_km of (lat, lon)."""
        d = radius_km / EARTH_RADIUS_KM  # angular radius, radians
        dlat = math.degrees(d)
        row_lo = self._row(lat - dlat)
        row_hi = self._row(lat + dlat)
        cos_lat = math.cos(math.radians(lat))
        if lat - dlat <= -90.0 or lat + dlat >= 90.0 or math.sin(d) >= cos_lat:
            # The cap holds a pole: every longitude is within reach.
            cols: Iterable[int] = range(self._nlon)
        else:
            # Exact half-width in longitude of a spherical cap, plus a hair for rounding.
            dlon = math.degrees(math.asin(math.sin(d) / cos_lat)) + 1e-9
            col_lo = int((lon - dlon + 180.0) // self._cell)
            col_hi = int((lon + dlon + 180.0) // self._cell)
            if col_hi - col_lo + 1 >= self._nlon:
                cols = range(self._nlon)
            else:
                cols = [c % self._nlon for c in range(col_lo, col_hi + 1)]
        nlon = self._nlon
        return [row * nlon + col for row in range(row_lo, row_hi + 1) for col in cols]

    def _best(self, lat: float, lon: float, radius_km: float) -> tuple[float, Airport | None]:
        phi = math.radians(lat)
        lam = math.radians(lon)
        cos_phi = math.cos(phi)
        best_a = 2.0
        best: Airport | None = None
        sin = math.sin
        cells = self._cells
        for key in self._cell_keys(lat, lon, radius_km):
            for a_phi, a_lam, a_cos, airport in cells.get(key, ()):
                s1 = sin((a_phi - phi) * 0.5)
                s2 = sin((a_lam - lam) * 0.5)
                a = s1 * s1 + cos_phi * a_cos * s2 * s2
                if a < best_a:
                    best_a = a
                    best = airport
        if best is None:
            return math.inf, None
        return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, best_a))), best

    def nearest(self, lat: float, lon: float, max_km: float) -> AirportMatch | None:
        """The nearest indexed airport within max_km of (lat, lon), or None.

        Args:
            lat: latitude in degrees.
            lon: longitude in degrees (any value; it is wrapped).
            max_km: search radius in km.
        """
        if max_km <= 0 or not (math.isfinite(lat) and math.isfinite(lon)):
            return None
        # Widen in steps: a big max_km then costs little when an airport is close.
        radius = min(max_km, 50.0)
        while True:
            distance, airport = self._best(lat, lon, radius)
            if airport is not None and distance <= radius:
                return AirportMatch(airport, distance)
            if radius >= max_km:
                return None
            radius = min(max_km, radius * 4)

    def within(self, lat: float, lon: float, max_km: float) -> list[AirportMatch]:
        """Every indexed airport within max_km of (lat, lon), nearest first."""
        if max_km <= 0 or not (math.isfinite(lat) and math.isfinite(lon)):
            return []
        phi = math.radians(lat)
        lam = math.radians(lon)
        cos_phi = math.cos(phi)
        found: list[AirportMatch] = []
        for key in self._cell_keys(lat, lon, max_km):
            for a_phi, a_lam, a_cos, airport in self._cells.get(key, ()):
                s1 = math.sin((a_phi - phi) * 0.5)
                s2 = math.sin((a_lam - lam) * 0.5)
                a = s1 * s1 + cos_phi * a_cos * s2 * s2
                distance = 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))
                if distance <= max_km:
                    found.append(AirportMatch(airport, distance))
        found.sort(key=lambda match: (match.distance_km, match.airport.icao))
        return found


@functools.cache
def default_index() -> AirportIndex:
    """The index of the default (jet-relevant) airports, built once per process.

    Packed into arrays (`bot.flights.airports_packed`): the bot keeps it from its first
    flight poll on, in a fifth of the memory of `Airport` objects.
    """
    from bot.flights.airports_packed import jet_index  # it builds on this module

    return jet_index()


def nearest(lat: float, lon: float, max_km: float) -> AirportMatch | None:
    """The nearest jet-relevant airport within max_km, from the default index."""
    return default_index().nearest(lat, lon, max_km)


def get(icao: str) -> Airport | None:
    """Any airport in airportsdata by ICAO code (case-insensitive), or None."""
    code = icao.strip().upper()
    return default_index().get(code) or _others().get(code)
