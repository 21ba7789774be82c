"""A faithful fake of the ADS-B providers: the readsb "v2" API and OpenSky's REST API.

The fake is a real HTTP server on 127.0.0.1, so provider clients run unmodified over
real aiohttp. One instance stands for one provider host; run two for failover tests::

    async with FakeADSB() as fake:
        fake.set_time(1_767_000_000)
        fake.load_track("ff0a01", [(1_766_999_990, 40.46, 50.05, 12000, 310, 91.5, 1500, "2000")],
                        callsign="DEMO1", registration="DEMO1", type_code="GLF6")
        url = fake.base_url("adsb.lol")      # what SUMMITWATCH_FLIGHT_PROVIDERS would hold
        ...
        assert fake.requests[-1].ids == ("ff0a01",)

What behaves like the real services
    * readsb v2 (adsb.lol, airplanes.live, adsb.fi, ADS-B Exchange): ``GET
      {prefix}/v2/{hex|icao|reg|registration|callsign}/{ids}`` with or without a trailing
      slash, under the prefixes ``""`` (adsb.lol, airplanes.live, RapidAPI), ``"/api"``
      (adsb.fi) and ``"/api/aircraft"`` (ADS-B Exchange's gateway). Several ids are
      comma-separated (``comma_lists``; at most ``max_ids`` are looked at, the rest
      ignored: an assumption, the real limit's behaviour is not documented). The answer is
      the real envelope ``{"ac": [...], "msg": "No error", "now": <ms>, "total": n,
      "ctime": <ms>, "ptime": <ms>}`` with readsb's field names and units (see
      :mod:`tests.fakes.adsb_formats`). Hex and registration match case-insensitively,
      callsigns after trimming. On the gateway prefix a single hex *without* a trailing
      comma answers the bare aircraft object, as ADS-B Exchange documents.
    * Keys: with ``api_key`` set, ``key_style="api-auth"`` wants the ``api-auth`` header
      (else 403), ``key_style="rapidapi"`` wants ``x-rapidapi-key`` and an
      ``x-rapidapi-host`` equal to the Host header (else 401, in RapidAPI's words).
    * OpenSky: ``GET /api/states/all`` with repeated ``icao24`` parameters (none: every
      aircraft), ``{"time": <s>, "states": [...] | null}``; ``time`` is the clock floored
      to 10 s anonymously and 5 s with a token, the position served is the latest at or
      before it, and ``time_position`` is null after 15 s without one. ``extended=1``
      adds the category. A bearer token must be one the fake issued and not expired
      (else 401); no Authorization header is anonymous. With ``opensky_credits`` set,
      each call costs 4 credits (no bounding box), ``X-Rate-Limit-Remaining`` is sent,
      and an exhausted budget answers 429 with ``X-Rate-Limit-Retry-After-Seconds``.
    * OpenSky's token endpoint: ``POST /auth/realms/opensky-network/protocol/openid-connect/
      token`` (form ``grant_type=client_credentials``, ``client_id``, ``client_secret``)
      answers ``{"access_token", "expires_in": token_ttl, "token_type": "Bearer", ...}``;
      unknown clients get 401 ``unauthorized_client``, another grant 400.
    * ``readsb_rate_limit = (n, seconds)`` answers 429 with ``Retry-After`` beyond ``n``
      readsb requests per sliding window (``FakeADSB(readsb_rate_limit=(1, 1.0))`` is
      adsb.fi's and airplanes.live's published one request per second). A refused
      request does not count against the window, as with nginx's ``limit_req``. The
      window runs on ``rate_clock``: the fake's own ``clock`` unless set, so tests that
      freeze or jump the data clock set ``rate_clock = time.monotonic`` to rate-limit
      real request spacing. The 429 body and ``Retry-After`` are an assumption: the
      providers document the rate, not the refusal's exact form.

Time
    ``clock`` gives Unix seconds (``time.time`` by default); :meth:`set_time` and
    :meth:`advance` freeze and move it. Track positions are served as the latest point at
    or before the clock, with ``seen_pos`` the age of that point; a point older than 60 s
    becomes readsb's ``lastPosition``; an aircraft whose last point is older than
    ``drop_after_s`` (300 s) is not listed at all.

Faults
    ``fail_next(kind, api=..., count=...)`` queues exact failures per API;
    ``inject_faults(rate, kinds, seed, api=...)`` fails that share of requests at random,
    reproducibly; ``respond_next(api, body, ...)`` scripts one verbatim answer. Kinds:
    ``"timeout"`` (held for ``fault_timeout`` seconds, then the connection is closed),
    ``"500"``, ``"502"``, ``"503"`` (nginx error pages), ``"429"`` (``Retry-After``, or
    OpenSky's ``X-Rate-Limit-Retry-After-Seconds``), ``"malformed_json"`` (a body cut in
    half), ``"html_200"`` (an HTML page with 200), ``"empty_ac"`` (a valid empty answer:
    ``ac: []`` / ``states: null``), ``"no_ac"`` (an envelope without its list),
    ``"wrong_shape"`` (``ac`` / ``states`` an object), ``"oversized"`` (a valid answer of
    ``oversized_bytes``, like a global snapshot). Queued and scripted answers come first.

Recording
    ``requests`` holds an :class:`ADSBRequest` for every request, secrets masked.
"""

from __future__ import annotations

import json
import math
import random
import secrets
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final, Literal

from aiohttp import web

from .adsb_formats import (
    Alt,
    FakeAircraft,
    TrackPoint,
    TrackTuple,
    opensky_state,
    point_at,
    readsb_envelope,
    readsb_object,
    report_point,
)
from .adsb_records import (
    API_NAMES,
    FAULT_KINDS,
    ADSBRequest,
    Api,
    FaultKind,
    PlannedAnswer,
    fault_answer,
    mask_headers,
)
from .server import LoopbackServer

__all__ = [
    "FAULT_KINDS",
    "TOKEN_PATH",
    "ADSBRequest",
    "FakeADSB",
    "FaultKind",
    "TrackPoint",
]

TOKEN_PATH: Final = "/auth/realms/opensky-network/protocol/openid-connect/token"
_PREFIX_BY_PROVIDER: Final = {
    "adsb.lol": "",
    "airplanes.live": "",
    "adsbexchange-rapidapi": "",
    "adsb.fi": "/api",
    "adsbexchange": "/api/aircraft",
    "opensky": "/api",
}
_GATEWAY_PREFIX: Final = "/api/aircraft"
_LOOKUPS: Final = "hex|icao|reg|registration|callsign"
_OPENSKY_CALL_CREDITS: Final = 4
_JSON: Final = "application/json"
_PADDING_HEX: Final = "fffffe"
_RAPIDAPI_BAD_KEY: Final = (
    b'{"message":"Invalid API key. Go to https://docs.rapidapi.com/docs/keys for more info."}'
)


def _dumps(payload: object) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


class FakeADSB(LoopbackServer):
    """An ADS-B provider host on 127.0.0.1 serving readsb v2 and OpenSky.

    Args:
        api_key: key required on readsb requests; ``None`` for open providers.
        key_style: ``"api-auth"`` (ADS-B Exchange's gateway) or ``"rapidapi"``.
        opensky_clients: OAuth2 clients the token endpoint knows, id to secret.
        comma_lists: whether readsb paths take comma-separated ids; when false a list
            matches nothing (the silent way a provider ignores what it does not support).
        max_ids: ids looked at per request.

    Attributes:
        clock: Unix seconds; see :meth:`set_time`.
        fault_timeout: seconds an injected timeout holds a request.
        oversized_bytes: size of an ``"oversized"`` answer.
        token_ttl: ``expires_in`` of issued tokens.
        drop_after_s: an aircraft unseen this long is not listed.
        readsb_rate_limit: ``(requests, seconds)`` sliding window, or None.
        rate_clock: the clock of that window (None: ``clock``).
        rate_limited: readsb requests refused with 429 by that window.
        opensky_credits: credits left (None: unlimited).
        opensky_credit_reset_s: ``X-Rate-Limit-Retry-After-Seconds`` when exhausted.
        requests: every request, in order.
        tokens_issued: how many tokens the token endpoint handed out.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        key_style: Literal["api-auth", "rapidapi"] = "api-auth",
        opensky_clients: Mapping[str, str] | None = None,
        comma_lists: bool = True,
        max_ids: int = 1000,
        readsb_rate_limit: tuple[int, float] | None = None,
        rate_clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__()
        self.api_key = api_key
        self.key_style = key_style
        self.opensky_clients = dict(opensky_clients or {})
        self.comma_lists = comma_lists
        self.max_ids = max_ids
        self.clock: Callable[[], float] = time.time
        self.fault_timeout = 30.0
        self.oversized_bytes = 6 * 1024 * 1024
        self.token_ttl = 1800
        self.drop_after_s = 300.0
        self.readsb_rate_limit = readsb_rate_limit
        self.rate_clock = rate_clock
        self.rate_limited = 0
        self.opensky_credits: int | None = None
        self.opensky_credit_reset_s = 3600
        self.requests: list[ADSBRequest] = []
        self.tokens_issued = 0

        self._aircraft: dict[str, FakeAircraft] = {}
        self._tokens: dict[str, float] = {}
        self._planned: dict[Api, deque[PlannedAnswer]] = {api: deque() for api in API_NAMES}
        self._fault_rate = 0.0
        self._fault_kinds: tuple[FaultKind, ...] = ()
        self._fault_apis: frozenset[Api] = frozenset()
        self._fault_rng = random.Random()
        self._readsb_hits: deque[float] = deque()
        self._oversized: dict[Api, bytes] = {}

    # ------------------------------------------------------------------ lifecycle

    def _routes(self, app: web.Application) -> None:
        for prefix in ("", "/api", _GATEWAY_PREFIX):
            for tail in ("", "/"):
                app.router.add_get(f"{prefix}/v2/{{lookup:{_LOOKUPS}}}/{{ids}}{tail}", self._readsb)
        app.router.add_get("/api/states/all", self._states_all)
        app.router.add_post(TOKEN_PATH, self._token)

    def base_url(self, provider: str) -> str:
        """The base URL a provider of this name would be configured with.

        Raises:
            KeyError: an unknown provider name.
        """
        return self.root_url + _PREFIX_BY_PROVIDER[provider]

    @property
    def token_url(self) -> str:
        """OpenSky's token endpoint on this fake."""
        return self.root_url + TOKEN_PATH

    # ------------------------------------------------------------------ time

    def set_time(self, ts: float | datetime) -> None:
        """Freezes the clock at `ts` (Unix seconds or an aware datetime)."""
        value = ts.timestamp() if isinstance(ts, datetime) else float(ts)
        self.clock = lambda: value

    def advance(self, seconds: float) -> None:
        """Moves a frozen (or live) clock forward."""
        self.set_time(self.clock() + seconds)

    # ------------------------------------------------------------------ aircraft

    def load_track(
        self,
        hex_code: str,
        points: Iterable[TrackPoint | TrackTuple | Sequence[Any]],
        *,
        callsign: str | None = None,
        registration: str | None = None,
        type_code: str | None = None,
        category: str | None = None,
        origin_country: str | None = None,
    ) -> None:
        """Adds positions ``(ts, lat, lon, alt | "ground", gs, track, baro_rate, squawk)``
        to an aircraft's timeline (creating it); given metadata replaces the old."""
        aircraft = self._aircraft.setdefault(hex_code.lower(), FakeAircraft(hex_code.lower()))
        aircraft.add([TrackPoint.of(p) for p in points])
        aircraft.raw = None
        if callsign is not None:
            aircraft.callsign = callsign
        if registration is not None:
            aircraft.registration = registration
        if type_code is not None:
            aircraft.type_code = type_code
        if category is not None:
            aircraft.category = category
        if origin_country is not None:
            aircraft.origin_country = origin_country

    def set_position(
        self,
        hex_code: str,
        lat: float,
        lon: float,
        alt: Alt = None,
        *,
        gs: float | None = None,
        track: float | None = None,
        baro_rate: float | None = None,
        squawk: str | None = None,
        age_s: float = 0.0,
        **metadata: str,
    ) -> None:
        """One position measured `age_s` before the current clock (shorthand for
        :meth:`load_track`; metadata: callsign, registration, type_code, ...)."""
        point = TrackPoint(self.clock() - age_s, lat, lon, alt, gs, track, baro_rate, squawk)
        self.load_track(hex_code, [point], **metadata)

    def load_reports(self, reports: Iterable[Any]) -> None:
        """Loads position reports (anything with the attributes of the bot's
        ``PositionReport``: hex, ts, lat, lon, alt_ft, on_ground, gs_kt, track_deg,
        vrate_fpm, squawk, callsign, registration, type_code) as tracks."""
        for report in reports:
            self.load_track(
                report.hex,
                [report_point(report)],
                callsign=report.callsign,
                registration=report.registration,
                type_code=report.type_code,
            )

    def set_raw_aircraft(self, hex_code: str, obj: dict[str, Any]) -> None:
        """Serves `obj` verbatim as this aircraft's readsb object (for malformed fields);
        it is listed whenever its hex is asked for. OpenSky does not list it."""
        aircraft = self._aircraft.setdefault(hex_code.lower(), FakeAircraft(hex_code.lower()))
        aircraft.raw = dict(obj)

    def remove(self, hex_code: str) -> None:
        """Forgets an aircraft."""
        self._aircraft.pop(hex_code.lower(), None)

    def clear(self) -> None:
        """Forgets every aircraft."""
        self._aircraft.clear()

    # ------------------------------------------------------------------ faults

    def fail_next(
        self,
        kind: FaultKind,
        *,
        api: Api = "readsb",
        count: int = 1,
        retry_after: int = 30,
    ) -> None:
        """Makes the next `count` requests to `api` fail with `kind`.

        Raises:
            ValueError: unknown kind, or one that makes no sense on `api`.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}")
        answer = fault_answer(
            kind, api, now=self.clock(), retry_after=retry_after, oversized=self._big(api, kind)
        )
        self._planned[api].extend([answer] * count)

    def respond_next(
        self,
        api: Api,
        body: bytes | str,
        *,
        status: int = 200,
        content_type: str = _JSON,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Answers the next request to `api` with exactly this (e.g. a fixture file)."""
        raw = body.encode() if isinstance(body, str) else body
        self._planned[api].append(
            PlannedAnswer(status, dict(headers or {}), raw, content_type, "scripted")
        )

    def inject_faults(
        self,
        rate: float = 0.2,
        kinds: Sequence[FaultKind] = ("timeout", "503", "429", "malformed_json"),
        seed: int | None = None,
        *,
        api: Api | Iterable[Api] = ("readsb", "opensky"),
    ) -> None:
        """Fails a share of requests at random, reproducibly for a given seed.

        For each request to one of the APIs, in arrival order, the RNG decides whether
        it fails (probability `rate`) and then picks the kind uniformly from `kinds`.

        Raises:
            ValueError: `rate` outside [0, 1], no kinds, or an unknown kind.
        """
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate must be within [0, 1], got {rate}")
        if rate > 0 and not kinds:
            raise ValueError("kinds must not be empty")
        for kind in kinds:
            if kind not in FAULT_KINDS:
                raise ValueError(f"unknown fault kind {kind!r}")
        self._fault_rate = rate
        self._fault_kinds = tuple(kinds)
        self._fault_apis = frozenset((api,) if isinstance(api, str) else api)
        self._fault_rng = random.Random(seed)

    def clear_faults(self) -> None:
        """Stops random faults and drops queued and scripted answers."""
        self._fault_rate = 0.0
        for queue in self._planned.values():
            queue.clear()

    def expire_tokens(self) -> None:
        """Every issued token stops working (the API answers 401 until a new one)."""
        self._tokens = dict.fromkeys(self._tokens, -math.inf)

    @property
    def issued_tokens(self) -> list[str]:
        """Access tokens handed out so far (to check that none of them is ever logged)."""
        return list(self._tokens)

    # ------------------------------------------------------------------ records

    def requests_to(self, api: Api) -> list[ADSBRequest]:
        """Requests to one API, in order."""
        return [r for r in self.requests if r.api == api]

    def clear_records(self) -> None:
        """Forgets recorded requests."""
        self.requests.clear()

    # ------------------------------------------------------------------ handlers

    async def _readsb(self, request: web.Request) -> web.StreamResponse:
        lookup = request.match_info["lookup"]
        raw_ids = request.match_info["ids"]
        ids = tuple(i.strip() for i in raw_ids.split(",") if i.strip())
        planned = self._planned_answer("readsb")
        if planned is not None:
            return await self._answer_planned(request, "readsb", ids, planned, None)
        authorized = self._check_key(request)
        if authorized is False:
            if self.key_style == "rapidapi":
                return self._answer(request, "readsb", ids, 401, _RAPIDAPI_BAD_KEY, authorized)
            return self._answer(
                request, "readsb", ids, 403, _dumps({"msg": "Forbidden", "status": 403}), authorized
            )
        retry = self._readsb_rate_retry()
        if retry is not None:
            return self._answer(
                request,
                "readsb",
                ids,
                429,
                b"Too Many Requests",
                authorized,
                headers={"Retry-After": str(retry)},
                content_type="text/plain",
            )
        now = self.clock()
        matches = self._match(lookup, raw_ids, ids, now)
        single_bare = (
            request.path.startswith(_GATEWAY_PREFIX + "/")
            and lookup in ("hex", "icao")
            and "," not in raw_ids
            and len(matches) == 1
        )
        if single_bare:
            return self._answer(request, "readsb", ids, 200, _dumps(matches[0]), authorized)
        envelope = readsb_envelope(matches, now)
        return self._answer(request, "readsb", ids, 200, _dumps(envelope), authorized)

    async def _states_all(self, request: web.Request) -> web.StreamResponse:
        ids = tuple(v.strip().lower() for k, v in request.query.items() if k == "icao24")
        planned = self._planned_answer("opensky")
        if planned is not None:
            return await self._answer_planned(request, "opensky", ids, planned, None)
        header = request.headers.get("Authorization")
        authorized: bool | None = None
        if header is not None:
            scheme, _, token = header.partition(" ")
            expiry = self._tokens.get(token)
            authorized = scheme.lower() == "bearer" and expiry is not None and expiry > self.clock()
            if not authorized:
                return self._answer(request, "opensky", ids, 401, b"", authorized)
        extra: dict[str, str] = {}
        if self.opensky_credits is not None:
            if self.opensky_credits < _OPENSKY_CALL_CREDITS:
                return self._answer(
                    request,
                    "opensky",
                    ids,
                    429,
                    b"",
                    authorized,
                    headers={"X-Rate-Limit-Retry-After-Seconds": str(self.opensky_credit_reset_s)},
                    content_type="text/plain",
                )
            self.opensky_credits -= _OPENSKY_CALL_CREDITS
            extra["X-Rate-Limit-Remaining"] = str(self.opensky_credits)
        now = self.clock()
        resolution = 5 if authorized else 10
        at = int(now) - int(now) % resolution
        extended = request.query.get("extended") == "1"
        wanted = set(ids)
        states = []
        for aircraft in self._aircraft.values():
            if wanted and aircraft.hex not in wanted:
                continue
            found = point_at(aircraft, at, self.drop_after_s)
            if found is not None:
                states.append(opensky_state(aircraft, found[1], at, extended=extended))
        payload = {"time": at, "states": states or None}
        return self._answer(
            request, "opensky", ids, 200, _dumps(payload), authorized, headers=extra
        )

    async def _token(self, request: web.Request) -> web.StreamResponse:
        form = {k: str(v) for k, v in (await request.post()).items()}
        planned = self._planned_answer("token")
        shown = {k: v for k, v in form.items() if k != "client_secret"}
        if planned is not None:
            return await self._answer_planned(request, "token", (), planned, None, form=shown)
        if form.get("grant_type") != "client_credentials":
            body = {
                "error": "unsupported_grant_type",
                "error_description": "Unsupported grant_type",
            }
            return self._answer(request, "token", (), 400, _dumps(body), None, form=shown)
        client_id = form.get("client_id", "")
        expected = self.opensky_clients.get(client_id)
        if expected is None or not secrets.compare_digest(expected, form.get("client_secret", "")):
            body = {
                "error": "unauthorized_client",
                "error_description": "Invalid client or Invalid client credentials",
            }
            return self._answer(request, "token", (), 401, _dumps(body), False, form=shown)
        token = "fake-" + secrets.token_urlsafe(24)
        self._tokens[token] = self.clock() + self.token_ttl
        self.tokens_issued += 1
        answer: dict[str, object] = {
            "access_token": token,
            "expires_in": self.token_ttl,
            "refresh_expires_in": 0,
            "token_type": "Bearer",
            "not-before-policy": 0,
            "scope": "email profile",
        }
        return self._answer(request, "token", (), 200, _dumps(answer), True, form=shown)

    # ------------------------------------------------------------------ plumbing

    def _match(
        self, lookup: str, raw_ids: str, ids: tuple[str, ...], now: float
    ) -> list[dict[str, Any]]:
        if not self.comma_lists and "," in raw_ids:
            return []
        wanted = ids[: self.max_ids]
        found: list[dict[str, Any]] = []
        if lookup in ("hex", "icao"):
            for hex_code in wanted:
                obj = self._served(self._aircraft.get(hex_code.lower()), now)
                if obj is not None:
                    found.append(obj)
            return found
        keys = {i.upper() for i in wanted}
        for aircraft in self._aircraft.values():
            value = (
                aircraft.registration if lookup in ("reg", "registration") else aircraft.callsign
            )
            if value is not None and value.strip().upper() in keys:
                obj = self._served(aircraft, now)
                if obj is not None:
                    found.append(obj)
        return found

    def _served(self, aircraft: FakeAircraft | None, now: float) -> dict[str, Any] | None:
        if aircraft is None:
            return None
        if aircraft.raw is not None:
            return dict(aircraft.raw)
        found = point_at(aircraft, now, self.drop_after_s)
        if found is None:
            return None
        return readsb_object(aircraft, found[0], found[1], now)

    def _check_key(self, request: web.Request) -> bool | None:
        if self.api_key is None:
            return None
        if self.key_style == "rapidapi":
            key = request.headers.get("x-rapidapi-key", "")
            host = request.headers.get("x-rapidapi-host", "")
            return secrets.compare_digest(key, self.api_key) and host == request.host
        return secrets.compare_digest(request.headers.get("api-auth", ""), self.api_key)

    def _readsb_rate_retry(self) -> int | None:
        if self.readsb_rate_limit is None:
            return None
        limit, window = self.readsb_rate_limit
        now = (self.rate_clock or self.clock)()
        hits = self._readsb_hits
        while hits and hits[0] <= now - window:
            hits.popleft()
        if len(hits) >= limit:
            self.rate_limited += 1
            return max(1, math.ceil(hits[0] + window - now))
        hits.append(now)
        return None

    def _planned_answer(self, api: Api) -> PlannedAnswer | None:
        queue = self._planned[api]
        if queue:
            return queue.popleft()
        if self._fault_rate > 0 and api in self._fault_apis:
            rng = self._fault_rng
            if rng.random() < self._fault_rate:
                kind = rng.choice(self._fault_kinds)
                if api == "token" and kind not in (
                    "timeout",
                    "500",
                    "502",
                    "503",
                    "429",
                    "malformed_json",
                ):
                    kind = "503"
                return fault_answer(
                    kind, api, now=self.clock(), retry_after=30, oversized=self._big(api, kind)
                )
        return None

    async def _answer_planned(
        self,
        request: web.Request,
        api: Api,
        ids: tuple[str, ...],
        planned: PlannedAnswer,
        authorized: bool | None,
        *,
        form: Mapping[str, str] | None = None,
    ) -> web.StreamResponse:
        if planned.body is None:
            return await self._time_out(request, api, ids, form)
        return self._answer(
            request,
            api,
            ids,
            planned.status,
            planned.body,
            authorized,
            headers=planned.headers,
            content_type=planned.content_type,
            fault=planned.fault,
            form=form,
        )

    async def _time_out(
        self, request: web.Request, api: Api, ids: tuple[str, ...], form: Mapping[str, str] | None
    ) -> web.StreamResponse:
        # Recorded up front so tests can count timeouts while the client is still waiting.
        self._record(request, api, ids, None, "timeout", None, form)
        return await self._hold_and_drop(request, self.fault_timeout)

    def _answer(
        self,
        request: web.Request,
        api: Api,
        ids: tuple[str, ...],
        status: int,
        body: bytes,
        authorized: bool | None,
        *,
        headers: Mapping[str, str] | None = None,
        content_type: str = _JSON,
        fault: str | None = None,
        form: Mapping[str, str] | None = None,
    ) -> web.Response:
        self._record(request, api, ids, status, fault, authorized, form)
        return web.Response(
            status=status, body=body, headers=dict(headers or {}), content_type=content_type
        )

    def _record(
        self,
        request: web.Request,
        api: Api,
        ids: tuple[str, ...],
        status: int | None,
        fault: str | None,
        authorized: bool | None,
        form: Mapping[str, str] | None,
    ) -> None:
        self.requests.append(
            ADSBRequest(
                api=api,
                method=request.method,
                path=request.path,
                query=tuple(request.query.items()),
                headers=mask_headers(request.headers),
                ids=ids,
                status=status,
                fault=fault,
                authorized=authorized,
                at=self.clock(),
                form=dict(form or {}),
            )
        )

    def _big(self, api: Api, kind: FaultKind) -> bytes:
        # Built once per API and only when asked for: several megabytes, like a global
        # snapshot, made of one padding aircraft no test watches.
        if kind != "oversized":
            return b""
        cached = self._oversized.get(api)
        if cached is not None:
            return cached
        now = self.clock()
        if api == "opensky":
            item = _dumps(
                [
                    _PADDING_HEX,
                    "",
                    "Unknown",
                    int(now),
                    int(now),
                    0.0,
                    0.0,
                    9144.0,
                    False,
                    216.1,
                    90.0,
                    0.0,
                    None,
                    9144.0,
                    None,
                    False,
                    0,
                ]
            )
            head, tail = b'{"time":%d,"states":[' % int(now), b"]}"
        else:
            item = _dumps(
                {
                    "hex": _PADDING_HEX,
                    "type": "adsb_icao",
                    "alt_baro": 30000,
                    "gs": 420.0,
                    "lat": 0.0,
                    "lon": 0.0,
                    "seen_pos": 0.1,
                    "seen": 0.1,
                }
            )
            count = self.oversized_bytes // (len(item) + 1) + 1
            now_ms = int(now * 1000)
            head = b'{"ac":['
            tail = b'],"msg":"No error","now":%d,"total":%d,"ctime":%d,"ptime":0}' % (
                now_ms,
                count,
                now_ms,
            )
        count = self.oversized_bytes // (len(item) + 1) + 1
        body = head + b",".join([item] * count) + tail
        self._oversized[api] = body
        return body
