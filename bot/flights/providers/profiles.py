"""What we know about each ADS-B provider's API: paths, batching, auth and politeness.

Pure data. The provider *name* in `SUMMITWATCH_FLIGHT_PROVIDERS` picks a profile; the
base URL comes from the setting, so a mirror or a local fake can stand in.

What each profile relies on (checked against public documentation and code, 2024-26):

* ``adsb.lol`` (base ``https://api.adsb.lol``): ``/v2/hex/{hex}`` (``/v2/icao/`` is an
  alias), ``/v2/reg/{reg}``, ``/v2/callsign/{callsign}``. Its API server passes the hex
  path segment to readsb's ``find_hex``, which takes a comma-separated list, so several
  hexes go in one request. No hard public rate limit is published for the open
  endpoints; we keep to the one request per second its sister networks publish.
* ``airplanes.live`` (base ``https://api.airplanes.live``): the same paths; its API
  guide documents comma lists on ``/v2/hex`` ("limited to 1000") and a limit of one
  request per second.
* ``adsb.fi`` (base ``https://opendata.adsb.fi/api``): ``/v2/hex/{hex}`` and
  ``/v2/icao/{hex}``, ``/v2/registration/{reg}``, ``/v2/callsign/{callsign}``; one
  request per second. Its README shows a comma list on ``/v2/icao/``
  (``/v2/icao/461E1A,4ACA0B``), so we ask there, as many hexes per request as the URL
  budget allows (no upper count is published).
* ``adsbexchange`` (ADS-B Exchange's own gateway, base
  ``https://gateway.adsbexchange.com/api/aircraft``): key in the ``api-auth`` header;
  ``/v2/hex/{a,b,...}`` takes a comma list, and a *single* hex without a trailing comma
  answers a bare aircraft object instead of the ``{ac: [...]}`` envelope, so we always
  end the list with a comma. Its documentation advises POST above 10 aircraft, so GET
  batches stay at 10. ``/v2/registration/`` is documented; ``/v2/callsign/`` is assumed
  by analogy with the other v2 endpoints.
* ``adsbexchange-rapidapi`` (base ``https://adsbexchange-com1.p.rapidapi.com``): key in
  ``x-rapidapi-key`` plus ``x-rapidapi-host`` (the host of the base URL), paths
  ``/v2/icao/{hex}/``, ``/v2/registration/{reg}/``, ``/v2/callsign/{callsign}/`` with
  the trailing slash public clients use; one hex per request (no comma lists
  documented). The name ``adsbexchange`` with a ``*.rapidapi.com`` base URL picks this
  profile too. The monthly quota is the plan's; a 429 from RapidAPI backs us off.
* ``opensky`` (base ``https://opensky-network.org/api``): ``/states/all?icao24=a&icao24=b``.
  Credits per day: 400 anonymous, 4000 with an account; a query without a bounding box
  costs the most (4 credits), so anonymous use allows ~100 requests a day (one per
  ~15 minutes) and an account ~1000 (one per ~90 s). State vectors are at 10 s
  (anonymous) or 5 s resolution, so faster polling would gain nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal
from urllib.parse import urlsplit

WireFormat = Literal["readsb", "opensky"]
Auth = Literal["none", "api-auth", "rapidapi", "oauth2"]

# URLs beyond ~2000 characters are refused by some proxies and CDNs; the ADSB One /
# airplanes.live guide allows 8000 characters, so this keeps a wide margin.
MAX_URL_CHARS = 2000


@dataclass(frozen=True, slots=True)
class Limits:
    """Politeness and safety limits of one provider.

    Attributes:
        requests: requests allowed per `per_seconds` (an `aiolimiter.AsyncLimiter`).
        per_seconds: the limiter's period.
        timeout_s: total timeout of one request.
        max_wait_s: longest we wait for our own rate limiter before skipping the
            provider for this round (a slow limiter must not stall the poll).
        max_round_s: longest a whole round may spend waiting on the limiter; a round
            that needs more requests than that allows (100 hexes on adsb.fi, which
            takes one per request) skips the provider before sending anything, so one
            round never outlasts the poll interval.
        backoff_base_s: first backoff after a failure (doubles per failure, jittered).
        backoff_max_s: backoff ceiling.
    """

    requests: float = 1.0
    per_seconds: float = 1.0
    timeout_s: float = 10.0
    max_wait_s: float = 5.0
    max_round_s: float = 20.0
    backoff_base_s: float = 30.0
    backoff_max_s: float = 900.0


@dataclass(frozen=True, slots=True)
class Profile:
    """How to talk to one provider.

    Attributes:
        name: canonical provider name (health rows use the configured name).
        wire: answer format, `"readsb"` (v2 envelope) or `"opensky"` (state vectors).
        hex_path: path under the base URL, `{}` standing for the id list.
        reg_path: path of the registration lookup, or None.
        callsign_path: path of the callsign lookup, or None.
        max_batch: hexes per request (1: the provider takes no comma lists).
        trailing_comma: end every hex list with a comma (ADS-B Exchange gateway).
        auth: how the key is sent.
        limits: default limits.
    """

    name: str
    wire: WireFormat
    hex_path: str
    reg_path: str | None
    callsign_path: str | None
    max_batch: int
    trailing_comma: bool
    auth: Auth
    limits: Limits


# The published rate is one request per second. We keep a tenth of a second under it:
# our limiter spaces requests by exactly the period when they leave, but the network
# (and asyncio timers, which may fire up to a clock tick early) can bring two of them
# to the provider less than a second apart, and a strict limiter answers the second
# with 429. bench/fleet_poll.py measures this against a fake enforcing 1 request/s.
POLITE_PERIOD_S = 1.1
_ONE_PER_SECOND = Limits(per_seconds=POLITE_PERIOD_S)


def _readsb(
    name: str,
    reg: str,
    *,
    batch: int,
    hex_path: str = "/v2/hex/{}",
    callsign: str = "/v2/callsign/{}",
    trailing_comma: bool = False,
    auth: Auth = "none",
) -> Profile:
    return Profile(
        name=name,
        wire="readsb",
        hex_path=hex_path,
        reg_path=reg,
        callsign_path=callsign,
        max_batch=batch,
        trailing_comma=trailing_comma,
        auth=auth,
        limits=_ONE_PER_SECOND,
    )


PROFILES: dict[str, Profile] = {
    # 250 hexes x 7 characters fill most of MAX_URL_CHARS.
    "adsb.lol": _readsb("adsb.lol", "/v2/reg/{}", batch=250),
    "airplanes.live": _readsb("airplanes.live", "/v2/reg/{}", batch=250),
    "adsb.fi": _readsb("adsb.fi", "/v2/registration/{}", batch=250, hex_path="/v2/icao/{}"),
    "adsbexchange": _readsb(
        "adsbexchange", "/v2/registration/{}", batch=10, trailing_comma=True, auth="api-auth"
    ),
    "adsbexchange-rapidapi": _readsb(
        "adsbexchange-rapidapi",
        "/v2/registration/{}/",
        batch=1,
        hex_path="/v2/icao/{}/",
        callsign="/v2/callsign/{}/",
        auth="rapidapi",
    ),
    "opensky": Profile(
        name="opensky",
        wire="opensky",
        hex_path="/states/all",
        reg_path=None,
        callsign_path=None,
        # ~14 characters per "icao24=xxxxxx&": 100 stay well inside MAX_URL_CHARS.
        max_batch=100,
        trailing_comma=False,
        auth="oauth2",
        # The anonymous budget; `OPENSKY_ACCOUNT_LIMITS` is the one with an account.
        limits=Limits(requests=1, per_seconds=900.0, timeout_s=15.0, max_wait_s=1.0),
    ),
}

# An account has 10x the credits: one request per ~90 s instead of ~15 minutes.
OPENSKY_ACCOUNT_LIMITS = Limits(requests=1, per_seconds=90.0, timeout_s=15.0, max_wait_s=1.0)


class UnknownProviderError(ValueError):
    """A provider name that no profile matches."""


def profile_for(name: str, base_url: str) -> Profile:
    """The profile for a configured provider name (case-insensitive) and base URL.

    Raises:
        UnknownProviderError: no profile has this name.
    """
    key = name.strip().lower()
    if key == "adsbexchange" and (urlsplit(base_url).hostname or "").endswith(".rapidapi.com"):
        key = "adsbexchange-rapidapi"
    profile = PROFILES.get(key)
    if profile is None:
        known = ", ".join(sorted(PROFILES))
        raise UnknownProviderError(f"unknown flight provider {name!r} (known: {known})")
    return profile


def with_limits(profile: Profile, limits: Limits) -> Profile:
    """The same profile with other limits."""
    return replace(profile, limits=limits)
