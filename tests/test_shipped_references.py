"""Nothing shipped points outside the repository: no notes beside it, no path of a machine.

Users get the package (bot, handlers, storage, locales and the fakes the demo runs on),
not the notes the project was written from, so a comment or a data file citing them
cites something nobody can open. Facts cite their public sources instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ("bot", "handlers", "storage", "locales", "tests/fakes")
FORBIDDEN = ("shared/", "DESIGN.md", "SOURCES.md", "venue-facts.md", "/work/", "/root/")


def _shipped_files() -> list[Path]:
    return sorted(
        path
        for folder in SHIPPED
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    )


def test_the_shipped_folders_are_found() -> None:
    names = {path.name for path in _shipped_files()}
    assert {"venues.yaml", "sources.yaml", "watchlist.yaml", "messages.mo"} <= names


@pytest.mark.parametrize("needle", FORBIDDEN)
def test_no_shipped_file_refers_outside_the_repository(needle: str) -> None:
    found = [
        str(path.relative_to(ROOT))
        for path in _shipped_files()
        if needle.encode() in path.read_bytes()
    ]
    assert not found, f"{needle!r} in {found}"
