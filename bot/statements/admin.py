"""Adding and removing sources from chat (`/source add`, `/source remove`).

An added URL is fetched once (`fetch.check_new_source`, through the SSRF-guarded
session) and stored only if it is a feed, or a listing page of a site whose
layout a shipped source configures. The reason for a refusal is a `Refusal`
kind the handler translates, plus the technical detail (never a secret: the
fetcher's descriptions carry no URL or header).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.net.guarded_http import new_guarded_session
from bot.net.ssrf import AddressPolicy
from bot.statements.fetch import SourceCheck, check_new_source
from bot.statements.language_guess import guess_language
from bot.statements.source_store import retire_source
from bot.statements.sources import SOURCE_LANGUAGES, SourceSpec, selectors_for_url
from storage.models import Source, SourceKind
from storage.sources import (
    insert_source,
    set_enabled,
    source_by_id,
    source_names,
    source_with_url,
)

_NAME_LIMIT = 64
_NOT_NAME = re.compile(r"[^a-z0-9]+")


class Refusal(StrEnum):
    """Why an added URL was not accepted."""

    BAD_LANGUAGE = "bad_language"
    PRIVATE_ADDRESS = "private_address"
    UNREACHABLE = "unreachable"
    NOT_A_FEED = "not_a_feed"
    UNSAFE = "unsafe"


@dataclass(frozen=True, slots=True)
class AddOutcome:
    """What `/source add` did.

    Attributes:
        name: the source's name (new, or the existing one for the same URL).
        refusal: why it was refused; None when added.
        detail: the technical reason, for the admin.
        existing: the URL was already a source (re-enabled if it was removed).
        items: how many items the check found.
        feed_title: the feed's own title, if any.
        language: the language the source is stored with.
        language_guessed: the admin gave none; `language` was read off the items
            (English when they were too short to tell).
    """

    name: str | None = None
    refusal: Refusal | None = None
    detail: str = ""
    existing: bool = False
    items: int = 0
    feed_title: str | None = None
    language: str = "en"
    language_guessed: bool = False


def refusal_of(check: SourceCheck) -> Refusal:
    """The kind of a failed check, from the fetcher's reason."""
    reason = check.reason or ""
    if reason.startswith("unsupported language"):
        return Refusal.BAD_LANGUAGE
    if reason.startswith("refused:"):
        return Refusal.PRIVATE_ADDRESS
    if reason.startswith("unsafe XML"):
        return Refusal.UNSAFE
    if reason.startswith(("not a feed", "bad selectors")):
        return Refusal.NOT_A_FEED
    return Refusal.UNREACHABLE


def name_for(url: str, language: str, taken: set[str]) -> str:
    """A source name from the site and language: "apa.az" + "ru" → "apa-az-ru"."""
    host = (urlsplit(url).hostname or "source").removeprefix("www.")
    base = _NOT_NAME.sub("-", host.lower()).strip("-")[: _NAME_LIMIT - len(language) - 4]
    name = f"{base}-{language}"
    number = 2
    while name in taken:
        name = f"{base}-{language}-{number}"
        number += 1
    return name


async def add_source(
    sessions: async_sessionmaker[AsyncSession],
    url: str,
    language: str | None,
    *,
    by: int,
    specs: tuple[SourceSpec, ...],
    addresses: AddressPolicy,
    timeout_s: float = 15.0,
) -> AddOutcome:
    """Check a URL once and store it as a source if it can be read.

    Args:
        sessions: the store.
        url: what the admin typed.
        language: the language of its items; None to read it off them.
        by: the admin's Telegram user id (kept as `added_by`).
        specs: the shipped sources (listing layouts by site).
        addresses: the SSRF policy.
        timeout_s: time allowed for the check.

    Returns:
        The outcome; nothing is stored on a refusal.
    """
    url = url.strip()
    guessed = language is None
    # Checked as English when unknown: the check reads items the same in any language.
    language = "en" if language is None else language.strip().lower()
    if language not in SOURCE_LANGUAGES:
        return AddOutcome(refusal=Refusal.BAD_LANGUAGE, detail=language)
    async with sessions() as session:
        same = await source_with_url(session, url)
    if same is not None and same.enabled:
        return AddOutcome(name=same.name, existing=True, language=same.language or "en")
    async with new_guarded_session(addresses) as http:
        check = await check_new_source(
            url, language, http, selectors=selectors_for_url(url, specs), timeout_s=timeout_s
        )
    if not check.ok or check.kind is None:
        return AddOutcome(refusal=refusal_of(check), detail=check.reason or "")
    if guessed:
        texts = (text for item in check.items for text in (item.title, item.summary))
        language = guess_language(texts) or language
    async with sessions.begin() as session:
        if same is not None:
            row = await source_by_id(session, same.id) if same.id is not None else None
            if row is not None:
                await set_enabled(session, row, True)
                return AddOutcome(
                    name=row.name,
                    existing=True,
                    items=len(check.items),
                    feed_title=check.feed_title,
                    language=row.language or "en",
                )
        name = name_for(url, language, await source_names(session))
        await insert_source(
            session,
            Source(
                name=name,
                kind=SourceKind(check.kind),
                url=url,
                language=language,
                official=False,
                added_by=by,
                etag=check.etag,
                last_modified=check.last_modified,
            ),
        )
    return AddOutcome(
        name=name,
        items=len(check.items),
        feed_title=check.feed_title,
        language=language,
        language_guessed=guessed,
    )


async def remove_source(sessions: async_sessionmaker[AsyncSession], name: str) -> bool:
    """Stop polling a source for good (kept as a tombstone, see `retire_source`)."""
    async with sessions.begin() as session:
        return await retire_source(session, name)
