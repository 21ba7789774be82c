"""A probable takeoff or landing says in its alert why it is probable, in every language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.alerts.render_flight import render_flight
from bot.flights.airports import get
from bot.flights.events import Confidence, EventKind, FlightEvent
from bot.flights.payload import AircraftInfo, flight_alert
from bot.kernel.i18n import translator

TS = datetime(2025, 3, 14, 1, 30, tzinfo=UTC)


def _text(kind: EventKind, confidence: Confidence, how: str | None, locale: str) -> str:
    data: dict[str, object] = {"estimated": confidence is Confidence.PROBABLE}
    if how is not None:
        data["how"] = how
    event = FlightEvent(
        kind=kind,
        ts=TS,
        hex="ffa0d2",
        airport="UBBB",
        lat=40.46,
        lon=50.05,
        alt_ft=900,
        confidence=confidence,
        dedup_key=f"ffa0d2:{kind.value}:{confidence.value}:0",
        thread_key=f"ffa0d2:{kind.value}:{confidence.value}:0",
        provider="adsb.lol",
        data=data,
    )
    alert = flight_alert(event, aircraft=AircraftInfo(), people=[], airports=get)
    return render_flight(alert, translator(locale)).text


@pytest.mark.parametrize(
    ("kind", "how", "locale", "reason"),
    [
        (EventKind.TAKEOFF, "first_fix", "en", "(probable: first seen climbing out)"),
        (EventKind.TAKEOFF, "first_fix", "ru", "(вероятно: впервые замечен в наборе высоты)"),
        (EventKind.TAKEOFF, "first_fix", "az", "(ehtimal: ilk dəfə hündürlük yığarkən görüldü)"),
        (EventKind.TAKEOFF, "after_gap", "en", "(probable: seen again climbing out after a gap)"),
        (EventKind.TAKEOFF, "after_gap", "ru", "после перерыва в данных"),
        (EventKind.TAKEOFF, "after_gap", "az", "məlumat fasiləsindən sonra"),
        (EventKind.LANDING, "lost_low", "en", "(signal lost on approach)"),
        (EventKind.LANDING, "lost_low", "ru", "(сигнал пропал при заходе на посадку)"),
        (EventKind.LANDING, "ground_then_lost", "en", "(one report on the ground, then the"),
        (EventKind.LANDING, "ground_then_lost", "ru", "(одно сообщение с земли, затем"),
        (EventKind.LANDING, "ground_then_lost", "az", "(yerdən bir məlumat gəldi, sonra"),
    ],
)
def test_a_probable_event_says_why(kind: EventKind, how: str, locale: str, reason: str) -> None:
    assert reason in _text(kind, Confidence.PROBABLE, how, locale)


@pytest.mark.parametrize("kind", [EventKind.TAKEOFF, EventKind.LANDING])
def test_a_confirmed_event_gives_no_reason(kind: EventKind) -> None:
    headline = _text(kind, Confidence.CONFIRMED, "ground", "en").split("\n")[0]
    assert headline.startswith(("<b>🛫 Took off from ", "<b>🛬 Landed at "))
    assert "probable" not in headline.lower() and "signal" not in headline
