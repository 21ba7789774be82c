"""The bundled demo flight: a DEMO aircraft from Vnukovo to Baku. Pure (reads package data).

Demo data, labelled as such wherever it is shown: the hex lies in the unassigned "ff"
block, the registration and callsign are "DEMO1", and the flight is synthetic
(`bot.flights.synthetic`): it leaves Vnukovo (UUWW) at 01:54 Moscow time and lands at
Baku's Heydar Aliyev airport (UBBB) at 05:30 Baku time, as in the field report the
bot was built for. Regenerate the file with `python -m bot.flights.scenario`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from importlib import resources
from typing import Any, TextIO

from bot.flights.airports import get as airport
from bot.flights.reports import PositionReport, read_jsonl
from bot.flights.synthetic import flight

DEMO_HEX = "ffd001"
DEMO_REGISTRATION = "DEMO1"
DEMO_TAKEOFF = datetime(2025, 3, 13, 22, 54, tzinfo=UTC)  # 01:54 in Moscow (UTC+3)
DEMO_LANDING = datetime(2025, 3, 14, 1, 30, tzinfo=UTC)  # 05:30 in Baku (UTC+4)
DEMO_FILE = "demo_flight.jsonl"
DEMO_PROVIDER = "demo"
STEP_S = 60.0
# Low or on the ground the aircraft is polled at every position, so takeoff and landing
# are seen to the second; at cruise every `CRUISE_POLL_S`, which stays below the
# silence after which the detector starts asking whether it landed.
LOW_FT = 10_000
CRUISE_POLL_S = 120.0


def generate() -> list[PositionReport]:
    """The demo flight's reports, made afresh."""
    vnukovo, baku = airport("UUWW"), airport("UBBB")
    if vnukovo is None or baku is None:
        raise LookupError("airportsdata lacks UUWW or UBBB")
    return flight(
        DEMO_HEX, vnukovo, baku, DEMO_TAKEOFF, DEMO_LANDING, step_s=STEP_S, provider=DEMO_PROVIDER
    )


def jsonl_line(report: PositionReport) -> str:
    """One report in the replay format: readsb v2 field names plus `ts`."""
    obj: dict[str, Any] = {"hex": report.hex, "ts": report.ts.timestamp()}
    if report.callsign:
        obj["flight"] = f"{report.callsign:<8}"
    if report.registration:
        obj["r"] = report.registration
    if report.type_code:
        obj["t"] = report.type_code
    obj["lat"] = round(report.lat, 6)
    obj["lon"] = round(report.lon, 6)
    obj["alt_baro"] = "ground" if report.on_ground else report.alt_ft
    for key, value in (
        ("gs", report.gs_kt),
        ("track", report.track_deg),
        ("baro_rate", report.vrate_fpm),
        ("squawk", report.squawk),
    ):
        if value is not None:
            obj[key] = value
    return json.dumps(obj, separators=(",", ":"))


def write(reports: Iterable[PositionReport], out: TextIO) -> None:
    """Write reports as JSON Lines."""
    for report in reports:
        out.write(jsonl_line(report) + "\n")


def bundled_text() -> str:
    """The bundled file's text."""
    return resources.files("bot").joinpath("data", DEMO_FILE).read_text(encoding="utf-8")


def load() -> list[PositionReport]:
    """The bundled demo flight."""
    return list(read_jsonl(bundled_text().splitlines(), DEMO_FILE, provider=DEMO_PROVIDER))


def poll_instants(reports: Sequence[PositionReport]) -> list[datetime]:
    """When to poll to follow the flight closely at a fraction of the rounds.

    Every position while low or on the ground, and one per `CRUISE_POLL_S` above.
    """
    instants: list[datetime] = []
    for report in sorted(reports, key=lambda r: r.ts):
        low = report.on_ground or report.alt_ft is None or report.alt_ft < LOW_FT
        if not instants or low or (report.ts - instants[-1]).total_seconds() >= CRUISE_POLL_S:
            instants.append(report.ts)
    return instants


if __name__ == "__main__":
    write(generate(), sys.stdout)
