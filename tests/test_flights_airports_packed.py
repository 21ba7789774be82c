"""The packed airport index answers as `AirportIndex` and holds a fraction of its memory."""

from __future__ import annotations

import random
import tracemalloc

import pytest

from bot.flights.airports import Airport, AirportIndex, default_index, load_airports
from bot.flights.airports_packed import PackedIndex, jet_index

JETS = load_airports()


def _points(rng: random.Random, airports: list[Airport]) -> list[tuple[float, float]]:
    """Near airports, anywhere, and at the awkward places (poles, antimeridian)."""
    points = [
        (a.lat + rng.uniform(-0.3, 0.3), a.lon + rng.uniform(-0.3, 0.3))
        for a in rng.sample(airports, 600)
    ]
    points += [(rng.uniform(-90, 90), rng.uniform(-180, 180)) for _ in range(100)]
    return [*points, (89.9, 10.0), (-89.95, -170.0), (65.0, 179.9), (-16.5, -179.95)]


def _same_answers(packed: AirportIndex, whole: AirportIndex, airports: list[Airport]) -> None:
    rng = random.Random(13)
    for lat, lon in _points(rng, airports):
        for radius in (2.0, 10.0, 30.0, 150.0):
            assert packed.nearest(lat, lon, radius) == whole.nearest(lat, lon, radius)
            assert packed.within(lat, lon, radius) == whole.within(lat, lon, radius)
    codes = {a.icao for a in airports} | {"ZZZZ", "00AK", ""}
    assert all(packed.get(code.lower()) == whole.get(code) for code in codes)
    assert len(packed) == len(whole)
    # What the destination predictor reads: each code's airport once, in ICAO order.
    assert list(packed.airports()) == list(whole.airports())


def test_the_default_index_is_packed_with_the_default_airports() -> None:
    index = default_index()
    assert isinstance(index, PackedIndex) and index.codes_ascending
    assert [index.get(a.icao) for a in JETS] == JETS
    assert list(index.airports()) == JETS
    _same_answers(index, AirportIndex(JETS), JETS)


@pytest.mark.parametrize("cell_deg", [1.0, 0.5])
def test_any_order_and_repeated_codes_answer_as_airport_index(cell_deg: float) -> None:
    rng = random.Random(5)
    # Shuffled, with some codes given twice (moved): `get` gives the last one given.
    airports = rng.sample(JETS, 3000)
    airports += [
        Airport(a.icao, a.iata, a.name, a.city, a.country, a.lat + 0.5, a.lon, 100, a.tz)
        for a in airports[:50]
    ]
    packed = PackedIndex(airports, cell_deg=cell_deg)
    assert not packed.codes_ascending
    _same_answers(packed, AirportIndex(airports, cell_deg=cell_deg), airports)


def test_it_holds_a_fifth_of_the_memory_of_airport_objects() -> None:
    tracemalloc.start()
    try:
        whole = AirportIndex(load_airports())
        objects, _ = tracemalloc.get_traced_memory()
        del whole
        tracemalloc.clear_traces()
        packed = jet_index()
        arrays, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(packed) == len(JETS)
    # About 5.6 MB as objects, 1.1 MB packed; built without the objects' peak.
    assert arrays * 4 < objects
    assert peak * 2 < objects
