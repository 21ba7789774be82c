"""A watched person's name and role in a chat's language, English as the fallback."""

from __future__ import annotations

from bot.kernel.inflection import Name
from storage.models import Person

_FALLBACK = "en"


def person_label(person: Person, locale: str) -> str:
    """The person's name in the chat's language (English, then the slug, as fallbacks)."""
    return person.names.get(locale) or person.names.get(_FALLBACK) or person.slug


def person_name(person: Person, locale: str, *, bold: bool = False) -> Name:
    """The person's name for a placeholder a translation may decline ("{person:С+ins}")."""
    return Name(person_label(person, locale), locale, "person", bold=bold)


def person_role(person: Person, locale: str) -> str | None:
    """The person's role in the chat's language, else in English, else None."""
    return person.roles.get(locale) or person.roles.get(_FALLBACK) or None
