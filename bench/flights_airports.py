"""Nearest-airport lookups per second, and the cost of building the index.

Run: `.venv/bin/python -m bench.flights_airports` (options: --queries, --runs, --seed).

Queries come in three kinds: near an airport (within 20 km of a random indexed one,
as the detector asks around takeoffs and landings), anywhere on the globe (mostly over
sea or empty land, the worst case for a ring search that finds nothing), and `within`
30 km (the candidate list used to pick the airport an aircraft is approaching).
"""

from __future__ import annotations

import argparse
import functools
import math
import random
import statistics
import time
from collections.abc import Callable

from bot.flights.airports import AirportIndex, default_index, load_airports


def near_airport_points(
    index: AirportIndex, count: int, rng: random.Random
) -> list[tuple[float, float]]:
    fields = load_airports()
    points = []
    for _ in range(count):
        field = rng.choice(fields)
        km = rng.uniform(0.0, 20.0)
        bearing = rng.uniform(0.0, 2 * math.pi)
        lat = field.lat + km * math.cos(bearing) / 111.2
        lon = field.lon + km * math.sin(bearing) / (111.2 * max(0.05, math.cos(math.radians(lat))))
        points.append((max(-90.0, min(90.0, lat)), (lon + 180.0) % 360.0 - 180.0))
    return points


def globe_points(count: int, rng: random.Random) -> list[tuple[float, float]]:
    # Uniform on the sphere, poles included.
    return [
        (math.degrees(math.asin(rng.uniform(-1.0, 1.0))), rng.uniform(-180.0, 180.0))
        for _ in range(count)
    ]


def rate(query: Callable[[float, float], object], points: list[tuple[float, float]]) -> float:
    started = time.perf_counter()
    for lat, lon in points:
        query(lat, lon)
    return len(points) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    started = time.perf_counter()
    index = default_index()  # airportsdata load + filter + grid, once per process
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    objects = AirportIndex(load_airports())
    rebuild_s = time.perf_counter() - started
    print(
        f"default index: {len(index):,} airports; first build {build_s * 1000:.0f} ms "
        f"(with loading airportsdata), rebuild {rebuild_s * 1000:.0f} ms"
    )

    rng = random.Random(args.seed)
    near = near_airport_points(index, args.queries, rng)
    globe = globe_points(args.queries, rng)
    # The default index is packed into arrays (bot.flights.airports_packed); the same
    # airports as `Airport` objects are timed beside it, alternately, as the "before".
    for name, points, query in (
        ("nearest(10 km), near airports", near, lambda i, a, b: i.nearest(a, b, 10.0)),
        ("nearest(30 km), near airports", near, lambda i, a, b: i.nearest(a, b, 30.0)),
        ("nearest(30 km), anywhere", globe, lambda i, a, b: i.nearest(a, b, 30.0)),
        ("nearest(300 km), anywhere", globe, lambda i, a, b: i.nearest(a, b, 300.0)),
        ("within(30 km), near airports", near, lambda i, a, b: i.within(a, b, 30.0)),
    ):
        rates: dict[str, list[float]] = {"packed": [], "objects": []}
        for _ in range(args.runs):
            for label, each in (("packed", index), ("objects", objects)):
                rates[label].append(rate(functools.partial(query, each), points))
        print(
            f"{name:32s} median {statistics.median(rates['packed']):>10,.0f} lookups/s "
            f"(as Airport objects: {statistics.median(rates['objects']):,.0f})"
        )


if __name__ == "__main__":
    main()
