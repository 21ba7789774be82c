"""Slicing a large watchlist across rounds: which hexes, and when silence may be judged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.flights.providers.pacing import requests_per_round
from bot.flights.providers.profiles import PROFILES, Limits
from bot.flights.rotation import Rotation

T0 = datetime(2025, 3, 13, 22, 0, tzinfo=UTC)
HEXES = [f"ff{i:04x}" for i in range(7)]


def _at(round_: int) -> datetime:
    return T0 + timedelta(seconds=30 * round_)


def test_a_small_watchlist_is_asked_whole_and_judged_every_round() -> None:
    rotation = Rotation(slice_size=10)
    for round_ in range(3):
        assert rotation.take(reversed(HEXES), _at(round_)) == HEXES
        assert rotation.judge_at(answered=True) == _at(round_)
    rotation.take(HEXES, _at(3))
    assert rotation.judge_at(answered=False) is None
    assert Rotation().take(HEXES, T0) == HEXES and Rotation().slices == 1


def test_a_large_one_is_sliced_and_judged_at_the_start_of_each_full_cycle() -> None:
    rotation = Rotation(slice_size=3)
    asked = []
    judged = []
    for round_ in range(6):
        asked.append(rotation.take(HEXES, _at(round_)))
        judged.append(rotation.judge_at(answered=round_ != 4))
    assert rotation.slices == 3
    assert asked[:3] == [HEXES[0::3], HEXES[1::3], HEXES[2::3]]
    assert asked[3:] == asked[:3]
    assert sorted(h for part in asked[:3] for h in part) == HEXES
    # Cycle one ends at round 2 (judged as of round 0); cycle two had a failed round.
    assert judged == [None, None, _at(0), None, None, None]


def test_a_watchlist_that_changes_size_starts_a_new_cycle() -> None:
    rotation = Rotation(slice_size=3)
    rotation.take(HEXES, _at(0))
    rotation.judge_at(answered=True)
    assert rotation.take(HEXES[:3], _at(1)) == HEXES[:3]
    assert rotation.judge_at(answered=True) == _at(1)
    with pytest.raises(ValueError, match="positive"):
        Rotation(slice_size=0)


def test_a_round_holds_what_the_provider_rate_allows() -> None:
    adsb_lol, opensky = PROFILES["adsb.lol"], PROFILES["opensky"]
    # 1 + 20 s / 1.1 s: 19 requests of 250 hexes.
    assert requests_per_round(adsb_lol.limits) * adsb_lol.max_batch == 19 * 250
    assert requests_per_round(opensky.limits) * opensky.max_batch == 100
    assert requests_per_round(Limits(requests=1, per_seconds=60.0, max_round_s=1.0)) == 1
