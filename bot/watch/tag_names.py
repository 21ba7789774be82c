"""Which watched people a plane-alert-db row names in its tags (pure).

A tag names a person when the whole tag is one of the person's names or aliases in
any language, compared case-folded with spacing collapsed: "Vladimir Putin" and
"vladimir  putin" name Putin; "Putin Stooge", "Trump Campaign" or "Putinism" do not.
A tag that is a name of two people (a shared surname alias) names neither: a link
must never rest on a guess.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from storage.models import Person


def name_key(text: str) -> str:
    """A name or tag as compared: NFC, case-folded, spacing collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def name_index(people: Iterable[Person]) -> dict[str, str]:
    """Every name and alias of every person (all languages) to the person's slug.

    Names shared by two people are left out (see the module docstring).
    """
    owners: dict[str, set[str]] = defaultdict(set)
    for person in people:
        words: list[str] = list(person.names.values())
        for aliases in person.aliases.values():
            words.extend(aliases)
        for word in words:
            if key := name_key(word):
                owners[key].add(person.slug)
    return {key: next(iter(slugs)) for key, slugs in owners.items() if len(slugs) == 1}


def named_people(tags: Sequence[str], index: Mapping[str, str]) -> list[str]:
    """The slugs of the people the tags name, in tag order, each once."""
    found: list[str] = []
    for tag in tags:
        slug = index.get(name_key(tag))
        if slug is not None and slug not in found:
            found.append(slug)
    return found
