"""Detector throughput: 1,000,000 synthetic position reports from ~2,500 aircraft.

Run: `.venv/bin/python -m bench.flights_detector` (options: --reports, --runs, --seed).

Each synthetic aircraft (hex ff....) taxis five minutes at one real airport, flies
straight at 420 kt to another 150-600 km away (climbing at 2500 fpm, descending at
2000 fpm), lands and taxis five minutes, reporting every 5 s like a readsb feed. Their
departures are spread over two hours, so ~500 aircraft report at any moment. One report in
500 is a spoofed jump, and every aircraft squawks 7700 for a minute in one flight in 50.
Reports are made step by step (all aircraft at one time, untimed) and fed in time order;
`tick` runs every simulated 30 s, as the live poller would. Timed: `feed` and `tick` only.

Printed: reports per second (median of the runs), events found, and memory: the
process's maximum RSS, plus a separate tracemalloc pass measuring the peak of what the
detector and one step of reports allocate, and the detector's state per aircraft.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.flights.airports import Airport, default_index, load_airports
from bot.flights.detector import Detector, DetectorConfig
from bot.flights.geo import haversine_km
from bot.flights.reports import PositionReport

STEP_S = 5.0
TAXI_S = 300.0
SPEED_KT = 420.0
T0 = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Plan:
    """One synthetic flight."""

    hex: str
    dep: Airport
    arr: Airport
    start: float  # seconds after T0 when it starts taxiing
    flight_s: float
    emergency: bool

    @property
    def end(self) -> float:
        return self.start + 2 * TAXI_S + self.flight_s


def plans(count: int, rng: random.Random) -> list[Plan]:
    """Flights between real airports with an IATA code, 150-600 km apart."""
    fields = [a for a in load_airports() if a.iata]
    out: list[Plan] = []
    while len(out) < count:
        dep, arr = rng.sample(fields, 2)
        km = haversine_km(dep.lat, dep.lon, arr.lat, arr.lon)
        if not 150.0 <= km <= 600.0:
            continue
        flight_s = km / (SPEED_KT * 1.852) * 3600.0
        out.append(
            Plan(
                f"ff{len(out):04x}",
                dep,
                arr,
                rng.uniform(0.0, 7200.0),
                flight_s,
                rng.random() < 0.02,
            )
        )
    return out


def position(plan: Plan, t: float, rng: random.Random) -> PositionReport | None:
    """Where a planned aircraft is at t, or None when it is not on its flight then."""
    e = t - plan.start
    if e < 0 or e >= 2 * TAXI_S + plan.flight_s:
        return None
    squawk = "7700" if plan.emergency and 900 <= e < 960 else "2000"
    ts = T0 + timedelta(seconds=t)
    if e < TAXI_S or e >= TAXI_S + plan.flight_s:
        field = plan.dep if e < TAXI_S else plan.arr
        wobble = (e % 300.0) / 300.0 * 0.01
        return PositionReport(
            plan.hex,
            ts,
            field.lat + wobble,
            field.lon,
            None,
            True,
            12.0,
            90.0,
            None,
            squawk,
            "DEMO",
            "DEMO1",
            "GLF6",
            "bench",
        )
    f = (e - TAXI_S) / plan.flight_s
    lat = plan.dep.lat + (plan.arr.lat - plan.dep.lat) * f
    lon = plan.dep.lon + (plan.arr.lon - plan.dep.lon) * f
    flown = e - TAXI_S
    up = plan.dep.elevation_ft + 2500.0 * flown / 60.0
    down = plan.arr.elevation_ft + 2000.0 * (plan.flight_s - flown) / 60.0
    alt = min(up, 37000.0, down)
    vrate = 2500.0 if alt == up else (-2000.0 if alt == down else 0.0)
    if rng.random() < 0.002:
        lat, lon = -lat, lon + 90.0 if lon < 90.0 else lon - 90.0  # a spoofed jump
    return PositionReport(
        plan.hex,
        ts,
        lat,
        lon,
        round(alt),
        False,
        SPEED_KT,
        90.0,
        vrate,
        squawk,
        "DEMO",
        "DEMO1",
        "GLF6",
        "bench",
    )


def steps(all_plans: list[Plan], total: int, seed: int) -> Iterator[list[PositionReport]]:
    """Reports one time step at a time, until `total` reports were made."""
    rng = random.Random(seed)
    by_start = sorted(all_plans, key=lambda plan: plan.start)
    active: list[Plan] = []
    nxt = 0
    made = 0
    t = 0.0
    while made < total:
        while nxt < len(by_start) and by_start[nxt].start <= t:
            active.append(by_start[nxt])
            nxt += 1
        batch = []
        for plan in active:
            report = position(plan, t, rng)
            if report is not None:
                batch.append(report)
        active = [plan for plan in active if plan.end > t]
        batch = batch[: total - made]
        made += len(batch)
        yield batch
        t += STEP_S
        if nxt >= len(by_start) and not active and made < total:
            raise RuntimeError("not enough planned flights for the requested reports")


def one_run(all_plans: list[Plan], total: int, seed: int) -> tuple[float, float, int, int]:
    """(seconds feeding and ticking by the wall clock, and of CPU, events, aircraft
    tracked) for one pass."""
    detector = Detector(DetectorConfig(), default_index())
    busy = 0.0
    busy_cpu = 0.0
    events = 0
    last_tick = T0
    for batch in steps(all_plans, total, seed):
        if not batch:
            continue
        now = batch[0].ts
        started, started_cpu = time.perf_counter(), time.process_time()
        for report in batch:
            events += len(detector.feed(report))
        if now - last_tick >= timedelta(seconds=30):
            events += len(detector.tick(now))
            last_tick = now
        busy += time.perf_counter() - started
        busy_cpu += time.process_time() - started_cpu
    return busy, busy_cpu, events, len(detector)


def traced(all_plans: list[Plan], total: int, seed: int) -> tuple[int, int, int]:
    """(peak bytes while feeding, bytes held at the end, aircraft tracked), by tracemalloc.

    Tracing slows everything down, so this is a separate pass.
    """
    generator = steps(all_plans, total, seed)
    detector = Detector(DetectorConfig(), default_index())
    tracemalloc.start()
    try:
        for batch in generator:
            for report in batch:
                detector.feed(report)
            if batch:
                detector.tick(batch[0].ts)
        held, peak = tracemalloc.get_traced_memory()
        return peak, held, len(detector)
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()

    default_index()  # load airports outside the timing
    rng = random.Random(args.seed)
    # ~400 reports per flight on average; plan enough flights to reach the total.
    all_plans = plans(args.reports // 350 + 50, rng)
    rates = []
    cpu_rates = []
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for run in range(args.runs):
        busy, busy_cpu, events, tracked = one_run(all_plans, args.reports, args.seed)
        rates.append(args.reports / busy)
        cpu_rates.append(args.reports / busy_cpu)
        print(
            f"run {run + 1}: {args.reports:,} reports in {busy:.2f} s = "
            f"{args.reports / busy:,.0f} reports/s ({args.reports / busy_cpu:,.0f} per CPU "
            f"second); {events:,} events; {tracked:,} aircraft"
        )
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak, held, tracked = traced(all_plans, args.reports, args.seed)
    print(
        f"median: {statistics.median(rates):,.0f} reports/s over {args.runs} runs, "
        f"{statistics.median(cpu_rates):,.0f} per CPU second (on a shared machine the wall "
        f"clock mostly measures the wait for a core)"
    )
    print(f"peak RSS of the process: {rss_mb:.0f} MB (airport data and report generation included)")
    print(
        f"tracemalloc while feeding: peak {peak / 1e6:.1f} MB; detector state at the end "
        f"{held / 1e6:.1f} MB for {tracked:,} aircraft = {held / max(tracked, 1):,.0f} B each"
    )


if __name__ == "__main__":
    main()
