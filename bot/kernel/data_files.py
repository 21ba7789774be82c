"""Reading the YAML data files we ship (sources, venues, watchlist) before validation.

Each feature validates its own schema and raises its own error; what they share is
how a file becomes a document: read as UTF-8, parsed safely, and refused when a
mapping gives a key twice. PyYAML keeps the last of two equal keys silently, so a
copy-pasted venue factor or a second `people:` list would otherwise vanish.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml


def load_yaml(path: Path, error: type[Exception]) -> object:
    """The document in `path`, parsed safely, with duplicate keys refused.

    Args:
        path: the file to read.
        error: the caller's error type, raised with a one-line message.

    Returns:
        The document, as `yaml.safe_load` would return it.

    Raises:
        error: the file cannot be read ("<path>: cannot read: ..."), or is not
            valid YAML or repeats a key ("<file name>: not valid YAML: ...").
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc}") from exc
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        raise error(f"{path.name}: not valid YAML: {exc}") from exc


# libyaml's parser when PyYAML was built with it: ten times faster on venues.yaml (every
# start parses it), with the same safe constructors.
if TYPE_CHECKING:
    _SafeLoader = yaml.SafeLoader
else:
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeLoader):
    """SafeLoader that refuses duplicate keys instead of keeping the last one silently."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[object] = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                f"found duplicate key {key!r}",
                key_node.start_mark,
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
