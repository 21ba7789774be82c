"""`summitwatch demo --save-pictures DIR`: the pictures the bot sent, as files a newcomer opens."""

from __future__ import annotations

import re
from pathlib import Path

from tests.test_cli import run_cli
from tests.test_flights_maps import png_size

PHOTO_LINE = re.compile(r"🗺 \[map photo: the flight's track, PNG \d+ KB, (.+?) → (.+?)\]")


def test_the_demo_saves_the_map_it_sent_and_prints_where(tmp_path: Path) -> None:
    folder = tmp_path / "not yet" / "pictures"  # created on the way, spaces and all
    result = run_cli("demo", "--save-pictures", str(folder), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = PHOTO_LINE.findall(result.stdout)
    # One landing map per chat (en, ru, az): uploaded once, then sent by its file id.
    assert sorted(how for how, _ in lines) == ["sent by file id", "sent by file id", "uploaded"]
    [path] = {Path(where) for _, where in lines}
    assert path.parent == folder.resolve() and path.suffix == ".png"
    assert f"Picture saved: {path}" in result.stdout.splitlines()
    data = path.read_bytes()
    assert png_size(data) == (1024, 768) and len(data) > 50_000
    assert [p.name for p in folder.iterdir()] == [path.name]


def test_a_folder_that_cannot_be_made_is_one_line_and_status_2(tmp_path: Path) -> None:
    taken = tmp_path / "a-file"
    taken.write_text("not a folder")
    result = run_cli("demo", "--save-pictures", str(taken / "pictures"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"summitwatch demo: cannot save pictures in {taken / 'pictures'}: Not a directory"
    ]
    assert result.stdout == ""
