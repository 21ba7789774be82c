"""Position reports and the parsers that make them from provider payloads.

Every parser here is a pure function over already-decoded JSON (or text lines): the
network and file handling live elsewhere. Live parsers (`from_readsb_v2`,
`from_opensky`, `from_trace_full`) are tolerant: an aircraft entry with a missing or
wrongly typed *required* field (hex, position, position time) is skipped, and a wrongly
typed *optional* field (speed, squawk, ...) becomes None; one bad entry never spoils the
rest. The replay reader (`read_jsonl`) is strict instead, because a replay must be
reproducible: a malformed line raises `ReplayFormatError` naming the line.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import msgspec
import orjson

# Unit conversions (exact definitions: 1 ft = 0.3048 m, 1 kt = 1852 m / 3600 s).
FT_PER_M = 1 / 0.3048
KT_PER_MS = 3600 / 1852
FPM_PER_MS = 60 / 0.3048

# readsb `now` is in milliseconds in the v2 API family but in seconds in a receiver's
# own aircraft.json; anything above this is milliseconds (1e11 s is the year 5138).
_MS_THRESHOLD = 1e11

_HEX_DIGITS = frozenset("0123456789abcdef")
_OCTAL_DIGITS = frozenset("01234567")


class ReportFormatError(ValueError):
    """A payload is not in the expected format as a whole (not one bad aircraft)."""


class ReplayFormatError(ReportFormatError):
    """A replay input line or file is malformed.

    Attributes:
        source: file name (or another label) of the input.
        line: 1-based line number, or None when the whole file is at fault.
        reason: what is wrong.
    """

    def __init__(self, source: str, line: int | None, reason: str) -> None:
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {reason}")
        self.source = source
        self.line = line
        self.reason = reason


@dataclass(frozen=True, slots=True)
class PositionReport:
    """One position of one aircraft, as reported by one provider.

    Attributes:
        hex: ICAO 24-bit address, 6 lowercase hex digits.
        ts: when the position was measured (aware, UTC); for readsb this is
            `now - seen_pos`, so a stale position keeps its old time.
        lat: latitude in degrees.
        lon: longitude in degrees.
        alt_ft: barometric altitude in feet (geometric when no barometric one is
            given); None when unknown or on the ground.
        on_ground: the transponder says it is on the ground.
        gs_kt: ground speed in knots.
        track_deg: true track over ground in degrees.
        vrate_fpm: vertical rate in feet per minute (barometric preferred).
        squawk: Mode A code, 4 octal digits.
        callsign: flight callsign, stripped.
        registration: registration from the provider's database.
        type_code: ICAO aircraft type designator from the provider's database.
        provider: which provider reported it.
        emergency: readsb's ADS-B emergency status ("general", "nordo", ...), if any.
        category: ADS-B emitter category ("A1" light, "A3" large, "A7" rotorcraft, ...),
            if sent; metadata, left out of comparisons.
    """

    hex: str
    ts: datetime
    lat: float
    lon: float
    alt_ft: int | None
    on_ground: bool
    gs_kt: float | None
    track_deg: float | None
    vrate_fpm: float | None
    squawk: str | None
    callsign: str | None
    registration: str | None
    type_code: str | None
    provider: str
    emergency: str | None = None
    category: str | None = field(default=None, compare=False)

    @property
    def t(self) -> float:
        """`ts` in Unix seconds (what the detector works with)."""
        return self.ts.timestamp()


class Report(Protocol):
    """What the detector reads from a report: `PositionReport` and `ReplayReport`."""

    @property
    def hex(self) -> str: ...
    @property
    def t(self) -> float: ...
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...
    @property
    def alt_ft(self) -> int | None: ...
    @property
    def on_ground(self) -> bool: ...
    @property
    def gs_kt(self) -> float | None: ...
    @property
    def track_deg(self) -> float | None: ...
    @property
    def vrate_fpm(self) -> float | None: ...
    @property
    def squawk(self) -> str | None: ...
    @property
    def type_code(self) -> str | None: ...
    @property
    def provider(self) -> str: ...
    @property
    def emergency(self) -> str | None: ...
    @property
    def category(self) -> str | None: ...


class ReplayReport(msgspec.Struct, gc=False):
    """A report as a replay reads it: `PositionReport`'s fields, the time as Unix
    seconds (`t`), and no datetime until one is asked for.

    A struct made in C and left out of the cyclic garbage collector (it refers to no
    container): a replay makes one per line, hundreds of thousands a second.
    """

    hex: str
    t: float
    lat: float
    lon: float
    alt_ft: int | None
    on_ground: bool
    gs_kt: float | None
    track_deg: float | None
    vrate_fpm: float | None
    squawk: str | None
    callsign: str | None
    registration: str | None
    type_code: str | None
    provider: str
    emergency: str | None
    category: str | None

    @property
    def ts(self) -> datetime:
        """The time as an aware UTC datetime."""
        return datetime.fromtimestamp(self.t, UTC)

    def position(self, ts: datetime | None = None) -> PositionReport:
        """The same report as a `PositionReport` (at `ts` when given)."""
        return PositionReport(
            hex=self.hex,
            ts=self.ts if ts is None else ts,
            lat=self.lat,
            lon=self.lon,
            alt_ft=self.alt_ft,
            on_ground=self.on_ground,
            gs_kt=self.gs_kt,
            track_deg=self.track_deg,
            vrate_fpm=self.vrate_fpm,
            squawk=self.squawk,
            callsign=self.callsign,
            registration=self.registration,
            type_code=self.type_code,
            provider=self.provider,
            emergency=self.emergency,
            category=self.category,
        )


def normalize_hex(value: object) -> str | None:
    """A 6-digit lowercase ICAO address, or None (non-ICAO "~" addresses included)."""
    if type(value) is not str:
        return None
    text = value.strip().lower()
    if len(text) != 6 or not _HEX_DIGITS.issuperset(text):
        return None
    return text


def _number(value: object) -> float | None:
    # `type() is` on purpose: bool is an int subclass and must not pass as a number.
    kind = type(value)
    if kind is float:
        number: float = value  # type: ignore[assignment]
        return number if math.isfinite(number) else None
    if kind is int:
        return float(value)  # type: ignore[arg-type]
    return None


def _text(value: object, max_len: int = 16) -> str | None:
    if type(value) is not str:
        return None
    text = value.strip()
    return text[:max_len] if text else None


def _squawk(value: object) -> str | None:
    if type(value) is not str:
        return None
    text = value.strip()
    if len(text) != 4 or not _OCTAL_DIGITS.issuperset(text):
        return None
    return text


def _position(lat: object, lon: object) -> tuple[float, float] | None:
    flat = _number(lat)
    flon = _number(lon)
    if flat is None or flon is None or not (-90.0 <= flat <= 90.0):
        return None
    if not (-180.0 <= flon <= 180.0):
        return None
    return flat, flon


def _altitude(baro: object, geom: object) -> tuple[int | None, bool]:
    """(altitude in feet, on the ground) from readsb's alt_baro / alt_geom."""
    if baro == "ground":
        return None, True
    number = _number(baro)
    if number is None:
        number = _number(geom)
    return (round(number) if number is not None else None), False


def _utc(seconds: float) -> datetime | None:
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


# The range `datetime` can hold; a time outside it is no time at all.
_MIN_T = -62_135_596_800.0  # 0001-01-01
_MAX_T = 253_402_300_799.0  # 9999-12-31 23:59:59


def _aircraft(ac: Mapping[str, Any], t: float, hex_: str, provider: str) -> ReplayReport | None:
    """A report from a readsb aircraft object whose position time is `t` (Unix s).

    The hot path of a replay: the common case (a finite float, an absent text field)
    is tested inline, the rest goes through the same helpers as everywhere else.
    """
    get = ac.get
    lat = get("lat")
    lon = get("lon")
    if (
        type(lat) is float
        and type(lon) is float
        and -90.0 <= lat <= 90.0
        and -180.0 <= lon <= 180.0
    ):
        flat, flon = lat, lon
    else:
        position = _position(lat, lon)
        if position is None:
            return None
        flat, flon = position
    baro = get("alt_baro")
    if type(baro) is int:
        alt_ft: int | None = baro
        on_ground = False
    else:
        alt_ft, on_ground = _altitude(baro, get("alt_geom"))
    gs = get("gs")
    if type(gs) is not float or gs - gs != 0.0:  # x - x is 0.0 for every finite float
        gs = _number(gs)
    track = get("track")
    if type(track) is not float or track - track != 0.0:
        track = _number(track)
    vrate = get("baro_rate")
    if type(vrate) is not float or vrate - vrate != 0.0:
        vrate = _number(vrate)
        if vrate is None:
            vrate = _number(get("geom_rate"))
    squawk = get("squawk")
    callsign = get("flight")
    registration = get("r")
    type_code = get("t")
    emergency = get("emergency")
    category = get("category")
    if emergency is not None:
        emergency = _text(emergency)
        if emergency == "none":
            emergency = None
    return ReplayReport(
        hex_,
        t,
        flat,
        flon,
        alt_ft,
        on_ground,
        gs,
        track,
        vrate,
        None if squawk is None else _squawk(squawk),
        None if callsign is None else _text(callsign),
        None if registration is None else _text(registration),
        None if type_code is None else _text(type_code),
        provider,
        emergency,
        None if category is None else _text(category),
    )


def _readsb_aircraft(
    ac: Mapping[str, Any], ts: datetime, hex_: str, provider: str
) -> PositionReport | None:
    """A report from a readsb aircraft object whose position time is `ts`."""
    report = _aircraft(ac, 0.0, hex_, provider)
    return None if report is None else report.position(ts)


def from_readsb_v2(
    envelope: Mapping[str, Any], provider: str, *, only: Container[str] | None = None
) -> list[PositionReport]:
    """Position reports from a readsb "v2" API answer (adsb.lol, adsb.fi, ...).

    The envelope is `{"ac": [...], "now": <ms>, ...}`; a receiver's own aircraft.json
    (`{"aircraft": [...], "now": <s>}`) is accepted too. The position time is
    `now - seen_pos` (falling back to `seen`, then to `now`), so a position that has not
    changed since the last poll keeps its old time and the detector can tell it is not
    new. Aircraft without a usable position or ICAO address are skipped; readsb's
    `lastPosition` (a position older than 60 s) is ignored because its altitude and
    speed fields no longer belong to it.

    Args:
        envelope: the decoded JSON answer.
        provider: name of the provider, copied into each report.
        only: when given, keep only aircraft whose hex is in it (a watchlist); the
            check runs before any other parsing, so filtering a global snapshot is cheap.

    Returns:
        The reports, in the order of the answer.

    Raises:
        ReportFormatError: the envelope itself is unusable (not an object, no `now`).
    """
    if not isinstance(envelope, Mapping):
        raise ReportFormatError("readsb answer is not a JSON object")
    now = _number(envelope.get("now"))
    if now is None or now <= 0:
        raise ReportFormatError("readsb answer has no numeric 'now'")
    now_s = now / 1000.0 if now > _MS_THRESHOLD else now
    aircraft = envelope.get("ac", envelope.get("aircraft"))
    if aircraft is None:
        return []
    if not isinstance(aircraft, list):
        raise ReportFormatError("readsb answer 'ac' is not a list")
    reports: list[PositionReport] = []
    cache: dict[float, datetime | None] = {}
    for ac in aircraft:
        if type(ac) is not dict:
            continue
        raw_hex = ac.get("hex")
        if only is not None:
            # Providers send lowercase; only an uppercase one needs normalising first.
            if type(raw_hex) is not str:
                continue
            if raw_hex not in only and raw_hex.strip().lower() not in only:
                continue
        hex_ = normalize_hex(raw_hex)
        if hex_ is None:
            continue
        age = _number(ac.get("seen_pos"))
        if age is None:
            age = _number(ac.get("seen"))
        if age is None or age < 0:
            age = 0.0
        # Many aircraft share the same age (seconds with one decimal): cache datetimes.
        ts = cache.get(age)
        if ts is None:
            ts = cache[age] = _utc(now_s - age)
            if ts is None:
                continue
        report = _readsb_aircraft(ac, ts, hex_, provider)
        if report is not None:
            reports.append(report)
    return reports


# readsb writes "hex" first in every aircraft object; the fast path relies on it and
# checks the count against the envelope's "total" before trusting it.
_HEX_OBJECT = re.compile(r'\{\s*"hex"\s*:\s*"([^"\\]*)"')
_NOW_FIELD = re.compile(r'"now"\s*:\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)')
_TOTAL_FIELD = re.compile(r'"total"\s*:\s*(\d+)')
_DECODER = json.JSONDecoder()


def from_readsb_v2_json(
    raw: bytes | str, provider: str, *, only: Container[str] | None = None
) -> list[PositionReport]:
    """`from_readsb_v2` on the raw JSON text of an answer.

    With a watchlist (`only`), a global answer is not decoded as a whole: the aircraft
    objects are located by their leading `{"hex":"..."` and only the watched ones are
    decoded. On a 5 MB global snapshot this takes ~15 ms instead of ~85 ms, most of
    which is decoding everything. The shortcut is taken only when it is provably
    complete: exactly one `now`, exactly one `total`, and as many aircraft objects found
    as `total` says; otherwise the whole answer is decoded. The result is the same
    either way.

    Raises:
        ReportFormatError: the text is not JSON, or the envelope is unusable.
    """
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise ReportFormatError("readsb answer is not UTF-8") from None
    if only is not None:
        envelope = _watched_only(text, only)
        if envelope is not None:
            return from_readsb_v2(envelope, provider, only=only)
    try:
        decoded = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportFormatError(f"readsb answer is not JSON ({exc.msg})") from None
    return from_readsb_v2(decoded, provider, only=only)


def _watched_only(text: str, only: Container[str]) -> dict[str, Any] | None:
    """A reduced envelope with only the watched aircraft, or None to decode it all."""
    nows = _NOW_FIELD.findall(text)
    totals = _TOTAL_FIELD.findall(text)
    if len(nows) != 1 or len(totals) != 1:
        return None
    starts = list(_HEX_OBJECT.finditer(text))
    if len(starts) != int(totals[0]):
        return None
    picked = []
    for match in starts:
        hex_ = match.group(1)
        if hex_ in only or hex_.strip().lower() in only:
            try:
                obj, _ = _DECODER.raw_decode(text, match.start())
            except json.JSONDecodeError:
                return None
            picked.append(obj)
    return {"now": json.loads(nows[0]), "ac": picked}


def from_opensky(
    payload: Mapping[str, Any], provider: str, *, only: Container[str] | None = None
) -> list[PositionReport]:
    """Position reports from an OpenSky `/states/all` answer.

    Each state vector is `[icao24, callsign, origin_country, time_position,
    last_contact, longitude, latitude, baro_altitude (m), on_ground, velocity (m/s),
    true_track, vertical_rate (m/s), sensors, geo_altitude (m), squawk, spi,
    position_source, (category)]`. The position time is `time_position`; a vector
    without it (no position in the last 15 s window) is skipped.

    Args:
        payload: the decoded JSON answer, `{"time": <s>, "states": [...] | null}`.
        provider: name of the provider, copied into each report.
        only: when given, keep only aircraft whose hex is in it.

    Returns:
        The reports, in the order of the answer.

    Raises:
        ReportFormatError: the payload itself is unusable.
    """
    if not isinstance(payload, Mapping):
        raise ReportFormatError("OpenSky answer is not a JSON object")
    states = payload.get("states")
    if states is None:
        return []
    if not isinstance(states, list):
        raise ReportFormatError("OpenSky answer 'states' is not a list")
    reports: list[PositionReport] = []
    for state in states:
        if type(state) is not list or len(state) < 15:
            continue
        hex_ = normalize_hex(state[0])
        if hex_ is None or (only is not None and hex_ not in only):
            continue
        position = _position(state[6], state[5])
        time_position = _number(state[3])
        if position is None or time_position is None:
            continue
        ts = _utc(time_position)
        if ts is None:
            continue
        altitude_m = _number(state[7])
        if altitude_m is None:
            altitude_m = _number(state[13])
        on_ground = state[8] is True
        velocity = _number(state[9])
        vertical = _number(state[11])
        reports.append(
            PositionReport(
                hex=hex_,
                ts=ts,
                lat=position[0],
                lon=position[1],
                alt_ft=None if on_ground or altitude_m is None else round(altitude_m * FT_PER_M),
                on_ground=on_ground,
                gs_kt=None if velocity is None else velocity * KT_PER_MS,
                track_deg=_number(state[10]),
                vrate_fpm=None if vertical is None else vertical * FPM_PER_MS,
                squawk=_squawk(state[14]),
                callsign=_text(state[1]),
                registration=None,
                type_code=None,
                provider=provider,
            )
        )
    return reports


def read_jsonl(
    lines: Iterable[str], source: str, provider: str = "replay"
) -> Iterator[PositionReport]:
    """Reports from a replay file in JSON Lines: one readsb v2 aircraft object per line.

    Each line is a readsb v2 aircraft object (`hex`, `lat`, `lon`, `alt_baro`, `gs`,
    ...) plus `ts`, the Unix time in seconds of the position; an optional `provider`
    field overrides the default. Blank lines are ignored, and so are objects without
    `lat`/`lon` (readsb lists aircraft heard without a position).

    Args:
        lines: the text lines of the file.
        source: the file name, for error messages.
        provider: provider name for lines that carry none.

    Yields:
        One report per line with a position.

    Raises:
        ReplayFormatError: a line is not a JSON object, or its `ts`, `hex` or position
            is missing or malformed.
    """
    hexes: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        report = _replay_line(_loads_line(line, source, number), source, number, provider, hexes)
        if report is not None:
            yield report.position()


class _Line(msgspec.Struct, gc=False, rename={"seconds": "ts", "type_code": "t"}):
    """The fields of a replay line that a report takes, with their usual JSON types
    (decoding checks them in C; a line that does not fit is read as a dict)."""

    hex: str
    seconds: float
    lat: float
    lon: float
    alt_baro: int | float | str | None = None
    alt_geom: float | None = None
    gs: float | None = None
    track: float | None = None
    baro_rate: float | None = None
    geom_rate: float | None = None
    squawk: str | None = None
    flight: str | None = None
    r: str | None = None
    type_code: str | None = None
    emergency: str | None = None
    category: str | None = None
    provider: str | None = None


_decode_line = msgspec.json.Decoder(_Line).decode


def read_jsonl_bytes(data: bytes, source: str, provider: str = "replay") -> list[ReplayReport]:
    """`read_jsonl` over a whole file's bytes, for `replay-flights`: the same checks
    and errors, `ReplayReport`s instead of `PositionReport`s.

    The hot loop of a replay (hundreds of thousands of lines a second), so the usual
    line is decoded by msgspec straight into a `_Line` (its JSON types checked in C)
    and read inline when it holds nothing unusual: a known hex, `ts`, `lat` and `lon`
    in range, no `provider`. Any other line is decoded by orjson and read by
    `_replay_line`, which reads it the same way or names what is wrong. Squawks and
    callsigns repeat from line to line: each distinct one is checked once.

    Raises:
        ReplayFormatError: as `read_jsonl`; "not UTF-8 text" for a line that is not.
    """
    hexes: dict[str, str] = {}
    callsigns: dict[str, str | None] = {}
    squawks: dict[str, str | None] = {}
    reports: list[ReplayReport] = []
    append = reports.append
    decode = _decode_line
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            fields = decode(line)
        except msgspec.DecodeError:
            pass  # not the usual line (or not JSON): the general path says which
        else:
            hex_ = hexes.get(fields.hex)
            t = fields.seconds
            lat = fields.lat
            lon = fields.lon
            if (
                hex_ is not None
                and _MIN_T <= t <= _MAX_T
                and -90.0 <= lat <= 90.0
                and -180.0 <= lon <= 180.0
                and fields.provider is None
            ):
                baro = fields.alt_baro
                ground = False
                if type(baro) is int:
                    alt_ft: int | None = baro
                elif baro == "ground":
                    alt_ft = None
                    ground = True
                else:  # as `_altitude`: a float rounded, anything else gives alt_geom
                    height = baro if type(baro) is float else fields.alt_geom
                    alt_ft = None if height is None else round(height)
                squawk = fields.squawk
                if squawk is not None:
                    checked = squawks.get(squawk, _UNSEEN)
                    if checked is _UNSEEN:
                        checked = squawks[squawk] = _squawk(squawk)
                    squawk = checked
                callsign = fields.flight
                if callsign is not None:
                    checked = callsigns.get(callsign, _UNSEEN)
                    if checked is _UNSEEN:
                        checked = callsigns[callsign] = _text(callsign)
                    callsign = checked
                vrate = fields.baro_rate
                rare = (fields.r, fields.type_code, fields.emergency, fields.category)
                if rare == _NOTHING:
                    registration = type_code = emergency = category = None
                else:
                    registration, type_code, emergency, category = (
                        _text(value) if type(value) is str else None for value in rare
                    )
                    if emergency == "none":
                        emergency = None
                append(
                    ReplayReport(
                        hex_,
                        t,
                        lat,
                        lon,
                        alt_ft,
                        ground,
                        fields.gs,
                        fields.track,
                        fields.geom_rate if vrate is None else vrate,
                        squawk,
                        callsign,
                        registration,
                        type_code,
                        provider,
                        emergency,
                        category,
                    )
                )
                continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError:
            if not line.strip():
                continue  # a blank line
            obj = _loads_line(line, source, number)
        report = _replay_line(obj, source, number, provider, hexes)
        if report is not None:
            append(report)
    return reports


_UNSEEN: Any = object()
_NOTHING = (None, None, None, None)


def _loads_line(line: str | bytes, source: str, number: int) -> Any:
    """One line's JSON, or the error that names the line."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        if isinstance(line, bytes):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                raise ReplayFormatError(source, number, "not UTF-8 text") from None
        raise ReplayFormatError(source, number, f"invalid JSON ({exc.msg})") from None


def _replay_line(
    obj: Any, source: str, number: int, provider: str, hexes: dict[str, str]
) -> ReplayReport | None:
    """The report on one decoded replay line (None: it has no position)."""
    if type(obj) is not dict:
        raise ReplayFormatError(source, number, "not a JSON object")
    if "lat" not in obj and "lon" not in obj:
        return None
    raw_hex = obj.get("hex")
    # Few aircraft, many lines: each distinct hex is checked and normalised once.
    hex_ = hexes.get(raw_hex) if type(raw_hex) is str else None
    if hex_ is None:
        hex_ = normalize_hex(raw_hex)
        if hex_ is None:
            raise ReplayFormatError(source, number, "missing or invalid 'hex'")
        hexes[str(raw_hex)] = hex_
    seconds = obj.get("ts")
    if type(seconds) is not float:
        seconds = _number(seconds)
    if seconds is None or not _MIN_T <= seconds <= _MAX_T:  # also false for NaN
        raise ReplayFormatError(source, number, "missing or invalid 'ts' (Unix seconds)")
    if "provider" in obj:
        provider = _text(obj["provider"], 64) or provider
    report = _aircraft(obj, seconds, hex_, provider)
    if report is None:
        raise ReplayFormatError(source, number, "invalid 'lat'/'lon'")
    return report


# Trace point layout (readsb README-json.md, "trace jsons").
_T_DT, _T_LAT, _T_LON, _T_ALT, _T_GS, _T_TRACK, _T_FLAGS, _T_VRATE, _T_DETAILS = range(9)
_T_GEOM_ALT = 10
TRACE_FLAG_STALE = 1  # no position for 20 s before this point
TRACE_FLAG_NEW_LEG = 2  # readsb's own guess of a landing/takeoff boundary
TRACE_FLAG_GEOM_RATE = 4  # vertical rate is geometric, not barometric
TRACE_FLAG_GEOM_ALT = 8  # altitude is geometric, not barometric


def from_trace_full(
    doc: Mapping[str, Any], provider: str = "trace", source: str = "<trace>"
) -> list[PositionReport]:
    """Reports from a readsb/tar1090 `trace_full_<hex>.json` (or trace_recent) file.

    Layout, as documented in readsb's README-json.md::

        {"icao": "0123ac", "r": ..., "t": ..., "timestamp": <Unix s>,
         "trace": [[dt_s, lat, lon, alt_ft | "ground" | null, gs_kt | null,
                    track | null, flags, vrate_fpm | null, details | null,
                    source_type, alt_geom, geom_rate, ias, roll], ...]}

    A point's time is `timestamp + dt_s`. The details object appears only on some
    points; the callsign and emitter category it carries are carried forward (they do
    not change in flight), the squawk is not (a point without details has an unknown
    squawk). Points with an unusable position are skipped.

    Args:
        doc: the decoded JSON document (gunzipped: the published files are gzip data).
        provider: provider name for the reports.
        source: file name for error messages.

    Returns:
        The reports in trace order.

    Raises:
        ReplayFormatError: the document lacks a valid `icao`, `timestamp` or `trace`.
    """
    return [report.position() for report in trace_full_reports(doc, provider, source)]


def trace_full_reports(
    doc: Mapping[str, Any], provider: str = "trace", source: str = "<trace>"
) -> list[ReplayReport]:
    """`from_trace_full` as `ReplayReport`s (what `replay-flights` feeds the detector)."""
    if not isinstance(doc, Mapping):
        raise ReplayFormatError(source, None, "trace file is not a JSON object")
    hex_ = normalize_hex(doc.get("icao"))
    if hex_ is None:
        raise ReplayFormatError(source, None, "trace file has no valid 'icao'")
    base = _number(doc.get("timestamp"))
    trace = doc.get("trace")
    if base is None or not isinstance(trace, list):
        raise ReplayFormatError(source, None, "trace file lacks 'timestamp' or 'trace'")
    registration = _text(doc.get("r"))
    type_code = _text(doc.get("t"))
    callsign: str | None = None
    category: str | None = None
    reports: list[ReplayReport] = []
    append = reports.append
    for point in trace:
        if type(point) is not list or len(point) < 8:
            continue
        dt = _number(point[_T_DT])
        position = _position(point[_T_LAT], point[_T_LON])
        if position is None or dt is None or not _MIN_T <= base + dt <= _MAX_T:
            continue
        details = point[_T_DETAILS] if len(point) > _T_DETAILS else None
        squawk: str | None = None
        emergency: str | None = None
        if type(details) is dict:
            callsign = _text(details.get("flight")) or callsign
            category = _text(details.get("category")) or category
            squawk = _squawk(details.get("squawk"))
            emergency = _text(details.get("emergency"))
            if emergency == "none":
                emergency = None
        geom = point[_T_GEOM_ALT] if len(point) > _T_GEOM_ALT else None
        alt_ft, on_ground = _altitude(point[_T_ALT], geom)
        append(
            ReplayReport(
                hex_,
                base + dt,
                position[0],
                position[1],
                alt_ft,
                on_ground,
                _number(point[_T_GS]),
                _number(point[_T_TRACK]),
                _number(point[_T_VRATE]),
                squawk,
                callsign,
                registration,
                type_code,
                provider,
                emergency,
                category,
            )
        )
    return reports
