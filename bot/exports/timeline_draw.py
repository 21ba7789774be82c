"""The drawing half of `bot.exports.timeline_chart`: matplotlib, in the map worker.

Three lanes (flights, statements, venues) over the period, a marker a moment with its
short label, the chat's midnights as ticks. Text comes translated in the `ChartSpec`;
DejaVu Sans, matplotlib's own font that the maps use, has the Cyrillic and Azerbaijani
letters (ə, ğ, ı, ş). Its own `Figure` on the Agg canvas, never pyplot, as the maps.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from bot.exports.timeline_chart import ChartPicture, ChartSpec

_DPI = 100
_FONT = "DejaVu Sans"
_TEXT = "#263238"
_GRID = "#cfd8dc"
_LANE_COLOURS = ("#1565c0", "#6a1b9a", "#2e7d32")
# marker kind -> (matplotlib marker, colour or None for the lane's)
_MARKS = {
    "takeoff": ("^", None),
    "landing": ("v", None),
    "destination": (">", "#ef6c00"),
    "flight": ("o", "#b71c1c"),
    "official": ("D", None),
    "statement": ("o", None),
    "new_leader": ("*", None),
    "score_jump": ("P", None),
    "factor": ("s", None),
}


def draw(spec: ChartSpec) -> ChartPicture:
    """The chart as PNG bytes (same spec, same bytes) and the texts drawn on it."""
    width, height = spec.size_px
    fig = Figure(figsize=(width / _DPI, height / _DPI), dpi=_DPI, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.13, 0.16, 0.84, 0.72))
    lanes = len(spec.lanes)
    span = max(spec.until - spec.since, 1.0)
    ax.set_xlim(spec.since - span * 0.01, spec.until + span * 0.01)
    ax.set_ylim(-0.6, lanes - 0.4)
    # Flights on top, then statements, venues at the bottom.
    ax.set_yticks(range(lanes), [spec.lanes[lanes - 1 - i] for i in range(lanes)])
    ax.set_xticks([x for x, _ in spec.ticks], [text for _, text in spec.ticks])
    for label in (*ax.get_xticklabels(), *ax.get_yticklabels()):
        label.set_fontfamily(_FONT)
        label.set_color(_TEXT)
    ax.grid(axis="x", color=_GRID, linewidth=0.8)
    for lane in range(lanes):
        ax.axhline(lanes - 1 - lane, color=_GRID, linewidth=0.8, zorder=1)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for landing, said in spec.links:
        # From the landing on the flights lane to the statement on the statements lane.
        ax.plot(
            [landing, said],
            [lanes - 1, lanes - 2],
            color="#ef6c00",
            linestyle="--",
            linewidth=1.2,
            zorder=2,
        )
    in_lane = [0] * lanes
    for point in spec.points:
        y = lanes - 1 - point.lane
        marker, colour = _MARKS.get(point.mark, ("o", None))
        ax.plot(
            [point.x],
            [y],
            marker=marker,
            markersize=9,
            color=colour or _LANE_COLOURS[point.lane % len(_LANE_COLOURS)],
            linestyle="none",
            zorder=3,
        )
        if point.label:
            # Alternate above and below the lane so neighbours overlap less.
            offset = 10 if in_lane[point.lane] % 2 == 0 else -16
            in_lane[point.lane] += 1
            ax.annotate(
                point.label,
                (point.x, y),
                xytext=(0, offset),
                textcoords="offset points",
                ha="left",
                fontsize=8,
                rotation=20,
                color=_TEXT,
                fontfamily=_FONT,
            )
    if not spec.points:
        ax.text(
            0.5,
            0.5,
            spec.empty,
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=12,
            color=_TEXT,
            fontfamily=_FONT,
        )
    fig.text(0.02, 0.95, spec.title, fontsize=14, fontweight="bold", color=_TEXT, fontfamily=_FONT)
    fig.text(0.98, 0.02, spec.footer, ha="right", fontsize=8, color=_TEXT, fontfamily=_FONT)
    out = io.BytesIO()
    # No metadata: the same chart is the same bytes (its key names its file id).
    fig.savefig(out, format="png", dpi=_DPI, metadata={"Software": None})
    texts = tuple(
        text.get_text()
        for text in fig.findobj(Text)
        if isinstance(text, Text) and text.get_visible() and text.get_text()
    )
    return ChartPicture(out.getvalue(), texts)
