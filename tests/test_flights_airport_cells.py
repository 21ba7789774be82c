"""The cell-by-cell airport index answers as the index built over all airports at once."""

from __future__ import annotations

import random
import tracemalloc
from importlib import resources

import airportsdata
import pytest

from bot.flights.airport_cells import CellIndex, catalogue, every_field
from bot.flights.airports import AirportIndex, default_index, is_jet_airport, load_airports

EVERY = load_airports(include=every_field)


def test_it_holds_every_airport_as_load_airports_makes_it() -> None:
    far = 21_000.0  # km: every cell on Earth
    cells, whole = CellIndex(every_field), AirportIndex(EVERY)
    assert cells.within(0.0, 0.0, far) == whole.within(0.0, 0.0, far)
    assert len(cells) == len(EVERY)
    jets = CellIndex()
    assert jets.within(0.0, 0.0, far) == default_index().within(0.0, 0.0, far)


def test_get_finds_a_code_in_a_cell_not_made_yet() -> None:
    for airport in random.Random(7).sample(EVERY, 30):
        assert CellIndex(every_field).get(airport.icao.lower()) == airport
    jets = CellIndex()
    assert jets.get("UUWW") == default_index().get("UUWW")
    assert jets.get("LSMD") is None  # Dübendorf: a field, not a default airport
    assert CellIndex(every_field).get("LSMD") is not None
    assert jets.get("ZZZZ") is None and jets.get("") is None


def test_its_cells_are_the_grid_of_airport_index() -> None:
    index = AirportIndex([])
    cells = catalogue().cells
    assert all(f'"{a.icao}",' in cells[index._key(a.lat, a.lon)] for a in EVERY)


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


def test_the_catalogue_holds_a_fraction_of_the_file() -> None:
    size = len(resources.files(airportsdata).joinpath("airports.csv").read_bytes())
    tracemalloc.start()
    try:
        source = catalogue.__wrapped__()
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(source.cells) == len(catalogue().cells)
    # Four-byte arrays (the text is read from the file); a str per cell held 4 MB after
    # a 13 MB peak.
    assert kept < size / 4
    assert peak < 2.5 * size
