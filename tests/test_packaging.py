"""The wheel that `pip install .` builds carries every package, catalog, migration and datum."""

from __future__ import annotations

import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.wheel import build_wheel

ROOT = Path(__file__).resolve().parent.parent


def _listed_packages() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(config["tool"]["setuptools"]["packages"])


def test_every_package_folder_is_listed_in_pyproject() -> None:
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("bot", "handlers", "storage", "locales")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert found - _listed_packages() == set()


@pytest.mark.xdist_group("wheel")  # one worker builds the wheel once (tests/wheel.py)
def test_wheel_contains_catalogs_migrations_data_and_the_demo_fakes(tmp_path: Path) -> None:
    wheel = zipfile.ZipFile(build_wheel(tmp_path))
    names = set(wheel.namelist())
    for locale in ("en", "ru", "az"):
        assert f"locales/{locale}/LC_MESSAGES/messages.mo" in names
    assert "storage/migrations/versions/0001_initial_schema.py" in names
    assert "storage/migrations/env.py" in names
    assert any(name.startswith("bot/data/") and name.endswith(".yaml") for name in names)
    # The shipped fleet travels with its sidecar and its licence (ODbL).
    assert {"bot/data/fleet.csv", "bot/data/fleet.json", "bot/data/fleet-LICENSE.txt"} <= names
    # `summitwatch demo` runs on its own small fakes (tests/test_demo.py runs it from a wheel).
    assert {"bot/demo_fakes/bot_api.py", "bot/demo_fakes/adsb.py"} <= names


@pytest.mark.xdist_group("wheel")  # one worker builds the wheel once (tests/wheel.py)
def test_the_fakes_the_tests_use_are_not_in_the_wheel(tmp_path: Path) -> None:
    wheel = zipfile.ZipFile(build_wheel(tmp_path))
    names = wheel.namelist()
    assert not [name for name in names if name.startswith(("tests/", "summitwatch_fakes/"))]
    # Under any name: no shipped module is the full fake Bot API, ADS-B or feeds server.
    full_fakes = [
        name
        for name in names
        if name.endswith(".py")
        and any(
            f"class {fake}(".encode() in wheel.read(name)
            for fake in ("FakeBotAPI", "FakeADSB", "FakeFeeds")
        )
    ]
    assert full_fakes == []
