"""Alerts in the chat's own language: airport names, dates on both clocks, long titles.

- An airport is named in ru/az from the shipped table of sourced names; without one
  its translated city and code suffice, and the English name is kept only when the
  city could not be translated either.
- A time shows the place's date, and the UTC date too when UTC is on another day.
- A title cut at the store's 2,048 characters ends on a whole word with "…".
- Every statement time has one format, with or without the source's zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.alerts import airport_names
from bot.alerts.events import FlightAlert
from bot.alerts.flight_text import place
from bot.alerts.render import render
from bot.alerts.render_flight import render_flight
from bot.alerts.render_statement import TITLE_LIMIT
from bot.alerts.text import cut_at_word, dated_moment, html_to_plain
from bot.flights import payload as flight_payload
from bot.flights.airports import get
from bot.kernel.i18n import translator
from tests.test_statements_render import kremlin_payload


def _airport(icao: str) -> dict[str, Any]:
    info = flight_payload.airport_info(get(icao))
    assert info is not None
    return info


@pytest.mark.parametrize(
    ("icao", "en", "ru", "az"),
    [
        (
            "UUWW",
            "Moscow, Russia — Vnukovo International Airport (VKO)",
            "Москва, Россия — Международный аэропорт Внуково (VKO)",
            "Moskva, Rusiya — Vnukovo hava limanı (VKO)",
        ),
        (
            "UBBB",
            "Baku, Azerbaijan — Heydar Aliyev International Airport (GYD)",
            "Баку, Азербайджан — Международный аэропорт Гейдар Алиев (GYD)",
            "Bakı, Azərbaycan — Heydər Əliyev adına Beynəlxalq Hava Limanı (GYD)",
        ),
        (
            # Sheremetyevo has a sourced Russian name only: Azerbaijani falls back to the city.
            "UUEE",
            "Moscow, Russia — Sheremetyevo International Airport (SVO)",
            "Москва, Россия — Международный аэропорт Шереметьево (SVO)",
            "Moskva, Rusiya (SVO)",
        ),
        (
            "LOWW",
            "Vienna, Austria — Vienna International Airport (VIE)",
            "Вена, Австрия (VIE)",
            "Vyana, Avstriya (VIE)",
        ),
        (
            # The district comes first in airportsdata; CLDR knows the city.
            "LTFM",
            "Istanbul, Türkiye — Istanbul Airport (IST)",
            "Стамбул, Турция (IST)",
            "İstanbul, Türkiyə (IST)",
        ),
        (
            # The city is not a CLDR exemplar city: the English name is all we have.
            "KADW",
            "Camp Springs, United States — Joint Base Andrews Airport (ADW)",
            "Camp Springs, Соединенные Штаты — Joint Base Andrews Airport (ADW)",
            "Camp Springs, Amerika Birləşmiş Ştatları — Joint Base Andrews Airport (ADW)",
        ),
    ],
)
def test_airports_are_named_in_the_chat_language_where_a_source_names_them(
    icao: str, en: str, ru: str, az: str
) -> None:
    airport = _airport(icao)
    assert [place(airport, translator(lang)) for lang in ("en", "ru", "az")] == [en, ru, az]


def test_every_shipped_airport_name_is_sourced_and_dated() -> None:
    names = airport_names.parse(
        {
            "airports": {
                "UUWW": {"ru": {"name": "X", "source": "a.b/c", "as_of": datetime.now(UTC).date()}}
            }
        }
    )
    assert names == {("UUWW", "ru"): "X"}
    for broken in (
        {"airports": {"UUWW": {"ru": {"name": "X", "as_of": datetime.now(UTC).date()}}}},
        {"airports": {"UUWW": {"ru": {"name": "X", "source": "a.b", "as_of": "soon"}}}},
        {"airports": {"UUWW": {"fr": {"name": "X", "source": "a.b", "as_of": "2026"}}}},
        {"airports": {"vko": {"ru": {"name": "X", "source": "a.b", "as_of": "2026"}}}},
    ):
        with pytest.raises(airport_names.AirportNamesError):
            airport_names.parse(broken)
    shipped = airport_names._names()
    assert shipped[("UBBB", "az")] == "Heydər Əliyev adına Beynəlxalq Hava Limanı"
    assert all(get(icao) is not None for icao, _lang in shipped)


def _landing(departed: str, landed: str) -> dict[str, Any]:
    return {
        "kind": "landing",
        "confidence": "confirmed",
        "hex": "ffa0d1",
        "registration": "DEMO1",
        "people": [],
        "ts": landed,
        "airport": _airport("UBBB"),
        "origin": _airport("UUWW"),
        "departed_ts": departed,
        "duration_s": 9360,
    }


@pytest.mark.parametrize(
    ("locale", "when_line", "from_line"),
    [
        (
            "en",
            "🕑 Mar 14, 2025, 05:30 Baku time (01:30 UTC)",
            "↗ From Moscow (VKO), departed 01:54 Moscow time (Mar 13, 22:54 UTC)",
        ),
        (
            "ru",
            "🕑 14 мар. 2025 г., 05:30 по местному времени (Баку), 01:30 UTC",
            "↗ Откуда: Москва (VKO), вылет 01:54 по местному времени (Москва), 13 мар., 22:54 UTC",
        ),
        (
            "az",
            "🕑 14 mar 2025, Bakı vaxtı ilə 05:30 (01:30 UTC)",
            "↗ Haradan: Moskva (VKO), qalxış: Moskva vaxtı ilə 01:54 (13 mar, 22:54 UTC)",
        ),
    ],
)
def test_the_departure_shows_the_utc_date_when_utc_is_on_another_day(
    locale: str, when_line: str, from_line: str
) -> None:
    landing = _landing("2025-03-13T22:54:00+00:00", "2025-03-14T01:30:00+00:00")
    text = render_flight(FlightAlert.from_json(landing), translator(locale)).text
    lines = html_to_plain(text).replace("\u202f", " ").split("\n")
    assert when_line in lines
    assert from_line in lines


def test_a_departure_on_the_day_before_the_landing_gives_its_own_date() -> None:
    landing = _landing("2025-03-13T19:00:00+00:00", "2025-03-14T01:30:00+00:00")
    text = render_flight(FlightAlert.from_json(landing), translator("ru")).text
    assert (
        "↗ Откуда: Москва (VKO), вылет 13 мар. 2025 г., 22:00 по местному времени (Москва), "
        "19:00 UTC"
    ) in html_to_plain(text).replace("\u202f", " ").split("\n")


@pytest.mark.parametrize(
    ("zone", "locale", "expected"),
    [
        ("UTC", "en", "Dec 7, 2026, 07:39 UTC"),
        ("UTC", "ru", "7 дек. 2026 г., 07:39 UTC"),
        ("America/New_York", "en", "Dec 7, 2026, 02:39 New York time (07:39 UTC)"),
        ("Asia/Baku", "az", "7 dek 2026, Bakı vaxtı ilə 11:39 (07:39 UTC)"),
        ("America/Los_Angeles", "en", "Dec 6, 2026, 23:39 Los Angeles time (Dec 7, 07:39 UTC)"),
    ],
)
def test_one_time_format_with_or_without_a_zone(zone: str, locale: str, expected: str) -> None:
    moment = datetime(2026, 12, 7, 7, 39, 9, tzinfo=UTC)
    shown = dated_moment(moment, zone, translator(locale)).replace("\u202f", " ")
    assert shown == expected


def test_a_source_without_a_country_shows_the_time_like_the_others() -> None:
    item = kremlin_payload(
        source={"name": "wire", "official": False, "country": None, "tz": None},
        published="2026-12-07T07:39:09+00:00",
    )
    lines = html_to_plain(render("statement", item, translator("en")).text).split("\n")
    assert "🕑 Published Dec 7, 2026, 07:39 UTC" in lines


def test_a_title_cut_by_the_store_ends_on_a_whole_word() -> None:
    words = " ".join(f"слово{i}" for i in range(400))
    stored = words[:TITLE_LIMIT]  # what the store keeps: cut mid-word
    assert not words[TITLE_LIMIT - 1 : TITLE_LIMIT + 1].startswith(" ")
    text = render("statement", kremlin_payload(title=stored), translator("ru")).text
    [title] = [line for line in text.split("\n") if line.startswith("<b>слово0 ")]
    shown = html_to_plain(title)
    assert shown.endswith("…") and len(shown) <= TITLE_LIMIT
    assert shown[:-1].split(" ")[-1] in words.split(" ")
    assert words.startswith(shown[:-1])


def test_cut_at_word_leaves_short_text_alone_and_cuts_one_long_word_hard() -> None:
    assert cut_at_word("короткий заголовок", 100) == "короткий заголовок"
    assert cut_at_word("а" * 50, 10) == "а" * 9 + "…"
    assert cut_at_word("Путин, Уиткофф, встреча", 17) == "Путин, Уиткофф…"
