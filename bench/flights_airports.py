"""Nearest-airport lookups per second, and the cost of building the index.

Run: `.venv/bin/python -m bench.flights_airports` (options: --queries, --runs, --seed).

Queries come in three kinds: near an airport (within 20 km of a random indexed one,
as the detector asks around takeoffs and landings), anywhere on the globe (mostly over
sea or empty land, the worst case for a ring search that finds nothing), and `within`
30 km (the candidate list used to pick the airport an aircraft is approaching).
"""

from __future__ import annotations

import argparse
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
    AirportIndex(load_airports())
    rebuild_s = time.perf_counter() - started
    print(
        f"default index: {len(index):,} airports; first build {build_s * 1000:.0f} ms "
        f"(with loading airportsdata), rebuild {rebuild_s * 1000:.0f} ms"
    )

    rng = random.Random(args.seed)
    near = near_airport_points(index, args.queries, rng)
    globe = globe_points(args.queries, rng)
    cases: list[tuple[str, Callable[[float, float], object], list[tuple[float, float]]]] = [
        ("nearest(10 km), near airports", lambda a, b: index.nearest(a, b, 10.0), near),
        ("nearest(30 km), near airports", lambda a, b: index.nearest(a, b, 30.0), near),
        ("nearest(30 km), anywhere", lambda a, b: index.nearest(a, b, 30.0), globe),
        ("nearest(300 km), anywhere", lambda a, b: index.nearest(a, b, 300.0), globe),
        ("within(30 km), near airports", lambda a, b: index.within(a, b, 30.0), near),
    ]
    for name, query, points in cases:
        rates = [rate(query, points) for _ in range(args.runs)]
        print(
            f"{name:32s} median {statistics.median(rates):>10,.0f} lookups/s "
            f"(runs: {', '.join(f'{r:,.0f}' for r in rates)})"
        )


if __name__ == "__main__":
    main()
