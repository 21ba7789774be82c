"""Build the project's wheel, as `pip install .` would, for tests that check what ships."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What a fresh clone does not have: setuptools would pack a stale build/lib into the wheel.
_NOT_IN_A_CLONE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "build",
    "dist",
    "var",
    "*.egg-info",
    "__pycache__",
    ".*_cache",
    ".hypothesis",
)


def build_wheel(folder: Path) -> Path:
    """The summitwatch wheel, built into `folder` without fetching anything.

    It is built from a copy of the sources, as after a fresh clone, so what an earlier
    build left behind cannot slip into it. It is built once per test process (the
    sources do not change during a run); each caller gets its own copy of the file.
    """
    name, content = _built_once()
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / name
    wheel.write_bytes(content)
    return wheel


@cache
def _built_once() -> tuple[str, bytes]:
    with tempfile.TemporaryDirectory(prefix="summitwatch-wheel-") as workdir:
        wheel = _build(Path(workdir))
        return wheel.name, wheel.read_bytes()


def _build(folder: Path) -> Path:
    source = folder / "source"
    shutil.copytree(ROOT, source, ignore=_NOT_IN_A_CLONE)
    subprocess.run(  # noqa: S603  (our interpreter, our project)
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = folder.glob("summitwatch-*.whl")
    return wheel
