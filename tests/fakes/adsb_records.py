"""What the fake ADS-B server records, and the faults it can inject.

:class:`tests.fakes.adsb.FakeADSB` creates these records and re-exports the types.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias, get_args

__all__ = [
    "API_NAMES",
    "FAULT_KINDS",
    "SECRET_HEADERS",
    "ADSBRequest",
    "Api",
    "FaultKind",
    "PlannedAnswer",
    "fault_answer",
    "mask_headers",
]

Api: TypeAlias = Literal["readsb", "opensky", "token"]
API_NAMES: Final[tuple[Api, ...]] = ("readsb", "opensky", "token")

FaultKind: TypeAlias = Literal[
    "timeout",
    "500",
    "502",
    "503",
    "429",
    "malformed_json",
    "html_200",
    "empty_ac",
    "no_ac",
    "wrong_shape",
    "oversized",
]
FAULT_KINDS: Final[tuple[FaultKind, ...]] = get_args(FaultKind)

# Header values never recorded in clear: the recorder keeps the name, masks the value.
SECRET_HEADERS: Final = frozenset({"api-auth", "x-rapidapi-key", "authorization"})
MASK: Final = "***"

_STATUS_TEXT: Final = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


@dataclass(frozen=True, slots=True)
class ADSBRequest:
    """One request to the fake, whatever its outcome.

    Attributes:
        api: ``"readsb"``, ``"opensky"`` or ``"token"`` (OpenSky's token endpoint).
        method: HTTP method.
        path: request path, decoded.
        query: query items in order (repeated keys kept), e.g. ``(("icao24", "ff0001"),)``.
        headers: request headers, lowercase names; values of :data:`SECRET_HEADERS` are
            masked (``"***"``, ``"Bearer ***"``), so records can be printed safely.
        ids: the ids asked for: hexes, registrations, callsigns or ``icao24`` values
            (empty items of a trailing comma dropped).
        status: HTTP status answered; ``None`` for an injected timeout (recorded when
            the request is held, i.e. before the client gives up).
        fault: the injected fault kind or ``"scripted"``, ``None`` for a normal answer.
        authorized: whether the credentials were accepted; ``None`` when none were
            needed or offered.
        at: time of the request on the fake's clock (Unix seconds).
        form: form fields of a token request, without ``client_secret``.
    """

    api: Api
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: Mapping[str, str]
    ids: tuple[str, ...]
    status: int | None
    fault: str | None
    authorized: bool | None
    at: float
    form: Mapping[str, str]

    @property
    def ok(self) -> bool:
        """Whether the request was answered with 200 and no fault."""
        return self.status == 200 and self.fault is None


@dataclass(frozen=True, slots=True)
class PlannedAnswer:
    """A scripted or injected answer: status, headers, body (``None`` for a timeout)."""

    status: int
    headers: Mapping[str, str]
    body: bytes | None
    content_type: str
    fault: str


def mask_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Lowercase header names, secret values masked."""
    masked: dict[str, str] = {}
    for name, value in headers.items():
        key = name.lower()
        if key in SECRET_HEADERS:
            scheme, _, _rest = value.partition(" ")
            masked[key] = f"{scheme} {MASK}" if key == "authorization" and _rest else MASK
        else:
            masked[key] = value
    return masked


def fault_answer(
    kind: FaultKind, api: Api, *, now: float, retry_after: int, oversized: bytes
) -> PlannedAnswer:
    """The answer a fault produces on one API (the body of a timeout is None).

    Raises:
        ValueError: a kind that makes no sense on this API (the token endpoint has no
            ``ac``).
    """
    if kind == "timeout":
        return PlannedAnswer(0, {}, None, "", kind)
    if kind in ("500", "502", "503"):
        status = int(kind)
        title = f"{status} {_STATUS_TEXT[status]}"
        page = (
            f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
            f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
            "</body>\r\n</html>\r\n"
        )
        return PlannedAnswer(status, {}, page.encode(), "text/html", kind)
    if kind == "429":
        # OpenSky names its own header; the readsb providers and Keycloak use Retry-After.
        header = "X-Rate-Limit-Retry-After-Seconds" if api == "opensky" else "Retry-After"
        return PlannedAnswer(
            429, {header: str(retry_after)}, b"Too Many Requests", "text/plain", kind
        )
    if kind == "html_200":
        page = (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            "<title>Down for maintenance</title></head><body><h1>We'll be back soon</h1>"
            "</body></html>"
        )
        return PlannedAnswer(200, {}, page.encode(), "text/html", kind)
    if kind == "oversized":
        return PlannedAnswer(200, {}, oversized, "application/json", kind)
    body = _json_fault(kind, api, now)
    return PlannedAnswer(200, {}, body, "application/json", kind)


def _json_fault(kind: FaultKind, api: Api, now: float) -> bytes:
    now_ms = int(now * 1000)
    if api == "readsb":
        envelope: dict[str, object] = {
            "ac": [],
            "msg": "No error",
            "now": now_ms,
            "total": 0,
            "ctime": now_ms,
            "ptime": 0,
        }
        if kind == "no_ac":
            envelope = {"msg": "Service temporarily unavailable", "now": now_ms}
        elif kind == "wrong_shape":
            envelope["ac"] = {"hex": "ff0000"}
    elif api == "opensky":
        envelope = {"time": int(now), "states": None}
        if kind == "no_ac":
            envelope = {"error": "Service temporarily unavailable"}
        elif kind == "wrong_shape":
            envelope["states"] = {"ff0000": []}
    else:
        if kind != "malformed_json":
            raise ValueError(f"fault {kind!r} makes no sense on the token endpoint")
        envelope = {"access_token": "x", "expires_in": 1800, "token_type": "Bearer"}
    text = json.dumps(envelope, separators=(",", ":"))
    if kind == "malformed_json":
        # A body cut off mid-way, as a dropped upstream connection leaves it.
        text = text[: max(1, len(text) // 2)]
    return text.encode()
