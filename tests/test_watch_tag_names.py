"""Which watched people a plane-alert-db row's tags name: whole names only."""

from __future__ import annotations

import pytest

from bot.watch.seed import load_people
from bot.watch.tag_names import name_index, named_people
from storage.models import Person


def _index() -> dict[str, str]:
    people = [
        Person(slug=p.slug, names=p.names, aliases=p.aliases, roles=p.roles) for p in load_people()
    ]
    return name_index(people)


@pytest.mark.parametrize(
    ("tags", "named"),
    [
        (("Dictator Alert", "Vladimir Putin", "Vova"), ["putin"]),
        (("Dictator Alert", "Ilham Aliyev", "President4Life"), ["aliyev"]),
        (("vladimir   PUTIN",), ["putin"]),
        (("Владимир Путин",), ["putin"]),
        (("İlham Əliyev",), ["aliyev"]),
        (("Putin",), ["putin"]),  # an alias, whole
        (("Vladimir Putin", "Putin"), ["putin"]),  # once
        (("Ilham Aliyev", "Donald Trump"), ["aliyev", "trump"]),
        # Near misses from the real file and around it: never a link.
        (("Putin Stooge", "Former Criminal", "Disgusting Excess"), []),
        (("Trump Campaign", "Formerly Epstein's"), []),
        (("Air Force One", "Government", "Trump l'oeil"), []),
        (("Putinism",), []),
        (("Vladimir Putin's jet",), []),
        (("President Vladimir Putin",), []),
        (("Vladimir",), []),
        (("Aliyeva",), []),
        (("Mehriban Aliyeva",), []),
        (("Trumpet",), []),
        (("",), []),
    ],
)
def test_whole_names_only(tags: tuple[str, ...], named: list[str]) -> None:
    assert named_people(tags, _index()) == named


def test_a_name_two_people_share_names_neither() -> None:
    one = Person(slug="a", names={"en": "Ann Smith"}, aliases={"en": ["Smith"]})
    two = Person(slug="b", names={"en": "Bob Smith"}, aliases={"en": ["Smith"]})
    index = name_index([one, two])
    assert named_people(("Smith",), index) == []
    assert named_people(("Bob Smith",), index) == ["b"]
