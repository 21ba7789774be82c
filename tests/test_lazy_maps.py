"""The map machinery (numpy, matplotlib) loads on the first map, not with the bot (issue 13)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("numpy", "matplotlib")


def _loaded_after(code: str) -> dict[str, bool]:
    """Which heavy packages a fresh interpreter holds after running `code`."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps({{m: m in sys.modules for m in {HEAVY}}}))"
    done = subprocess.run(  # noqa: S603  (our own interpreter, fixed code)
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    loaded: dict[str, bool] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_importing_the_bot_loads_no_map_machinery() -> None:
    assert _loaded_after("import bot.runtime.app") == dict.fromkeys(HEAVY, False)


def test_the_first_map_loads_it_and_the_landing_picture_is_still_registered() -> None:
    code = (
        "import bot.runtime.app\n"
        "from bot.alerts.render import alert_renderers\n"
        "from tests.alerting import landing_payload\n"
        "table = alert_renderers(flight_photo=bot.runtime.app.landing_map)\n"
        "track = [[55.59, 37.26, 0], [48.0, 46.0, 39000], [40.47, 50.05, 0]]\n"
        "assert table.photo('flight', landing_payload(track=track)).startswith(b'\\x89PNG')"
    )
    assert _loaded_after(code) == dict.fromkeys(HEAVY, True)


def test_warm_up_draws_without_error() -> None:
    from bot.flights import maps

    maps.warm_up(("c",))
    picture = maps.render_track_png([(55.59, 37.26), (40.47, 50.05)], size_px=(320, 240))
    assert picture.startswith(b"\x89PNG")
