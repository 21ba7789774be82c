"""The typed alert events: their JSON is the form earlier releases stored, read back whole.

Rows queued by the previous release (before the events were typed) must still render:
the payloads below are byte for byte what it wrote.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.alerts.events import (
    DigestAlert,
    FlightAlert,
    HeldAlert,
    StatementAlert,
    VenueChangeAlert,
)
from bot.alerts.render import AlertRenderers, UnknownEventType, alert_renderers, render
from bot.alerts.routing import EVERYTHING
from bot.kernel.i18n import translator
from tests.alerting import landing_payload
from tests.test_statements_render import kremlin_payload

# A probable landing exactly as the previous release stored it (bot/flights/payload.py).
PREVIOUS_LANDING = (
    '{"kind": "landing", "confidence": "probable", "hex": "ffa0d1", "registration": "DEMO1", '
    '"callsign": "DMO1", "type_code": "GLF6", "people": [{"slug": "envoy", "names": {"en": '
    '"Demo Envoy"}, "confidence": "confirmed"}], "ts": "2025-03-14T01:30:00+00:00", '
    '"estimated": false, "airport": {"icao": "UBBB", "iata": "GYD", "name": "Heydar Aliyev '
    'International Airport", "city": "Baku", "country": "AZ", "tz": "Asia/Baku", "lat": '
    '40.4675, "lon": 50.0467}, "lat": 40.46, "lon": 50.05, "alt_ft": null, "provider": '
    '"adsb.lol", "identity_source": "demo", "demo": true, "how": "ground_then_lost", '
    '"origin": {"icao": "UUWW", "iata": "VKO", "name": "Vnukovo International Airport", '
    '"city": "Moscow", "country": "RU", "tz": "Europe/Moscow", "lat": 55.5915, "lon": '
    '37.2615}, "departed_ts": "2025-03-13T22:54:00+00:00", "duration_s": 9360, "track": '
    "[[55.6, 37.3, null], [40.46, 50.05, 0]]}"
)
PREVIOUS_LANDING_EN = [
    "[DEMO DATA]",
    "<b>🛬 Probable landing at Baku, Azerbaijan — Heydar Aliyev International Airport (GYD) "
    "(one report on the ground, then the signal was lost)</b>",
    "Aircraft DEMO1 (ffa0d1), callsign DMO1 — carrying Demo Envoy (confirmed)",
]


def test_a_landing_stored_by_the_previous_release_is_written_the_same_and_renders() -> None:
    stored = json.loads(PREVIOUS_LANDING)
    alert = FlightAlert.from_json(stored)
    assert json.dumps(alert.to_json(), ensure_ascii=False) == PREVIOUS_LANDING
    assert alert.track == ((55.6, 37.3, None), (40.46, 50.05, 0))
    assert alert.departed_ts is not None and alert.duration_s == 9360
    text = render(FlightAlert.TYPE, stored, translator("en")).text
    assert text.split("\n")[:3] == PREVIOUS_LANDING_EN
    assert "⏱ Flight time: 2 h 36 min" in text


def test_an_unknown_origin_stored_as_null_renders_like_none_at_all() -> None:
    # The previous release wrote "origin": null for a departure field it could not
    # place; the typed event leaves the key out. Both render alike.
    with_null = {**json.loads(PREVIOUS_LANDING), "origin": None}
    without = FlightAlert.from_json(with_null).to_json()
    assert "origin" not in without
    t = translator("ru")
    assert render("flight", with_null, t) == render("flight", without, t)


@pytest.mark.parametrize(
    ("event_type", "payload"),
    [
        ("flight", landing_payload()),
        ("flight", {**landing_payload(), "kind": "emergency", "squawk": "7700"}),
        ("statement", kremlin_payload()),
        ("statement", kremlin_payload(published=None, revision=2, demo=True)),
    ],
)
def test_stored_forms_round_trip_and_render_unchanged(
    event_type: str, payload: dict[str, Any]
) -> None:
    kinds: dict[str, type[FlightAlert] | type[StatementAlert]] = {
        "flight": FlightAlert,
        "statement": StatementAlert,
    }
    kind = kinds[event_type]
    again = kind.from_json(payload).to_json()
    assert kind.from_json(again) == kind.from_json(payload)
    for locale in ("en", "ru", "az"):
        t = translator(locale)
        assert render(event_type, again, t) == render(event_type, payload, t)


def test_a_statement_payload_is_its_alert_s_json_in_the_same_order() -> None:
    stored = kremlin_payload()
    assert list(StatementAlert.from_json(stored).to_json()) == list(stored)
    assert json.dumps(StatementAlert.from_json(stored).to_json()) == json.dumps(stored)


def test_a_venue_change_reads_back_whole() -> None:
    stored: dict[str, Any] = {
        "kind": "new_leader",
        "label": "{venue} is now the most likely venue (score {score})",
        "venue": {
            "slug": "baku",
            "names": {"en": "Baku"},
            "country": "AZ",
            "timezone": "Asia/Baku",
        },
        "previous": None,
        "score": 4.5,
        "previous_score": None,
        "rank": 1,
        "previous_rank": None,
        "reasons": [],
        "freshest": None,
    }
    alert = VenueChangeAlert.from_json(stored)
    assert json.dumps(alert.to_json()) == json.dumps(stored)
    assert alert.topics() == [("venue", "baku"), EVERYTHING]


def test_a_newer_version_than_this_release_knows_is_refused_not_misread() -> None:
    with pytest.raises(UnknownEventType):
        render("flight", {**landing_payload(), "v": FlightAlert.VERSION + 1}, translator("en"))
    with pytest.raises(UnknownEventType):
        render("no_such_alert", {}, translator("en"))


def test_the_digest_lists_each_held_alert_by_its_first_line() -> None:
    digest = DigestAlert((HeldAlert("flight", landing_payload()),))
    assert digest.to_json() == {"items": [{"event_type": "flight", "payload": landing_payload()}]}
    text = render("digest", digest.to_json(), translator("en")).text
    assert text.split("\n")[1].startswith("• 🛬 Landed at Baku")


def test_the_table_is_explicit_and_a_picture_only_where_one_is_handed_in() -> None:
    drawn: list[FlightAlert] = []

    def picture(alert: FlightAlert) -> bytes | None:
        drawn.append(alert)
        return b"png" if alert.kind == "landing" else None

    plain, pictured = AlertRenderers(), alert_renderers(flight_photo=picture)
    assert plain.photo("flight", landing_payload()) is None
    assert pictured.photo("flight", landing_payload()) == b"png"
    assert pictured.photo("statement", kremlin_payload()) is None
    assert pictured.photo("no_such_alert", {}) is None
    assert [a.kind for a in drawn] == ["landing"]


def test_a_flight_routes_to_its_aircraft_people_and_everyone() -> None:
    alert = FlightAlert.from_json(landing_payload())
    assert alert.topics() == [("aircraft", alert.hex), EVERYTHING, ("person", "envoy")]
    assert alert.fleet_hex() == alert.hex
    statement = StatementAlert.from_json(kremlin_payload())
    assert ("source", "kremlin-ru") in statement.topics()
    assert ("person", "witkoff") in statement.topics() and statement.fleet_hex() is None


def test_a_venue_change_s_reasons_and_freshest_evidence_keep_their_stored_bytes() -> None:
    """Typed parts write back what the previous release stored, optional keys included."""
    stored: dict[str, Any] = {
        "kind": "new_leader",
        "label": "{venue} is now the most likely venue (score {score})",
        "venue": {
            "slug": "baku",
            "names": {"en": "Baku"},
            "country": "AZ",
            "timezone": "Asia/Baku",
        },
        "previous": {
            "slug": "riyadh",
            "names": {"en": "Riyadh"},
            "country": "SA",
            "timezone": None,
        },
        "score": 4.5,
        "previous_score": 3.25,
        "rank": 1,
        "previous_rank": 2,
        "reasons": [
            {
                "kind": "landing",
                "label": "{person} landed at {airport}: {ts}",
                "params": {"person": "envoy", "airport": "UBBB", "ts": "2025-03-14T01:30:00+00:00"},
                "points": 2.83,
                "ref": "17",
                "person_names": {"en": "Demo Envoy", "ru": "Демо-посланник"},
                "airport_city": {"en": "Baku", "ru": "Баку"},
            },
            {
                "kind": "icc",
                "label": "ICC member: {detail}",
                "params": {"detail": "not a party"},
                "points": -0.75,
                "ref": "S6,S2",
                "localized": {"detail": {"en": "not a party", "ru": "не участник"}},
            },
        ],
        "freshest": {
            "kind": "landing",
            "ts": "2025-03-14T01:30:00+00:00",
            "airport": "UBBB",
            "airport_city": {"en": "Baku", "ru": "Баку"},
        },
    }
    alert = VenueChangeAlert.from_json(stored)
    assert json.dumps(alert.to_json(), ensure_ascii=False) == json.dumps(stored, ensure_ascii=False)
    assert alert.reasons[0].person_names == {"en": "Demo Envoy", "ru": "Демо-посланник"}
    assert alert.freshest is not None and alert.freshest.airport == "UBBB"
    statement = {"kind": "statement", "ts": "2025-03-14T01:30:00+00:00", "source": "mfa-az"}
    again = VenueChangeAlert.from_json({**stored, "reasons": [], "freshest": statement})
    assert again.to_json()["freshest"] == statement
