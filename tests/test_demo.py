"""`summitwatch demo` from the wheel `pip install .` builds: offline, fast, the alerts right.

The demo runs from the unpacked wheel (not this checkout), so a data file or a fake
server missing from the package fails here as it would after a fresh clone; and it may
import nothing of the tests, whose full fakes do not ship.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bot.flights import scenario
from bot.flights.airports import default_index
from bot.flights.detector import Detector, DetectorConfig
from bot.flights.replay import replay_events
from tests.wheel import build_wheel

ROOT = Path(__file__).resolve().parent.parent
# The demo runs from the unpacked wheel and on its own fakes: nothing of this checkout's
# tests (nor the fakes once shipped as `summitwatch_fakes`) is imported on the way.
CHECK_AND_RUN = """
import sys, bot
from bot.cli import main
assert bot.__file__.startswith(sys.argv[1]), bot.__file__
status = main(['demo'])
borrowed = sorted(
    name for name in sys.modules if name.partition('.')[0] in ('tests', 'summitwatch_fakes')
)
assert not borrowed, borrowed
outside = sorted(
    name
    for name, module in sys.modules.items()
    if name.partition('.')[0] in ('bot', 'handlers', 'storage')
    and not str(getattr(module, '__file__', None) or sys.argv[1]).startswith(sys.argv[1])
)
assert not outside, outside
sys.exit(status)
"""


def _section(output: str, header: str) -> str:
    start = output.index(header)
    end = output.find("── ", start + len(header))
    return output[start : end if end != -1 else None]


@pytest.mark.xdist_group("wheel")  # one worker builds the wheel once (tests/wheel.py)
def test_the_demo_runs_from_the_wheel_and_shows_local_times(tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(build_wheel(tmp_path / "dist")).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONWARNINGS": "error"}
    for variable in [v for v in env if v.startswith(("SUMMITWATCH_", "TELEGRAM_", "DATABASE_"))]:
        del env[variable]
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", CHECK_AND_RUN, str(site)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("DEMO DATA:")
    ru = _section(out, "── Русский (ru)")
    assert "🛫 Вылет: Москва, Россия — Международный аэропорт Внуково (VKO)" in ru
    assert "01:54 по местному времени (Москва), 13 мар., 22:54 UTC" in ru
    assert "🗺 [map photo" in ru
    assert "🛬 Посадка: Баку, Азербайджан — Международный аэропорт Гейдар Алиев (GYD)" in ru
    assert "05:30 по местному времени (Баку), 01:30 UTC" in ru
    assert "[ДЕМОНСТРАЦИОННЫЕ ДАННЫЕ]" in ru and "Демо-посланник" in ru
    az = _section(out, "── Azərbaycanca (az)")
    assert "🛫 Havaya qalxdı: Moskva, Rusiya" in az
    assert "Moskva vaxtı ilə 01:54 (13 mar, 22:54 UTC)" in az
    assert "🛬 Eniş etdi: Bakı, Azərbaycan — Heydər Əliyev adına Beynəlxalq Hava Limanı (GYD)" in az
    assert "Bakı vaxtı ilə 05:30 (01:30 UTC)" in az
    assert "[NÜMAYİŞ MƏLUMATLARI]" in az
    en = _section(out, "── English (en)")
    assert "05:30 Baku time (01:30 UTC)" in en and "Flight time: 2 h 36 min" in en
    # Two alerts per chat, no more (no signal lost, no repeated event).
    assert out.count("🛫") == 3 and out.count("🛬") == 3 and out.count("📡") == 0


def test_the_bundled_flight_is_the_generated_one_and_replays_to_its_times() -> None:
    text = scenario.bundled_text()
    generated = "".join(scenario.jsonl_line(r) + "\n" for r in scenario.generate())
    assert text == generated  # regenerate: python -m bot.flights.scenario > bot/data/...
    assert scenario.DEMO_HEX.startswith("ff") and scenario.DEMO_REGISTRATION == "DEMO1"
    events = list(
        replay_events(scenario.load(), Detector(DetectorConfig(), default_index()), drain=True)
    )
    assert [(e.kind.value, e.airport, e.ts) for e in events] == [
        ("takeoff", "UUWW", scenario.DEMO_TAKEOFF),
        ("landing", "UBBB", scenario.DEMO_LANDING),
    ]
