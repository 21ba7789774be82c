"""How early the destination predictor names where a flight lands, on real recordings.

Run: `.venv/bin/python -m bench.flights_destination` (options: --dir DIR ..., --verbose).

Every landing in the hand-written truth (`truth.json` of tests/data/recordings and of its
`heldout/` folder: the airport and time the wheels touched, read from the data by hand)
is a flight. Its airborne reports (not on the ground, at least `MIN_AGL_FT` above the
landing airport's elevation, so taxiing and the roll are left out), oldest first, are
fed to a `DestinationPredictor` as the poller would feed them; at 60, 30 and 15 minutes
before the landing the prediction is taken from the fixes up to then. A horizon counts
for a flight only when the aircraft was in the air and seen within `FRESH_S` before it
(a recording that starts later, or a gap, has nothing to predict from).

Two runs: the track alone (no history, no route), and the track with the landings of
every other flight of the same folder as the "usual airports" (`route`), leave-one-out:
what a store holding the fleet's earlier landings in the area gives.

Figures: per horizon, the share of flights whose actual landing airport was the most
likely candidate; the ETA error (|predicted touchdown − actual|) of that candidate when
it was the right one; and the ETA error to the actual destination at every horizon (the
ETA model alone, whatever was ranked first); medians and 90th percentiles. The
aircraft's own history is never given: the recordings hold one or two flights per
aircraft, so it would name the answer.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.flights import airports
from bot.flights.destination import DestinationPredictor, Fix, counts, eta_seconds
from bot.flights.geo import haversine_km
from bot.flights.replay import read_files
from bot.flights.reports import ReplayReport

DEFAULT_DIRS = (
    Path(__file__).resolve().parent.parent / "tests" / "data" / "recordings",
    Path(__file__).resolve().parent.parent / "tests" / "data" / "recordings" / "heldout",
)
HORIZONS_MIN = (60, 30, 15)
FRESH_S = 300.0
MIN_AGL_FT = 300
TIMINGS: list[float] = []  # seconds per prediction


@dataclass(frozen=True, slots=True)
class Landing:
    file: Path
    hex: str
    airport: str
    t: float


@dataclass(frozen=True, slots=True)
class Outcome:
    landing: Landing
    horizon: int
    predicted: str | None
    probability: float
    eta_error_s: float | None
    # The ETA to the actual destination, whichever came first: the ETA model alone.
    truth_eta_error_s: float | None


def _t(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def landings(directory: Path) -> list[Landing]:
    """The landings of a folder's truth."""
    doc = json.loads((directory / "truth.json").read_text(encoding="utf-8"))
    return [
        Landing(directory / e["file"], e["hex"], e["airport"], _t(e["ts"]))
        for e in doc["events"]
        if e["kind"] == "landing"
    ]


def _airborne(reports: list[ReplayReport], elevation: int) -> list[ReplayReport]:
    return [
        r
        for r in reports
        if not r.on_ground and r.alt_ft is not None and r.alt_ft - elevation >= MIN_AGL_FT
    ]


def outcomes(
    predictor: DestinationPredictor,
    landing: Landing,
    reports: list[ReplayReport],
    route: dict[str, int],
) -> list[Outcome]:
    """The predictions at each horizon of one landing (horizons without data left out)."""
    arrival = airports.get(landing.airport)
    elevation = arrival.elevation_ft if arrival is not None else 0
    # The flight: the airborne reports of the hour-and-a-half before the landing.
    flown = [r for r in reports if landing.t - 6 * 3600 <= r.t < landing.t]
    flown = _airborne(flown, elevation)
    out: list[Outcome] = []
    for horizon in HORIZONS_MIN:
        moment = landing.t - horizon * 60
        seen = [r for r in flown if r.t <= moment]
        if not seen or moment - seen[-1].t > FRESH_S:
            continue
        window = [Fix.of(r) for r in seen if r.t >= seen[-1].t - predictor.config.window_s]
        started = time.perf_counter()
        prediction = predictor.predict_from(window, visits={}, route=route)
        TIMINGS.append(time.perf_counter() - started)
        best = prediction.best if prediction is not None else None
        error = (
            abs(best.eta.timestamp() - landing.t)
            if best is not None and best.eta is not None and best.icao == landing.airport
            else None
        )
        last = seen[-1]
        truth_error = (
            abs(
                last.t
                + eta_seconds(
                    haversine_km(last.lat, last.lon, arrival.lat, arrival.lon),
                    last.gs_kt,
                    predictor.config,
                )
                - landing.t
            )
            if arrival is not None and last.gs_kt is not None
            else None
        )
        out.append(
            Outcome(
                landing,
                horizon,
                best.icao if best else None,
                best.probability if best else 0.0,
                error,
                truth_error,
            )
        )
    return out


def _table(results: list[Outcome]) -> None:
    print(
        "| before landing | flights | destination most likely | ETA error when right,"
        " median | p90 | ETA error to the actual destination, median | p90 |"
    )
    print("|---|---|---|---|---|---|---|")
    for horizon in HORIZONS_MIN:
        at = [o for o in results if o.horizon == horizon]
        right = sum(1 for o in at if o.predicted == o.landing.airport)
        errors = sorted(o.eta_error_s / 60 for o in at if o.eta_error_s is not None)
        median, p90 = _median(errors), _p90(errors)
        share = f"{right}/{len(at)} = {right / len(at):.2f}" if at else "–"
        truth = sorted(o.truth_eta_error_s / 60 for o in at if o.truth_eta_error_s is not None)
        print(
            f"| {horizon} min | {len(at)} | {share} | {median} | {p90} | {_median(truth)}"
            f" | {_p90(truth)} |"
        )


def _ms(values: list[float], share: float) -> str:
    return f"{values[min(len(values) - 1, int(share * len(values)))]:.2f} ms"


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} min" if values else "–"


def _p90(values: list[float]) -> str:
    return f"{values[min(len(values) - 1, int(0.9 * len(values)))]:.1f} min" if values else "–"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, action="append", help="recordings with truth.json")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    predictor = DestinationPredictor(airports.load_airports())
    started = time.perf_counter()
    runs: dict[str, list[Outcome]] = {"track alone": [], "track + other flights' landings": []}
    for directory in args.dir or DEFAULT_DIRS:
        every = landings(directory)
        by_file: dict[Path, list[Landing]] = defaultdict(list)
        for landing in every:
            by_file[landing.file].append(landing)
        for path, wanted in sorted(by_file.items()):
            reports = read_files([path])
            for landing in wanted:
                mine = sorted((r for r in reports if r.hex == landing.hex), key=lambda r: r.t)
                others = counts(o.airport for o in every if o != landing)
                runs["track alone"].extend(outcomes(predictor, landing, mine, {}))
                runs["track + other flights' landings"].extend(
                    outcomes(predictor, landing, mine, others)
                )
    elapsed = time.perf_counter() - started
    results = runs["track alone"]
    flights = {(o.landing.file, o.landing.hex, o.landing.t) for o in results}
    print(f"{len(flights)} landings with airborne data before them, {elapsed:.1f} s")
    ms = sorted(t * 1000 for t in TIMINGS)
    print(
        f"{len(ms)} predictions over {predictor.candidates} airports: median {_ms(ms, 0.5)},"
        f" p90 {_ms(ms, 0.9)}, max {ms[-1]:.2f} ms"
    )
    for name, run in runs.items():
        print(f"\n{name}\n")
        _table(run)
    if args.verbose:
        for o in results:
            mark = "ok " if o.predicted == o.landing.airport else "MISS"
            print(
                f"{mark} {o.landing.file.name} {o.landing.hex} -{o.horizon} min: "
                f"truth {o.landing.airport}, predicted {o.predicted} ({o.probability:.2f}),"
                f" ETA error {o.eta_error_s}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
