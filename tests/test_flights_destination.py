"""The destination predictor on plausible synthetic tracks, and when it alerts."""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime, timedelta

import pytest

from bot.flights import airports
from bot.flights.airports import Airport
from bot.flights.destination import Announcements, DestinationPredictor, Fix, Prediction
from bot.flights.synthetic import flight
from bot.flights.thresholds import DestinationConfig

HEX = "ff0a01"
TAKEOFF = datetime(2025, 3, 13, 22, 54, tzinfo=UTC)  # 01:54 Moscow time
LANDING = datetime(2025, 3, 14, 1, 30, tzinfo=UTC)  # 05:30 Baku time


def _airport(icao: str) -> Airport:
    found = airports.get(icao)
    assert found is not None
    return found


@pytest.fixture(scope="module")
def predictor_airports() -> list[Airport]:
    return airports.load_airports()


def _vko_gyd() -> list[Fix]:
    reports = flight(HEX, _airport("UUWW"), _airport("UBBB"), TAKEOFF, LANDING, step_s=30)
    return [Fix.of(r) for r in reports if not r.on_ground]


def _at(
    predictor: DestinationPredictor, fixes: list[Fix], moment: datetime, **priors: dict[str, int]
) -> Prediction:
    for fix in fixes:
        if fix.t <= moment.timestamp():
            predictor.observe(HEX, fix)
    found = predictor.predict(HEX, **priors)
    assert found is not None
    return found


def test_a_jet_from_vnukovo_descending_is_heading_for_baku(
    predictor_airports: list[Airport],
) -> None:
    predictor = DestinationPredictor(predictor_airports)
    prediction = _at(predictor, _vko_gyd(), LANDING - timedelta(minutes=12))
    best = prediction.best
    assert best is not None and best.icao == "UBBB"
    assert best.probability >= DestinationConfig().alert_probability
    assert abs(sum(c.probability for c in prediction.candidates) - 1) < 0.05
    # Explainable: on its track and on its descent path.
    codes = {r.code for r in best.reasons}
    assert {"bearing", "descent"} <= codes
    assert best.eta is not None and abs(best.eta - LANDING) < timedelta(minutes=10)


def test_in_cruise_the_track_alone_names_no_likely_destination(
    predictor_airports: list[Airport],
) -> None:
    predictor = DestinationPredictor(predictor_airports)
    prediction = _at(predictor, _vko_gyd(), LANDING - timedelta(minutes=60))
    best = prediction.best
    assert best is not None and best.probability < DestinationConfig().alert_probability


@pytest.mark.parametrize("before", [60, 30])
def test_the_aircraft_history_makes_baku_the_most_likely_in_cruise(
    predictor_airports: list[Airport], before: int
) -> None:
    moment = LANDING - timedelta(minutes=before)
    alone = _at(DestinationPredictor(predictor_airports), _vko_gyd(), moment)
    prediction = _at(
        DestinationPredictor(predictor_airports),
        _vko_gyd(),
        moment,
        visits={"UBBB": 3, "UUWW": 4},
        route={"UBBB": 2},
    )
    best = prediction.best
    assert best is not None and best.icao == "UBBB"
    # Still only about even odds: many airports lie ahead of a jet in cruise.
    assert alone.best is not None and alone.best.probability < best.probability < 0.6
    assert {r.code: r.value for r in best.reasons}["visits"] == 3
    assert best.eta is not None and abs(best.eta - LANDING) < timedelta(minutes=10)


def test_an_aircraft_behind_its_origin_is_no_candidate(
    predictor_airports: list[Airport],
) -> None:
    predictor = DestinationPredictor(predictor_airports)
    prediction = _at(predictor, _vko_gyd(), LANDING - timedelta(minutes=12))
    assert "UUWW" not in {c.icao for c in prediction.candidates}


def _prediction(icao: str, probability: float) -> Prediction:
    from bot.flights.destination import Candidate

    return Prediction(
        ts=LANDING,
        candidates=(Candidate(icao, probability, 100.0, None, ()),),
    )


def test_a_change_of_destination_alerts_twice_and_not_more() -> None:
    said = Announcements(0.6)
    flight_key = "1741906440"
    moments = [
        ("UBBB", 0.3),
        ("UBBB", 0.65),
        ("UBBB", 0.8),
        ("UBBN", 0.5),
        ("UBBN", 0.7),
        ("UBBN", 0.9),
        ("UBBN", 0.4),
    ]
    alerted = [
        c.icao for icao, p in moments if (c := said.due(HEX, flight_key, _prediction(icao, p)))
    ]
    assert alerted == ["UBBB", "UBBN"]
    assert said.last(HEX, flight_key) == "UBBN"


def test_no_alert_below_the_threshold() -> None:
    said = Announcements(0.6)
    for p in (0.1, 0.3, 0.59):
        assert said.due(HEX, "f", _prediction("UBBB", p)) is None
    assert said.last(HEX, "f") is None


def test_after_a_restart_the_stored_destination_is_not_alerted_again() -> None:
    said = Announcements(0.6)
    said.restore(HEX, "f", "UBBB")
    assert said.due(HEX, "f", _prediction("UBBB", 0.9)) is None
    # A new flight of the same aircraft starts afresh.
    assert said.due(HEX, "g", _prediction("UBBB", 0.9)) is not None


def test_the_predictor_keeps_a_fraction_of_its_airports_memory(
    predictor_airports: list[Airport],
) -> None:
    index = airports.default_index()  # the poller's, built before the predictor
    tracemalloc.start()
    try:
        predictor = DestinationPredictor(index.airports())
        kept, peak = tracemalloc.get_traced_memory()
        tracemalloc.clear_traces()
        listed = airports.load_airports()
        objects, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert listed == predictor_airports
    assert predictor.candidates == DestinationPredictor(listed).candidates
    # Read one packed airport at a time, its codes in one block too: about 0.35 MB kept
    # and at the peak (0.75 MB with a `str` per code), against the 3 MB of the `Airport`
    # objects it was built from before.
    assert kept * 6 < objects and peak * 6 < objects
