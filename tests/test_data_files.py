"""Every shipped YAML file is read the same way: duplicate keys and bad files are refused.

Through each feature's own loader, so the table also shows that all three use the
shared reader (`bot/kernel/data_files.py`) and raise their own error type.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.statements.sources import SourcesError, load_sources
from bot.venues.knowledge import KnowledgeError, load_knowledge
from bot.watch.seed import WatchlistError, load_people

LOADERS: list[tuple[Callable[[Path], object], type[ValueError]]] = [
    (load_sources, SourcesError),
    (load_knowledge, KnowledgeError),
    (load_people, WatchlistError),
]


@pytest.mark.parametrize(("load", "error"), LOADERS)
@pytest.mark.parametrize(
    ("text", "message"),
    [
        # PyYAML alone keeps the last of two equal keys and drops the first silently.
        ("people: []\npeople: []\n", "found duplicate key 'people'"),
        ("sources:\n  - name: a\n    name: b\n", "found duplicate key 'name'"),
        ("venues: [\n", "data.yaml: not valid YAML"),
    ],
)
def test_duplicate_keys_and_broken_syntax_are_refused(
    tmp_path: Path,
    load: Callable[[Path], object],
    error: type[ValueError],
    text: str,
    message: str,
) -> None:
    path = tmp_path / "data.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(error, match=re.escape(message)):
        load(path)


@pytest.mark.parametrize(("load", "error"), LOADERS)
def test_a_missing_file_is_named(
    tmp_path: Path, load: Callable[[Path], object], error: type[ValueError]
) -> None:
    with pytest.raises(error, match=re.escape(f"{tmp_path / 'absent.yaml'}: cannot read")):
        load(tmp_path / "absent.yaml")
