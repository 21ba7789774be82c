"""A person's name and role in the chat's language, with English as the fallback."""

from __future__ import annotations

import pytest

from bot.watch.person_text import person_label, person_role
from storage.models import Person


def _person(roles: dict[str, str], names: dict[str, str] | None = None) -> Person:
    return Person(slug="envoy", names=names or {}, aliases={}, roles=roles)


@pytest.mark.parametrize(
    ("roles", "locale", "expected"),
    [
        ({"en": "Envoy", "ru": "Посланник", "az": "Nümayəndə"}, "ru", "Посланник"),
        ({"en": "Envoy", "ru": "Посланник", "az": "Nümayəndə"}, "az", "Nümayəndə"),
        ({"en": "Envoy", "ru": "Посланник"}, "az", "Envoy"),
        ({"en": "Envoy", "az": ""}, "az", "Envoy"),
        ({"ru": "Посланник"}, "az", None),
        ({"ru": "Посланник", "en": ""}, "en", None),
        ({}, "ru", None),
    ],
)
def test_person_role_is_the_chat_language_then_english_then_none(
    roles: dict[str, str], locale: str, expected: str | None
) -> None:
    assert person_role(_person(roles), locale) == expected


@pytest.mark.parametrize(
    ("names", "locale", "expected"),
    [
        ({"en": "Demo Envoy", "ru": "Демо-посланник"}, "ru", "Демо-посланник"),
        ({"en": "Demo Envoy", "ru": "Демо-посланник"}, "az", "Demo Envoy"),
        ({"ru": "Демо-посланник"}, "az", "envoy"),
    ],
)
def test_person_label_is_the_chat_language_then_english_then_the_slug(
    names: dict[str, str], locale: str, expected: str
) -> None:
    assert person_label(_person({}, names), locale) == expected
