"""Where an airborne aircraft is going, and when it gets there: a pure, streaming predictor.

`DestinationPredictor.observe` takes an aircraft's fixes as they come (the last few
minutes are kept); `predict` scores every airport within range that lies ahead of it
and turns the scores into probabilities. Each candidate's log-weight is the sum of
independent terms, each kept as a reason so an alert can say why:

- bearing: how far the great-circle bearing to the airport is off the aircraft's
  track (now, or over the last minutes, whichever fits better), against a tolerance
  that widens close to the airport, where aircraft turn onto the approach;
- descent profile: descending, the distance left should match the height left on a
  ~3° path (3 nm per 1000 ft); level or climbing, the destination is at least that
  far, or the aircraft would be descending already;
- distance: the farther, the less likely (long legs are rarer than short ones), and
  an aircraft below cruise altitude that is not climbing is not going far;
- history: the airports this aircraft took off from or landed at before;
- route: where earlier flights from the same origin landed.

Probabilities are the normalised weights (a softmax over the candidates). The ETA is
the great-circle distance at the current ground speed, with the last stretch flown
at approach speeds and a few minutes for the pattern. Thresholds and their reasons:
`bot.flights.thresholds.DestinationConfig`. Nothing here runs in the detector: the
poller asks once per round for the watched aircraft in the air.
"""

from __future__ import annotations

import math
from array import array
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.flights.airports import Airport
from bot.flights.geo import EARTH_RADIUS_KM, bearing_deg, haversine_km
from bot.flights.reports import Report
from bot.flights.thresholds import DestinationConfig

KM_PER_NM = 1.852


@dataclass(frozen=True, slots=True)
class Fix:
    """One position of an airborne aircraft (the fields the predictor needs)."""

    t: float  # Unix seconds
    lat: float
    lon: float
    alt_ft: int | None
    gs_kt: float | None
    track_deg: float | None
    vrate_fpm: float | None

    @classmethod
    def of(cls, report: Report) -> Fix:
        """The fix of a position report."""
        return cls(
            report.t,
            report.lat,
            report.lon,
            report.alt_ft,
            report.gs_kt,
            report.track_deg,
            report.vrate_fpm,
        )


@dataclass(frozen=True, slots=True)
class Reason:
    """One term of a candidate's score: what it is, its measure, and its log-weight.

    Codes: `bearing` (value: degrees off the track), `descent` (value: distance left
    over the distance a 3° descent from this height needs), `too_close` (the same
    ratio, for an aircraft not yet descending), `visits` (value: the aircraft's
    earlier takeoffs and landings there), `distance` (value: km), `too_far` (the
    ratio again, for an aircraft below cruise going nowhere far), `route` (value:
    earlier flights from the same origin that landed there), `international` (named
    an international airport).
    """

    code: str
    value: float
    weight: float


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible destination with its probability, distance, ETA and reasons."""

    icao: str
    probability: float
    distance_km: float
    eta: datetime | None
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Prediction:
    """The candidates of one moment, most likely first."""

    ts: datetime
    candidates: tuple[Candidate, ...]

    @property
    def best(self) -> Candidate | None:
        """The most likely destination, or None when there is no candidate."""
        return self.candidates[0] if self.candidates else None


def eta_seconds(distance_km: float, gs_kt: float, config: DestinationConfig) -> float:
    """Seconds to touchdown: cruise at `gs_kt`, the last `slow_km` slowing to approach speed."""
    gs_kt = max(gs_kt, config.approach_kt)
    slow = min(distance_km, config.slow_km)
    # Below 10,000 ft jets fly at most 250 kt; the last stretch averages that and final.
    slow_kt = (min(gs_kt, 250.0) + config.approach_kt) / 2
    hours = (distance_km - slow) / (gs_kt * KM_PER_NM) + slow / (slow_kt * KM_PER_NM)
    return hours * 3600.0 + config.approach_extra_s * (slow / config.slow_km)


class DestinationPredictor:
    """Keeps each airborne aircraft's recent fixes and predicts where it lands.

    Args:
        airports: the airports that can be destinations (the default airport index's).
        config: thresholds.
    """

    def __init__(
        self, airports: Iterable[Airport], config: DestinationConfig | None = None
    ) -> None:
        self._config = config or DestinationConfig()
        # Codes starting with "_" are airportsdata's placeholders, not airports one
        # files a flight plan to (one sits on another airport's coordinates).
        # Unit vectors: distances and bearings of every airport are a few products. Plain
        # floats, not numpy: the bot itself never loads numpy (its idle memory, issue 13),
        # and one pass over the airports once a minute per airborne aircraft is cheap.
        # Read one airport at a time into flat arrays, not kept as `Airport`s and a tuple
        # per airport: 1.2 MB instead of 5.0 MB for the default 8,102 (tracemalloc). The
        # codes too, as one block of UTF-8 and where each ends (`_code`), not a `str`
        # apiece: 0.07 MB instead of 0.5 MB.
        codes = bytearray()
        self._code_ends = array("I")
        self._x, self._y, self._z, self._elevation = (array("d") for _ in range(4))
        international = bytearray()
        for airport in airports:
            if airport.icao[:1] == "_":
                continue
            codes += airport.icao.encode()
            self._code_ends.append(len(codes))
            x, y, z = _unit(airport.lat, airport.lon)
            self._x.append(x)
            self._y.append(y)
            self._z.append(z)
            self._elevation.append(airport.elevation_ft)
            international.append("international" in airport.name.casefold())
        self._codes = bytes(codes)
        self._international = bytes(international)
        self._fixes: dict[str, deque[Fix]] = {}

    @property
    def config(self) -> DestinationConfig:
        """The thresholds in use."""
        return self._config

    @property
    def candidates(self) -> int:
        """How many airports can be destinations."""
        return len(self._code_ends)

    def _code(self, at: int) -> str:
        """The ICAO code of the airport at this place."""
        return self._codes[self._code_ends[at - 1] if at else 0 : self._code_ends[at]].decode()

    def observe(self, hex_: str, fix: Fix) -> None:
        """Take one fix of an airborne aircraft (older than the last one: ignored)."""
        fixes = self._fixes.get(hex_)
        if fixes is None:
            fixes = self._fixes[hex_] = deque()
        elif fixes and fix.t <= fixes[-1].t:
            return
        fixes.append(fix)
        while fixes and fixes[0].t < fix.t - self._config.window_s:
            fixes.popleft()

    def forget(self, hex_: str) -> None:
        """Drop an aircraft (it landed, or is no longer watched)."""
        self._fixes.pop(hex_, None)

    def tracked(self) -> set[str]:
        """The aircraft with fixes kept."""
        return set(self._fixes)

    def predict(
        self,
        hex_: str,
        *,
        visits: Mapping[str, int] | None = None,
        route: Mapping[str, int] | None = None,
    ) -> Prediction | None:
        """The likely destinations of an aircraft from its kept fixes, or None without any.

        Args:
            hex_: the aircraft.
            visits: ICAO code -> the aircraft's earlier takeoffs and landings there.
            route: ICAO code -> landings of earlier flights from this flight's origin.
        """
        fixes = self._fixes.get(hex_)
        if not fixes:
            return None
        return self.predict_from(list(fixes), visits=visits or {}, route=route or {})

    def predict_from(
        self, fixes: Sequence[Fix], *, visits: Mapping[str, int], route: Mapping[str, int]
    ) -> Prediction | None:
        """The prediction from the given fixes, oldest first (the newest is "now")."""
        config = self._config
        now = fixes[-1]
        courses = _courses(fixes)
        if not courses:
            return None
        wx, wy, wz = _unit(now.lat, now.lon)
        axes = [_axes(now.lat, now.lon, course) for course in courses]
        index: list[int] = []
        d: list[float] = []
        off: list[float] = []
        near: list[bool] = []
        # The cosine of the range, a little wide so float rounding never drops an airport
        # the exact distance below would keep: most airports end at one product.
        in_reach = math.cos(min(math.pi, config.max_range_km / EARTH_RADIUS_KM)) - 1e-9
        for i, (x, y, z) in enumerate(zip(self._x, self._y, self._z, strict=True)):
            if x * wx + y * wy + z * wz < in_reach:
                continue
            distance = EARTH_RADIUS_KM * math.acos(min(1.0, max(-1.0, x * wx + y * wy + z * wz)))
            if distance > config.max_range_km:
                continue
            is_near = distance <= config.near_km
            smallest = math.inf
            for (ax, ay, az), (nx, ny, nz) in axes:
                along = x * ax + y * ay + z * az
                side = abs(x * nx + y * ny + z * nz)
                smallest = min(smallest, math.degrees(math.atan2(side, along)))
            if is_near or smallest <= config.cone_deg:
                index.append(i)
                d.append(distance)
                off.append(smallest)
                near.append(is_near)
        if not index:
            return None
        terms = self._terms(now, index, d, off, near, visits, route)
        score = [sum(column) for column in zip(*(w for _, _, w in terms.values()), strict=True)]
        top = max(score)
        weights = [math.exp(value - top) for value in score]
        total = math.fsum(weights)
        # Python's sort is stable: ties keep the airports' order, as before.
        order = sorted(range(len(score)), key=lambda k: -score[k])[: config.top]
        when = datetime.fromtimestamp(now.t, UTC)
        candidates = tuple(
            Candidate(
                icao=self._code(index[k]),
                probability=weights[k] / total,
                distance_km=d[k],
                eta=when + timedelta(seconds=eta_seconds(d[k], now.gs_kt, config))
                if now.gs_kt is not None
                else None,
                reasons=tuple(
                    Reason(code, round(value[k], 2), weight[k])
                    for code, (applies, value, weight) in terms.items()
                    if applies[k]
                ),
            )
            for k in order
        )
        return Prediction(ts=when, candidates=candidates)

    def _terms(
        self,
        now: Fix,
        index: Sequence[int],
        d: Sequence[float],
        off: Sequence[float],
        near: Sequence[bool],
        visits: Mapping[str, int],
        route: Mapping[str, int],
    ) -> dict[str, _Term]:
        """Each reason's code -> (where it applies, its measure, its log-weight), per candidate."""
        config = self._config
        terms: dict[str, _Term] = {}
        # Close in, aircraft turn onto the approach: the bearing says less there.
        sigma = [
            max(config.bearing_sigma_deg, math.degrees(math.atan2(config.turn_km, max(x, 1.0))))
            for x in d
        ]
        ahead = [not x for x in near]
        terms["bearing"] = (
            ahead,
            list(off),
            [-0.5 * (o / s) ** 2 if a else 0.0 for a, o, s in zip(ahead, off, sigma, strict=True)],
        )
        if now.alt_ft is not None:
            alt_ft = now.alt_ft
            height = [max(0.0, alt_ft - self._elevation[i]) for i in index]
            needed = [h / 1000.0 * config.descent_nm_per_1000ft * KM_PER_NM for h in height]
            known = [n >= 1.0 for n in needed]
            ratio = [max(x, 0.5) / max(n, 1.0) for x, n in zip(d, needed, strict=True)]
            misfit = [-0.5 * (math.log(r) / config.profile_sigma) ** 2 for r in ratio]
            descending = now.vrate_fpm is not None and now.vrate_fpm <= -config.descent_min_fpm
            if descending:
                terms["descent"] = (known, ratio, _where(known, misfit))
            else:
                # Not descending yet, so not this close to where it lands (a level
                # segment of an approach stays within a factor of the profile).
                close = [k and r < 1.0 for k, r in zip(known, ratio, strict=True)]
                terms["too_close"] = (close, ratio, _where(close, misfit))
            climbing = now.vrate_fpm is not None and now.vrate_fpm >= config.descent_min_fpm
            if not climbing and alt_ft < config.cruise_min_ft:
                # Below cruise and not climbing: on a short hop or already coming down,
                # not bound for an airport many descents away.
                stretch = [r / config.low_reach for r in ratio]
                far = [k and t > 1.0 for k, t in zip(known, stretch, strict=True)]
                weight = [
                    -0.5 * (math.log(max(t, 1.0)) / config.profile_sigma) ** 2 for t in stretch
                ]
                terms["too_far"] = (far, ratio, _where(far, weight))
        terms["distance"] = (
            [x > config.near_km for x in d],
            list(d),
            [-x / config.range_scale_km for x in d],
        )
        international = [self._international[i] == 1 for i in index]
        terms["international"] = (
            international,
            [float(x) for x in international],
            [config.international_weight if x else 0.0 for x in international],
        )
        code_of = self._code
        for code, counted, factor in (
            ("visits", visits, config.history_weight),
            ("route", route, config.route_weight),
        ):
            # No history (most aircraft): no code to look up.
            seen = (
                [float(counted.get(code_of(i), 0)) for i in index]
                if counted
                else [0.0] * len(index)
            )
            terms[code] = ([x > 0 for x in seen], seen, [factor * math.log1p(x) for x in seen])
        return terms


# A term per candidate: where it applies, its measure, its log-weight.
_Term = tuple[list[bool], list[float], list[float]]


def _where(applies: Sequence[bool], values: Sequence[float]) -> list[float]:
    return [v if a else 0.0 for a, v in zip(applies, values, strict=True)]


def _unit(lat: float, lon: float) -> tuple[float, float, float]:
    la, lo = math.radians(lat), math.radians(lon)
    return (math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la))


def _axes(
    lat: float, lon: float, course: float
) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """The unit direction of `course` at the point, and the normal of its great circle."""
    la, lo, c = math.radians(lat), math.radians(lon), math.radians(course)
    east = (-math.sin(lo), math.cos(lo), 0.0)
    north = (-math.sin(la) * math.cos(lo), -math.sin(la) * math.sin(lo), math.cos(la))
    e = tuple(math.cos(c) * n + math.sin(c) * w for n, w in zip(north, east, strict=True))
    p = _unit(lat, lon)
    normal = (
        p[1] * e[2] - p[2] * e[1],
        p[2] * e[0] - p[0] * e[2],
        p[0] * e[1] - p[1] * e[0],
    )
    return (e[0], e[1], e[2]), normal


def _courses(fixes: Sequence[Fix]) -> list[float]:
    """The track now, and the course over the kept minutes when they moved far enough."""
    now = fixes[-1]
    out: list[float] = []
    if now.track_deg is not None:
        out.append(now.track_deg)
    elif len(fixes) > 1:
        before = fixes[-2]
        if haversine_km(before.lat, before.lon, now.lat, now.lon) > 0.5:
            out.append(bearing_deg(before.lat, before.lon, now.lat, now.lon))
    first = fixes[0]
    if haversine_km(first.lat, first.lon, now.lat, now.lon) > 5.0:
        out.append(bearing_deg(first.lat, first.lon, now.lat, now.lon))
    return out


def counts(codes: Iterable[str | None]) -> dict[str, int]:
    """ICAO code -> how often it appears (None left out)."""
    out: dict[str, int] = {}
    for code in codes:
        if code:
            out[code] = out.get(code, 0) + 1
    return out


class Announcements:
    """Which predictions become alerts: the first destination that reaches the threshold,
    then only another destination reaching it (a flicker back and forth below it says
    nothing new).

    Args:
        threshold: the probability a destination needs (`DestinationConfig.alert_probability`).
    """

    def __init__(self, threshold: float) -> None:
        self._threshold = threshold
        self._said: dict[str, tuple[str, str]] = {}  # hex -> (flight, ICAO code alerted)

    def known(self, hex_: str, flight: str) -> bool:
        """Whether the last alerted destination of this flight is known here."""
        said = self._said.get(hex_)
        return said is not None and said[0] == flight

    def restore(self, hex_: str, flight: str, icao: str | None) -> None:
        """What was alerted for the flight before (read from the store after a restart)."""
        self._said[hex_] = (flight, icao or "")

    def due(self, hex_: str, flight: str, prediction: Prediction) -> Candidate | None:
        """The candidate to alert now, or None; remembers it as alerted."""
        best = prediction.best
        if best is None or best.probability < self._threshold:
            return None
        said = self._said.get(hex_)
        if said is not None and said == (flight, best.icao):
            return None
        self._said[hex_] = (flight, best.icao)
        return best

    def last(self, hex_: str, flight: str) -> str | None:
        """The destination alerted last for the flight, or None."""
        said = self._said.get(hex_)
        return said[1] or None if said is not None and said[0] == flight else None

    def forget(self, hex_: str) -> None:
        """Drop an aircraft (it landed or is no longer watched)."""
        self._said.pop(hex_, None)
