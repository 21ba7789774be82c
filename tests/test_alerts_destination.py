"""The destination alert's text in en/ru/az, its stored form, and the landing's verdict."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.alerts.destination_alert import DestinationAlert, WhyPart
from bot.alerts.events import FlightAlert
from bot.alerts.parts import AirportPart, PersonPart
from bot.alerts.render import render
from bot.flights import airports
from bot.flights.payload import airport_part
from bot.kernel.i18n import translator


def _airport(icao: str) -> AirportPart:
    part = airport_part(airports.get(icao))
    assert part is not None
    return part


def _alert(**changes: object) -> DestinationAlert:
    fields: dict[str, object] = {
        "hex": "ffa0e1",
        "ts": datetime(2025, 3, 14, 1, 12, tzinfo=UTC),
        "airport": _airport("UBBB"),
        "probability": 0.72,
        "eta": datetime(2025, 3, 14, 1, 30, tzinfo=UTC),
        "distance_km": 180.0,
        "reasons": (WhyPart("bearing", 2.0), WhyPart("descent", 1.02), WhyPart("visits", 3)),
        "origin": _airport("UUWW"),
        "registration": "DEMO1",
        "people": (
            PersonPart(
                slug="envoy",
                names={"en": "Demo Envoy", "ru": "Демо-посланник", "az": "Demo nümayəndə"},
                confidence="believed",
            ),
        ),
    }
    fields.update(changes)
    return DestinationAlert(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("locale", "first"),
    [
        (
            "en",
            "🧭 Heading for Baku (GYD), ETA about 05:30 Baku time (01:30 UTC), likely (72%)",
        ),
        (
            "ru",
            "🧭 Направляется в Баку (GYD), прибытие около 05:30 по местному времени (Баку),"
            " 01:30 UTC, вероятно (72\u00a0%)",
        ),
        (
            "az",
            "🧭 Bakı (GYD) istiqamətində uçur, təxmini çatma vaxtı Bakı vaxtı ilə 05:30"
            " (01:30 UTC), ehtimal olunur (72%)",
        ),
    ],
)
def test_the_alert_names_the_destination_eta_and_confidence(locale: str, first: str) -> None:
    text = render(DestinationAlert.TYPE, _alert().to_json(), translator(locale)).text
    assert text.splitlines()[0] == f"<b>{first}</b>"


def test_the_alert_says_why_and_what_changed() -> None:
    changed = _alert(airport=_airport("UUWW"), previous=_airport("UBBB"), probability=0.9, eta=None)
    text = render(DestinationAlert.TYPE, changed.to_json(), translator("en")).text
    assert text.splitlines()[0] == "<b>🧭 Heading for Moscow (VKO), very likely (90%)</b>"
    assert "believed to carry Demo Envoy" in text
    assert "↗ From Moscow (VKO)" in text
    assert "↪ Earlier prediction: Baku (GYD)" in text
    assert (
        "💡 Why: on its track (2° off); descending on a path to it; its earlier flights there: 3"
    ) in text
    ru = render(DestinationAlert.TYPE, changed.to_json(), translator("ru")).text
    # The city in the accusative after "в".
    assert "Направляется в Москву (VKO)" in ru


def test_the_stored_form_reads_back_the_same() -> None:
    alert = _alert(previous=_airport("URML"))
    assert DestinationAlert.from_json(alert.to_json()) == alert


@pytest.mark.parametrize(
    ("landed", "predicted", "line"),
    [
        ("UBBB", "UBBB", "🧭 As predicted"),
        ("UBBN", "UBBB", "🧭 Predicted GYD, landed at NAJ"),
    ],
)
def test_the_landing_says_whether_the_prediction_was_right(
    landed: str, predicted: str, line: str
) -> None:
    landing = FlightAlert(
        kind="landing",
        confidence="confirmed",
        hex="ffa0e1",
        ts=datetime(2025, 3, 14, 1, 30, tzinfo=UTC),
        airport=_airport(landed),
        predicted=_airport(predicted),
    )
    stored = landing.to_json()
    assert FlightAlert.from_json(stored) == landing
    assert line in render(FlightAlert.TYPE, stored, translator("en")).text
    # A landing without a prediction stores what it stored before, and says nothing of it.
    plain = FlightAlert(
        **{**{f: getattr(landing, f) for f in ("kind", "confidence", "hex", "ts", "airport")}}
    )
    assert "predicted" not in plain.to_json()
    assert "🧭" not in render(FlightAlert.TYPE, plain.to_json(), translator("en")).text
