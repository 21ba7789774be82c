"""The demo's ADS-B provider: readsb "v2" lookups by hex, as adsb.lol answers them.

Serves ``GET /v2/hex/<hex>[,<hex>...]`` (and ``/v2/icao/``) from position reports loaded
beforehand, on a clock the demo sets: each aircraft at its latest position at or before
that instant, in the envelope and field names of `bot.demo_fakes.readsb`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Final

from aiohttp import web

from .readsb import (
    FakeAircraft,
    point_at,
    readsb_envelope,
    readsb_object,
    report_point,
)
from .server import LoopbackServer

__all__ = ["DemoADSB"]

# readsb leaves out an aircraft it has not heard from for a few minutes.
_DROP_AFTER_S: Final = 300.0


class DemoADSB(LoopbackServer):
    """A readsb v2 provider on 127.0.0.1 that serves the tracks it was given."""

    def __init__(self) -> None:
        """No aircraft; the clock at 0 until `set_time`."""
        super().__init__()
        self._now = 0.0
        self._aircraft: dict[str, FakeAircraft] = {}

    def _routes(self, app: web.Application) -> None:
        app.router.add_get("/v2/{lookup:hex|icao}/{ids}", self._lookup)

    def clock(self) -> float:
        """The provider's time, Unix seconds."""
        return self._now

    def set_time(self, ts: float | datetime) -> None:
        """Moves the provider's clock to `ts` (Unix seconds or an aware datetime)."""
        self._now = ts.timestamp() if isinstance(ts, datetime) else float(ts)

    def load_reports(self, reports: Iterable[Any]) -> None:
        """Adds position reports (the bot's ``PositionReport``) to their aircraft's tracks."""
        for report in reports:
            hex_code = report.hex.lower()
            aircraft = self._aircraft.setdefault(hex_code, FakeAircraft(hex_code))
            aircraft.add([report_point(report)])
            aircraft.callsign = report.callsign or aircraft.callsign
            aircraft.registration = report.registration or aircraft.registration
            aircraft.type_code = report.type_code or aircraft.type_code

    async def _lookup(self, request: web.Request) -> web.Response:
        found = []
        for hex_code in request.match_info["ids"].split(","):
            aircraft = self._aircraft.get(hex_code.strip().lower())
            at = point_at(aircraft, self._now, _DROP_AFTER_S) if aircraft else None
            if aircraft is not None and at is not None:
                found.append(readsb_object(aircraft, at[0], at[1], self._now))
        body = json.dumps(readsb_envelope(found, self._now), separators=(",", ":"))
        return web.Response(text=body, content_type="application/json")
