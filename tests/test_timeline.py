"""/timeline's text and chart from a timeline (pure), the chart drawn in the map worker."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from bot.alerts.parts import AirportPart
from bot.exports.timeline import (
    FlightMoment,
    Moment,
    StatementMoment,
    Timeline,
    VenueMoment,
)
from bot.exports.timeline_chart import MAX_LABELS, SIZE_PX, ChartSpec, _draw, chart_spec
from bot.exports.timeline_text import timeline_blocks
from bot.flights.map_worker import MapWorker
from bot.kernel.i18n import translator
from bot.watch.watchlist_text import MESSAGE_BUDGET, pages

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
VKO = AirportPart("UUWW", "VKO", "Vnukovo", "Moscow", "RU", "Europe/Moscow")
GYD = AirportPart("UBBB", "GYD", "Heydar Aliyev", "Baku", "AZ", "Asia/Baku")
BAKU = {"en": "Baku", "ru": "Баку", "az": "Bakı"}
TAKEOFF = datetime(2026, 12, 5, 22, 54, tzinfo=UTC)


def _timeline(*moments: Moment) -> Timeline:
    return Timeline(NOW - timedelta(days=7), NOW, moments, len(moments))


# Stored in reading order; the timeline is sorted by time, then flights, statements, venues.
FIELD_REPORT = _timeline(
    FlightMoment(TAKEOFF, "takeoff", "DEMO1", VKO, "confirmed"),
    FlightMoment(TAKEOFF + timedelta(hours=3, minutes=36), "landing", "DEMO1", GYD, "probable"),
    StatementMoment(
        TAKEOFF + timedelta(hours=9), "kremlin-en", True, "Putin met the envoy", "https://x.test/1"
    ),
    VenueMoment(TAKEOFF + timedelta(hours=10), "baku", BAKU, "new_leader", score=9.0, rank=1),
)


def _text(locale: str, zone: str, timeline: Timeline = FIELD_REPORT) -> str:
    return "\n".join(timeline_blocks(timeline, "Demo Envoy", 7, zone, translator(locale)))


def _in_order(text: str, *parts: str) -> None:
    places = [text.index(part) for part in parts]
    assert places == sorted(places), text


def test_the_text_gives_each_moment_in_the_chats_zone_and_utc_under_its_local_day() -> None:
    _in_order(
        _text("en", "Europe/Moscow"),
        "Timeline of <b>Demo Envoy</b>, last 7 days",
        "<b>Sun, 6 Dec 2026</b>",  # 01:54 in Moscow is the next day
        "🛫 01:54 Moscow time (Dec 5, 22:54 UTC) — took off from Moscow (VKO), DEMO1 (confirmed)",
        "🛬 05:30 Moscow time (02:30 UTC) — landed at Baku (GYD), DEMO1 (probable)",
        '📰 10:54 Moscow time (07:54 UTC) — kremlin-en ✓: <a href="https://x.test/1">',
        "🏛 11:54 Moscow time (08:54 UTC) — Baku: moved into first place (score 9)",
    )
    utc = _text("en", "UTC")
    _in_order(utc, "<b>Sat, 5 Dec 2026</b>", "22:54 UTC — took off", "<b>Sun, 6 Dec 2026</b>")


def test_the_text_in_russian_and_azerbaijani() -> None:
    _in_order(
        _text("ru", "Europe/Moscow"),
        "Хронология: <b>Demo Envoy</b>, последние 7 дней",
        "01:54 по местному времени (Москва), 5 дек., 22:54 UTC — вылет: Москва (VKO)",
        "посадка: Баку (GYD), DEMO1 (вероятно)",
        "Баку: вышел на первое место",
    )
    _in_order(
        _text("az", "Asia/Baku"),
        "Xronologiya: <b>Demo Envoy</b>, son 7 gün",
        "Bakı vaxtı ilə 02:54 (5 dek, 22:54 UTC) — qalxış: Moskva (VKO)",
        "Bakı vaxtı ilə 06:30 (02:30 UTC) — eniş: Bakı (GYD), DEMO1 (ehtimal)",
        "Bakı: birinci yerə çıxdı",
    )


def test_a_destinations_likelihood_is_a_percentage_as_each_language_writes_it() -> None:
    heading = _timeline(
        FlightMoment(TAKEOFF + timedelta(hours=1), "destination", "DEMO1", GYD, "probable", 0.82)
    )
    assert "heading for Baku (GYD) (82% likely)" in _text("en", "UTC", heading)
    # CLDR: Russian puts a no-break space before the sign, Azerbaijani none.
    assert "(вероятность 82\xa0%)" in _text("ru", "UTC", heading)
    assert "(ehtimal 82%)" in _text("az", "UTC", heading)


def test_moments_at_one_time_go_flights_then_statements_then_venues() -> None:
    at = NOW - timedelta(hours=1)
    timeline = _timeline(
        FlightMoment(at, "landing", "DEMO1", GYD, "confirmed"),
        StatementMoment(at, "mfa-az", True, "A visit", None),
        VenueMoment(at, "baku", BAKU, "score_jump", score=7.5, rank=2),
    )
    _in_order(_text("en", "UTC", timeline), "landed at", "mfa-az ✓: A visit", "score rose to 7.5")


def test_a_long_timeline_is_split_between_lines_within_telegrams_limit() -> None:
    many = tuple(
        StatementMoment(NOW - timedelta(hours=n), "kremlin-en", True, f"Statement {n} " * 8, None)
        for n in range(150, 0, -1)
    )
    blocks = timeline_blocks(_timeline(*many), "Demo Envoy", 7, "UTC", translator("en"))
    parts = pages(blocks)
    assert len(parts) > 1
    assert all(len(part) <= MESSAGE_BUDGET for part in parts)
    joined = "\n".join(parts)
    assert all(f"Statement {n} " in joined for n in range(1, 151))


@pytest.fixture(scope="module")
def drawing_worker() -> Iterator[MapWorker]:
    worker = MapWorker()
    yield worker
    worker.close()


@pytest.mark.parametrize(
    ("locale", "zone", "words"),
    [
        ("en", "Europe/Moscow", ["Flights", "Statements", "Venues", "Dec 6", "Baku"]),
        ("ru", "Europe/Moscow", ["Полёты", "Заявления", "Места встреч", "6 дек.", "Баку"]),
        ("az", "Asia/Baku", ["Uçuşlar", "Bəyanatlar", "Məkanlar", "6 dek", "Bakı"]),
    ],
)
def test_the_chart_is_drawn_in_the_worker_process_in_the_chats_language(
    drawing_worker: MapWorker, locale: str, zone: str, words: list[str]
) -> None:
    spec = chart_spec(FIELD_REPORT, "Demo Envoy", zone, translator(locale))
    picture = drawing_worker.call(_draw, spec)
    assert Image.open(io.BytesIO(picture.png)).size == SIZE_PX
    for word in [*words, "↑ VKO", "↓ GYD", "kremlin-en"]:
        assert word in picture.texts, (word, picture.texts)
    # Same input, same bytes: the key names one picture.
    assert drawing_worker.call(_draw, spec).png == picture.png


def test_the_chart_key_is_the_same_within_the_hour_and_differs_by_language() -> None:
    later = Timeline(
        FIELD_REPORT.since + timedelta(minutes=20),
        FIELD_REPORT.until + timedelta(minutes=20),
        FIELD_REPORT.moments,
        4,
    )
    en = chart_spec(FIELD_REPORT, "Demo Envoy", "UTC", translator("en"))
    assert chart_spec(later, "Demo Envoy", "UTC", translator("en")).key() == en.key()
    assert chart_spec(FIELD_REPORT, "Demo Envoy", "UTC", translator("ru")).key() != en.key()


def test_a_crowded_chart_draws_its_points_without_labels() -> None:
    many = tuple(
        StatementMoment(NOW - timedelta(hours=n), "kremlin-en", True, "x", None)
        for n in range(MAX_LABELS + 5, 0, -1)
    )
    spec: ChartSpec = chart_spec(_timeline(*many), "Demo Envoy", "UTC", translator("en"))
    assert len(spec.points) == MAX_LABELS + 5
    assert all(point.label == "" for point in spec.points)


def test_a_cut_timeline_says_how_many_moments_it_left_out() -> None:
    cut = Timeline(FIELD_REPORT.since, FIELD_REPORT.until, FIELD_REPORT.moments, 250)
    heading = timeline_blocks(cut, "Demo Envoy", 7, "UTC", translator("ru"))[0]
    assert "Показаны только последние 4 из 250" in heading
    whole = timeline_blocks(FIELD_REPORT, "Demo Envoy", 7, "UTC", translator("ru"))[0]
    assert "Показаны только" not in whole
