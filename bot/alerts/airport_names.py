"""Airport names in the chat's language from the shipped table (bot/data/airport_names.yaml).

Only names a public page in that language uses are shipped, each with its source and
the date it was read; the loader refuses an entry without them, so an unsourced name
cannot slip in.
"""

from __future__ import annotations

import datetime
import functools
from pathlib import Path

from bot.kernel.data_files import load_yaml

PATH = Path(__file__).resolve().parent.parent / "data" / "airport_names.yaml"
LANGUAGES = frozenset({"ru", "az"})


class AirportNamesError(ValueError):
    """The airport names file is malformed."""


def parse(document: object) -> dict[tuple[str, str], str]:
    """{(ICAO, language): name} from the parsed file; raises AirportNamesError."""
    airports = document.get("airports") if isinstance(document, dict) else None
    if not isinstance(airports, dict):
        raise AirportNamesError("airport_names.yaml: needs an `airports` mapping")
    names: dict[tuple[str, str], str] = {}
    for icao, entry in airports.items():
        if not (isinstance(icao, str) and len(icao) == 4 and icao.isalnum() and icao.isupper()):
            raise AirportNamesError(f"airport_names.yaml: {icao!r} is not an ICAO code")
        if not isinstance(entry, dict) or not entry or not set(entry) <= LANGUAGES:
            raise AirportNamesError(f"airport_names.yaml: {icao}: give names under ru or az")
        for language, item in entry.items():
            here = f"airport_names.yaml: {icao}.{language}"
            if not isinstance(item, dict) or set(item) != {"name", "source", "as_of"}:
                raise AirportNamesError(f"{here}: needs exactly name, source and as_of")
            if not all(isinstance(item[k], str) and item[k].strip() for k in ("name", "source")):
                raise AirportNamesError(f"{here}: name and source must be non-empty text")
            if not isinstance(item["as_of"], datetime.date):
                raise AirportNamesError(f"{here}: as_of must be a date (YYYY-MM-DD)")
            names[(icao, language)] = item["name"].strip()
    return names


@functools.cache
def _names() -> dict[tuple[str, str], str]:
    return parse(load_yaml(PATH, AirportNamesError))


def airport_name(icao: str, locale: str) -> str | None:
    """The airport's name in `locale` ("ru", "az") from the table, or None if not known."""
    return _names().get((icao.upper(), locale))
