"""The projection and extent of a track map: spherical Mercator, fitted to the points.

Mercator because flight-tracking sites use it, so analysts read it at a glance, and
because it is conformal (shapes of countries look right at every scale) and needs no
projection library. Coordinates are on the unit sphere: x is the longitude in radians,
y = artanh(sin(latitude)). Longitudes are unwrapped (a flight from 170°E to 170°W runs
from 170 to 190), so a track over the antimeridian stays in one piece. Latitudes are
clamped at ±85.05°, where Mercator maps of the whole world stop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.flights.geo import EARTH_RADIUS_KM
from bot.flights.maps_data import Resolution

FloatArray = npt.NDArray[np.float64]

MAX_LAT = 85.05112878  # the latitude where a square Mercator world map ends
_Y_MAX = math.atanh(math.sin(math.radians(MAX_LAT)))

#: Narrowest map, in km across its middle: enough to see which region a short hop is in.
MIN_WIDTH_KM = 1800.0
# Share of the picture kept free on each side of the points, for markers and labels.
_MARGIN_X = 0.1
_MARGIN_Y = 0.12
# The finest resolution drawn below each map width (km): finer data at a larger scale
# would cost time and bytes and be lost under a pixel.
_RESOLUTIONS: tuple[tuple[float, Resolution], ...] = ((3000.0, "i"), (10000.0, "l"))


def mercator_y(lat_deg: FloatArray) -> FloatArray:
    """Mercator y on the unit sphere of latitudes in degrees (clamped at ±85.05°)."""
    lat = np.radians(np.clip(lat_deg, -MAX_LAT, MAX_LAT))
    y: FloatArray = np.arctanh(np.sin(lat))
    return y


def latitude(y: float) -> float:
    """The latitude in degrees of a Mercator y."""
    return math.degrees(math.atan(math.sinh(y)))


@dataclass(frozen=True, slots=True)
class View:
    """The part of the Mercator plane a picture shows.

    Attributes:
        x0: left edge (longitude in radians, unwrapped).
        x1: right edge.
        y0: bottom edge (Mercator y).
        y1: top edge.
        width_km: ground distance across the middle of the map.
        resolution: GSHHG resolution to draw at this scale.
        size_px: width and height of the picture in pixels.
    """

    x0: float
    x1: float
    y0: float
    y1: float
    width_km: float
    resolution: Resolution
    size_px: tuple[int, int]

    @property
    def lon_range(self) -> tuple[float, float]:
        """West and east edges in degrees (unwrapped: may lie beyond ±180)."""
        return math.degrees(self.x0), math.degrees(self.x1)

    @property
    def lat_range(self) -> tuple[float, float]:
        """South and north edges in degrees."""
        return latitude(self.y0), latitude(self.y1)

    def pixel(self, lat: float, lon: float) -> tuple[float, float]:
        """Where a position lands in the picture: (column, row) from the top left corner."""
        mid = math.degrees((self.x0 + self.x1) / 2)
        x = math.radians(lon + 360.0 * round((mid - lon) / 360.0))
        y = math.atanh(math.sin(math.radians(min(max(lat, -MAX_LAT), MAX_LAT))))
        width, height = self.size_px
        return (
            (x - self.x0) / (self.x1 - self.x0) * width,
            (self.y1 - y) / (self.y1 - self.y0) * height,
        )


def fit_view(
    x: FloatArray, y: FloatArray, size_px: tuple[int, int], *, top_reserve: float = 0.0
) -> View:
    """The view that shows all points with a margin, at the picture's aspect ratio.

    Args:
        x: Mercator x of every point to show (track and airports), unwrapped.
        y: Mercator y of the same points.
        size_px: picture width and height in pixels.
        top_reserve: share of the picture's height kept free at the top (under a
            title), on top of the usual margin; 0 to 0.3.

    Returns:
        A view at least `MIN_WIDTH_KM` wide; when the points span more than the
        Mercator world is tall, the view is the whole height of the world.
    """
    width, height = size_px
    aspect = width / height
    x_lo, x_hi = float(x.min()), float(x.max())
    y_lo, y_hi = float(y.min()), float(y.max())
    y_mid = (y_lo + y_hi) / 2
    # Mercator stretches distances by 1/cos(latitude): a fixed ground width is wider
    # in the plane the further the map is from the equator.
    min_span = MIN_WIDTH_KM / EARTH_RADIUS_KM * stretch_at(y_mid)
    span_x = max((x_hi - x_lo) / (1 - 2 * _MARGIN_X), min_span)
    top_reserve = min(max(top_reserve, 0.0), 0.3)
    span_y = max((y_hi - y_lo) / (1 - 2 * _MARGIN_Y - top_reserve), min_span / aspect)
    if span_x / span_y < aspect:
        span_x = span_y * aspect
    else:
        span_y = span_x / aspect
    if span_y > 2 * _Y_MAX:
        # Pole to pole and more: show the whole height, as wide as the picture allows.
        span_y = 2 * _Y_MAX
        span_x = span_y * aspect
    # The points sit in the middle of what the reserve leaves: the view moves up by half of it.
    y_mid += span_y * top_reserve / 2
    y_mid = min(max(y_mid, -_Y_MAX + span_y / 2), _Y_MAX - span_y / 2)
    x_mid = (x_lo + x_hi) / 2
    width_km = span_x * EARTH_RADIUS_KM / stretch_at(y_mid)
    resolution: Resolution = "c"
    for limit, res in _RESOLUTIONS:
        if width_km <= limit:
            resolution = res
            break
    return View(
        x0=x_mid - span_x / 2,
        x1=x_mid + span_x / 2,
        y0=y_mid - span_y / 2,
        y1=y_mid + span_y / 2,
        width_km=width_km,
        resolution=resolution,
        size_px=(width, height),
    )


def stretch_at(y: float) -> float:
    """Mercator's scale factor at a Mercator y: plane distance per ground distance."""
    return math.cosh(y)
