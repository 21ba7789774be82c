"""The cell-by-cell airport index answers as the index built over all airports at once."""

from __future__ import annotations

import random

import pytest

from bot.flights.airport_cells import CellIndex, catalogue, every_field
from bot.flights.airports import AirportIndex, default_index, is_jet_airport, load_airports

EVERY = load_airports(include=every_field)


def test_it_knows_every_airport_as_load_airports_makes_it() -> None:
    cells = CellIndex(every_field)
    assert len(catalogue().keys) == len(EVERY)
    assert all(cells.get(airport.icao.lower()) == airport for airport in EVERY)
    jets = CellIndex()
    assert [a for a in EVERY if jets.get(a.icao) is not None] == load_airports()


def test_its_cells_are_the_grid_of_airport_index() -> None:
    index = AirportIndex([])
    keys = catalogue().keys
    assert all(keys[a.icao] == index._key(a.lat, a.lon) for a in EVERY)


@pytest.mark.parametrize(
    ("include", "whole"),
    [(is_jet_airport, default_index()), (every_field, AirportIndex(EVERY))],
    ids=["default airports", "every field"],
)
def test_queries_answer_as_the_whole_index(include: object, whole: AirportIndex) -> None:
    rng = random.Random(16)
    cells = CellIndex(include)  # type: ignore[arg-type]
    # Near airports, anywhere, and at the awkward places (poles, antimeridian).
    points = [
        (a.lat + rng.uniform(-0.3, 0.3), a.lon + rng.uniform(-0.3, 0.3))
        for a in rng.sample(EVERY, 800)
    ]
    points += [(rng.uniform(-90, 90), rng.uniform(-180, 180)) for _ in range(100)]
    points += [(89.9, 10.0), (-89.95, -170.0), (65.0, 179.9), (-16.5, -179.95), (70.3, 31.0)]
    for lat, lon in points:
        for radius in (2.0, 10.0, 30.0, 150.0):
            assert cells.nearest(lat, lon, radius) == whole.nearest(lat, lon, radius)
            assert cells.within(lat, lon, radius) == whole.within(lat, lon, radius)
    assert len(cells) < len(whole)  # only the cells asked about were made
