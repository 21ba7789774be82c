"""/timeline as a picture: what the chart shows, worded in the chat's language here, drawn
in the map worker process (`bot.flights.map_worker`) by `bot.exports.timeline_draw`.

The chart's input is plain data (`ChartSpec`: lane names, points, date ticks, title
already translated), so the drawing process needs no catalogs, the same input draws the
same bytes, and its digest (`ChartSpec.key`) names the picture for sending it again by
Telegram's file id.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton

from bot.exports.timeline import (
    FlightMoment,
    LinkMoment,
    Moment,
    StatementMoment,
    Timeline,
    VenueMoment,
)
from bot.exports.timeline_text import venue_label
from bot.flights.maps import MapUnavailable, worker
from bot.kernel.i18n import Translator

SIZE_PX = (1200, 520)
# More labels than this crowd the chart: the points are drawn, the labels left out.
MAX_LABELS = 40
_MAX_TICKS = 10
_FLIGHT_SIGN = {"takeoff": "↑", "landing": "↓", "destination": "→"}


@dataclass(frozen=True, slots=True)
class ChartPoint:
    """One moment on the chart: its lane (0 flights, 1 statements, 2 venues), its time as
    seconds since the epoch, a short label ("" for none) and its marker's kind."""

    lane: int
    x: float
    label: str
    mark: str


@dataclass(frozen=True, slots=True)
class ChartSpec:
    """Everything the chart shows, as plain data."""

    title: str
    lanes: tuple[str, str, str]
    since: float
    until: float
    ticks: tuple[tuple[float, str], ...]
    points: tuple[ChartPoint, ...]
    footer: str
    empty: str
    # Linked pairs: (landing, statement) as seconds since the epoch, drawn as a connector.
    links: tuple[tuple[float, float], ...] = ()
    size_px: tuple[int, int] = SIZE_PX

    def key(self) -> str:
        """'timeline:<sha256 of the input>': same input, same picture."""
        body = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)
        return "timeline:" + hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class ChartPicture:
    """The PNG and every text drawn on it (for tests and logs: what the reader sees)."""

    png: bytes
    texts: tuple[str, ...]


def _code(moment: FlightMoment) -> str:
    if moment.airport is None:
        return ""
    return moment.airport.iata or moment.airport.icao


def _point(moment: Moment, locale: str) -> ChartPoint:
    x = moment.ts.timestamp()
    if isinstance(moment, FlightMoment):
        label = f"{_FLIGHT_SIGN.get(moment.kind, '•')} {_code(moment)}".strip()
        mark = moment.kind if moment.kind in _FLIGHT_SIGN else "flight"
        return ChartPoint(0, x, label, mark)
    if isinstance(moment, StatementMoment):
        return ChartPoint(1, x, moment.source, "official" if moment.official else "statement")
    assert isinstance(moment, VenueMoment)
    return ChartPoint(2, x, venue_label(moment, locale), moment.change)


def _ticks(since: datetime, until: datetime, zone: str, locale: str) -> list[tuple[float, str]]:
    """Midnights of the chat's zone, at most `_MAX_TICKS`, labelled in its language."""
    tz = ZoneInfo(zone)
    first = since.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    days = max(1, math.ceil((until - first).total_seconds() / 86400))
    step = max(1, math.ceil(days / _MAX_TICKS))
    found: list[tuple[float, str]] = []
    for n in range(0, days + 1, step):
        # Midnight by the calendar, not 24 h steps: a day across a DST change is 23 or 25 h.
        day = (first + timedelta(days=n)).replace(tzinfo=None).replace(tzinfo=tz)
        if since <= day <= until:
            found.append((day.timestamp(), format_skeleton("MMMd", day, locale=locale)))
    return found


def chart_spec(timeline: Timeline, label: str, zone: str, t: Translator) -> ChartSpec:
    """The chart of `timeline`, worded in `t`'s language, its dates in `zone`."""
    points = tuple(_point(m, t.locale) for m in timeline.moments if not isinstance(m, LinkMoment))
    links = tuple(
        (m.landing_ts.timestamp(), m.statement_ts.timestamp())
        for m in timeline.moments
        if isinstance(m, LinkMoment)
    )
    if len(points) > MAX_LABELS:
        points = tuple(ChartPoint(p.lane, p.x, "", p.mark) for p in points)
    footer = (
        t._("Dates in UTC")
        if zone == "UTC"
        else t._("Dates in the time zone of {city}", city=t.city(zone))
    )
    # The period to whole hours: the same timeline asked again within the hour is the
    # same picture, sent by its file id.
    since = timeline.since.replace(minute=0, second=0, microsecond=0)
    until = timeline.until.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return ChartSpec(
        title=t._("Timeline of {what}", what=label),
        lanes=(t._("Flights"), t._("Statements"), t._("Venues")),
        since=since.timestamp(),
        until=until.timestamp(),
        ticks=tuple(_ticks(since, until, zone, t.locale)),
        points=points,
        footer=footer,
        empty=t._("Nothing in this period"),
        links=links,
    )


def draw_chart(spec: ChartSpec) -> ChartPicture | None:
    """Draw the chart in the map worker (in this thread when none runs); None when the
    worker died or hung drawing it (the text went out already)."""
    current = worker()
    try:
        if current is None:
            return _draw(spec)
        return current.call(_draw, spec)
    except MapUnavailable:
        return None


def _draw(spec: ChartSpec) -> ChartPicture:
    # Runs in the worker: the bot never imports matplotlib.
    from bot.exports import timeline_draw

    return timeline_draw.draw(spec)
