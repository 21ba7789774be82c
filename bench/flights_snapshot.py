"""One global readsb v2 snapshot (10,000 aircraft, ~5 MB) against a 20,000-hex watchlist.

Run: `.venv/bin/python -m bench.flights_snapshot` (options: --aircraft, --watchlist,
--watched-in-view, --runs, --seed).

The snapshot is synthetic but shaped like an adsb.lol / adsb.fi / airplanes.live answer
(`{"ac": [...], "msg", "now" (ms), "total", "ctime", "ptime"}`), each aircraft with the
fields readsb sends (air data for half of them); hex codes are from the unassigned "ff"
block. The watchlist has 20,000 hexes, of which 40 are in view. Timed per snapshot,
from the raw bytes as they come off the wire:

* `from_readsb_v2_json(raw, only=watchlist)`: what the poller calls; it locates the
  aircraft objects and decodes only the watched ones;
* the same, then the 40 watched reports through a detector;
* `json.loads` + `from_readsb_v2(only=watchlist)`: decoding the whole answer first;
* `json.loads` alone, and `from_readsb_v2_json` of all 10,000 aircraft (no watchlist).

Stdlib `json` (orjson is not a dependency). Medians of several runs.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from bot.flights.airports import default_index
from bot.flights.detector import Detector, DetectorConfig
from bot.flights.reports import from_readsb_v2, from_readsb_v2_json

NOW_MS = 1_735_772_040_000


def aircraft(hex_: str, rng: random.Random) -> dict[str, Any]:
    """One aircraft object with the fields readsb sends for an ADS-B target.

    Wind, temperature and air data (from Mode S EHS replies) come only for about half
    the aircraft, as in real answers.
    """
    on_ground = rng.random() < 0.1
    obj: dict[str, Any] = {
        "hex": hex_,
        "type": "adsb_icao",
        "flight": f"DEMO{rng.randrange(9999):<4d}",
        "r": f"DEMO{rng.randrange(99999)}",
        "t": rng.choice(["A320", "B738", "GLF6", "E190"]),
        "alt_baro": "ground" if on_ground else rng.randrange(1000, 43000, 25),
        "alt_geom": rng.randrange(1000, 43000, 25),
        "gs": round(rng.uniform(0, 520), 1),
        "track": round(rng.uniform(0, 360), 2),
        "baro_rate": rng.randrange(-3000, 3000, 64),
        "squawk": f"{rng.randrange(8)}{rng.randrange(8)}{rng.randrange(8)}{rng.randrange(8)}",
        "emergency": "none",
        "category": "A3",
    }
    if rng.random() < 0.5:
        obj.update(
            ias=rng.randrange(120, 330),
            tas=rng.randrange(120, 500),
            mach=round(rng.uniform(0.2, 0.85), 3),
            wd=rng.randrange(360),
            ws=rng.randrange(120),
            oat=rng.randrange(-60, 30),
            tat=rng.randrange(-40, 35),
            roll=round(rng.uniform(-25, 25), 2),
            mag_heading=round(rng.uniform(0, 360), 2),
            true_heading=round(rng.uniform(0, 360), 2),
            nav_qnh=round(rng.uniform(990, 1030), 1),
            nav_altitude_mcp=rng.randrange(0, 43000, 100),
        )
    obj.update(
        lat=round(rng.uniform(-60, 70), 6),
        lon=round(rng.uniform(-180, 180), 6),
        nic=8,
        rc=186,
        seen_pos=round(rng.uniform(0, 10), 1),
        version=2,
        nic_baro=1,
        nac_p=9,
        nac_v=1,
        sil=3,
        sil_type="perhour",
        gva=2,
        sda=2,
        alert=0,
        spi=0,
        mlat=[],
        tisb=[],
        messages=rng.randrange(100, 100000),
        seen=round(rng.uniform(0, 5), 1),
        rssi=round(rng.uniform(-30, -3), 1),
    )
    return obj


def build(
    aircraft_count: int, watch_count: int, watched_in_view: int, seed: int
) -> tuple[bytes, frozenset[str]]:
    """The snapshot as raw bytes, and the watchlist."""
    rng = random.Random(seed)
    # In view: ff0000-ff7fff; the rest of the watchlist: ff8000-ffffff (never in view).
    in_view = [f"ff{n:04x}" for n in rng.sample(range(0x8000), aircraft_count)]
    elsewhere = [f"ff{n:04x}" for n in rng.sample(range(0x8000, 0x10000), watch_count)]
    watchlist = frozenset(elsewhere[: watch_count - watched_in_view] + in_view[:watched_in_view])
    envelope = {
        "ac": [aircraft(hex_, rng) for hex_ in in_view],
        "msg": "No error",
        "now": NOW_MS,
        "total": aircraft_count,
        "ctime": NOW_MS - 80,
        "ptime": 42,
    }
    return json.dumps(envelope, separators=(",", ":")).encode(), watchlist


def median_ms(fn: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aircraft", type=int, default=10_000)
    parser.add_argument("--watchlist", type=int, default=20_000)
    parser.add_argument("--watched-in-view", type=int, default=40)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()

    raw, watchlist = build(args.aircraft, args.watchlist, args.watched_in_view, args.seed)
    print(
        f"snapshot: {len(raw) / 1e6:.1f} MB, {args.aircraft:,} aircraft; "
        f"watchlist {len(watchlist):,} hexes, {args.watched_in_view} in view"
    )
    airports = default_index()

    def shortcut() -> int:
        return len(from_readsb_v2_json(raw, "bench", only=watchlist))

    def shortcut_detect() -> int:
        detector = Detector(DetectorConfig(), airports)  # fresh: the reports are new to it
        reports = from_readsb_v2_json(raw, "bench", only=watchlist)
        return sum(len(detector.feed(report)) for report in reports)

    def decode_all_then_match() -> int:
        return len(from_readsb_v2(json.loads(raw), "bench", only=watchlist))

    def loads_only() -> object:
        return json.loads(raw)

    def everything() -> int:
        return len(from_readsb_v2_json(raw, "bench"))

    assert shortcut() == decode_all_then_match() == args.watched_in_view
    for name, fn in [
        ("from_readsb_v2_json + watchlist", shortcut),
        ("  ... + detector", shortcut_detect),
        ("json.loads + from_readsb_v2 + watchlist", decode_all_then_match),
        ("json.loads alone", loads_only),
        ("all 10,000 aircraft to reports", everything),
    ]:
        med, times = median_ms(fn, args.runs)
        print(
            f"{name:40s} median {med:6.1f} ms per snapshot "
            f"(min {min(times):.1f}, max {max(times):.1f}, {args.runs} runs)"
        )


if __name__ == "__main__":
    main()
