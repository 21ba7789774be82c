"""Build the project's wheel, as `pip install .` would, for tests that check what ships."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_wheel(folder: Path) -> Path:
    """The summitwatch wheel, built into `folder` without fetching anything."""
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
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = folder.glob("summitwatch-*.whl")
    return wheel
