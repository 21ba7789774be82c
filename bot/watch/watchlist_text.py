"""The /watchlist listing: people and aircraft with links, confidence and provenance."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from html import escape

from babel.dates import format_date

from bot.alerts.flight_text import GLOBE_URL
from bot.kernel.i18n import Translator
from bot.watch.confidence import confidence_label
from bot.watch.fleet import DATASET
from bot.watch.person_text import person_label, person_role
from storage.models import Aircraft, Person, PersonAircraft

_URL = re.compile(r"https?://\S+")
# The dataset credit the ODbL asks for, with where the data comes from.
DATASET_URL = "https://github.com/sdr-enthusiasts/plane-alert-db"
CREDIT = "plane-alert-db by SDR-Enthusiasts and contributors (ODbL)"
# How many of the largest operators the summary of unlinked dataset aircraft names.
TOP_OPERATORS = 5
# Telegram's limit is 4096 characters; leave room for the entities of the HTML.
MESSAGE_BUDGET = 3500


def user_link(user_id: int | None, t: Translator) -> str:
    """Who set something: a mention link by Telegram id, or 'unknown'."""
    if user_id is None:
        return t._("unknown")
    return f'<a href="tg://user?id={int(user_id)}">{int(user_id)}</a>'


def source_html(source: str | None) -> str:
    """A stored source with its URLs as links, everything escaped."""
    if not source:
        return ""
    out, last = [], 0
    for match in _URL.finditer(source):
        out.append(escape(source[last : match.start()]))
        url = escape(match.group(0), quote=True)
        out.append(f'<a href="{url}">{escape(match.group(0))}</a>')
        last = match.end()
    out.append(escape(source[last:]))
    return "".join(out)


def aircraft_label(aircraft: Aircraft) -> str:
    """'DEMO1 (a1b2c3)' or the bare hex."""
    if aircraft.registration:
        return f"{aircraft.registration} ({aircraft.hex})"
    return aircraft.hex


def _day(moment: datetime, t: Translator) -> str:
    return t._("{time} UTC", time=t.date_time(moment))


def _as_of(text: str, t: Translator) -> str:
    """'21 Aug 2026' for '2026-08-21' in the chat's language; other text as it is."""
    try:
        return str(format_date(date.fromisoformat(text), "medium", locale=t.locale))
    except ValueError:
        return text


def stale_text(link: PersonAircraft, t: Translator) -> str:
    """'stale since 7 Dec 2026: the operator changed', or '' for a current link."""
    if link.stale_since is None:
        return ""
    reasons = {
        "operator": t._("the aircraft's operator changed in the data"),
        "unnamed": t._("the data no longer names this person"),
        "removed": t._("the aircraft is no longer in the data"),
    }
    reason = reasons.get(link.stale_reason or "", t._("the data no longer supports it"))
    when = _as_of(link.stale_since.date().isoformat(), t)
    return t._("stale since {date}: {reason}", date=when, reason=reason)


def link_provenance(link: PersonAircraft, t: Translator) -> str:
    """Where a link comes from: 'plane-alert-db, as of 21 Aug 2026' (the dataset's name
    linked to the row's reference), or 'set by 777, <time>' for an analyst's link; a
    stale link says since when and why."""
    if link.source:
        name = escape(link.source)
        if link.source_url and _URL.fullmatch(link.source_url):
            name = f'<a href="{escape(link.source_url, quote=True)}">{name}</a>'
        text = (
            t._("{source}, as of {date}", source=name, date=_as_of(link.as_of, t))
            if link.as_of
            else name
        )
    else:
        text = t._("set by {who}, {time}", who=user_link(link.set_by, t), time=_day(link.since, t))
    stale = stale_text(link, t)
    return f"{text}; ⚠ {escape(stale)}" if stale else text


def link_text(link: PersonAircraft, t: Translator) -> str:
    """'believed; “note”; plane-alert-db, as of 21 Aug 2026' (HTML): how sure, and why."""
    parts = [escape(confidence_label(link.confidence, t))]
    if link.note:
        parts.append(f"“{escape(link.note)}”")
    parts.append(link_provenance(link, t))
    return "; ".join(parts)


def link_line(link: PersonAircraft, who: str, t: Translator) -> str:
    """'Steve Witkoff — believed; “note”; set by 777, 14 Mar 2025, 01:30:00 UTC'."""
    return f"{who} — {link_text(link, t)}"


def from_dataset(aircraft: Aircraft) -> bool:
    """True for an aircraft the shipped fleet or a refresh of it added."""
    details = (aircraft.extra or {}).get("import")
    return isinstance(details, dict) and details.get("dataset") == DATASET


def credit_line(t: Translator) -> str:
    """The footer the ODbL asks for wherever the dataset's aircraft are shown."""
    source = f'<a href="{DATASET_URL}">{escape(CREDIT)}</a>'
    return "<i>" + t._("Aircraft data: {source}", source=source) + "</i>"


def _unlinked_summary(unlinked: Sequence[Aircraft], t: Translator) -> str:
    operators = Counter(a.operator for a in unlinked if a.operator)
    largest = ", ".join(
        f"{escape(name)} ({t.number(count)})"
        for name, count in operators.most_common(TOP_OPERATORS)
    )
    text = t.n_(
        "{n} more aircraft from plane-alert-db is watched without a linked person.",
        "{n} more aircraft from plane-alert-db are watched without a linked person.",
        len(unlinked),
    )
    if largest:
        text += " " + t._("Largest operators: {operators}.", operators=largest)
    return text


def watchlist_pages(
    people: Sequence[Person],
    fleet: Sequence[Aircraft],
    links: Sequence[tuple[PersonAircraft, Person]],
    t: Translator,
) -> list[str]:
    """The listing, split into messages that fit Telegram's limit."""
    by_hex: dict[str, list[tuple[PersonAircraft, Person]]] = defaultdict(list)
    linked_people: dict[int, list[str]] = defaultdict(list)
    for link, person in links:
        by_hex[link.aircraft_hex].append((link, person))
        linked_people[link.person_id].append(link.aircraft_hex)
    blocks = ["<b>" + escape(t._("People watched")) + "</b>"]
    for person in people:
        line = f"• <b>{escape(person_label(person, t.locale))}</b>"
        role = person_role(person, t.locale)
        if role:
            line += f" — {escape(role)}"
        hexes = linked_people.get(person.id or -1, [])
        if hexes:
            line += "\n  ✈ " + ", ".join(escape(h) for h in hexes)
        if person.source:
            line += "\n  " + t._("source: {source}", source=source_html(person.source))
        blocks.append(line)
    heading = "<b>" + escape(t._("Aircraft watched")) + "</b>"
    # The shipped fleet's ~1,800 unlinked aircraft would be dozens of messages: counted.
    unlinked = [a for a in fleet if a.hex not in by_hex and from_dataset(a)]
    shown = [a for a in fleet if a.hex in by_hex or not from_dataset(a)]
    aircraft_blocks = [_aircraft_block(a, by_hex.get(a.hex, []), t) for a in shown]
    if unlinked:
        aircraft_blocks.append(_unlinked_summary(unlinked, t))
    if not aircraft_blocks:
        aircraft_blocks = [t._("No aircraft yet. Admins add them with /track HEX [person].")]
    # The heading rides with the first aircraft: a message never ends on a bare heading.
    aircraft_blocks[0] = f"{heading}\n{aircraft_blocks[0]}"
    if unlinked or any(link.source == DATASET for link, _p in links):
        aircraft_blocks.append(credit_line(t))
    return pages([*blocks, *aircraft_blocks])


def _aircraft_block(
    aircraft: Aircraft, links: Sequence[tuple[PersonAircraft, Person]], t: Translator
) -> str:
    url = GLOBE_URL.format(hex=escape(aircraft.hex))
    line = f'• <a href="{url}">{escape(aircraft_label(aircraft))}</a>'
    details = [
        escape(v) for v in (aircraft.type_name or aircraft.type_code, aircraft.operator) if v
    ]
    if details:
        line += " — " + ", ".join(details)
    notes = []
    if not from_dataset(aircraft):
        notes.append(
            t._(
                "added by {who}, {time}",
                who=user_link(aircraft.added_by, t),
                time=_day(aircraft.added_at, t),
            )
        )
    if aircraft.source:
        notes.append(t._("source: {source}", source=source_html(aircraft.source)))
    if notes:
        line += "\n  " + "; ".join(notes)
    for link, person in links:
        who = escape(person_label(person, t.locale))
        line += "\n  👤 " + link_line(link, who, t)
    return line


def pages(blocks: Sequence[str], *, separator: str = "\n") -> list[str]:
    """Join blocks into messages that fit Telegram's limit, splitting only between blocks."""
    found: list[str] = []
    current = ""
    for block in blocks:
        if current and len(current) + len(separator) + len(block) > MESSAGE_BUDGET:
            found.append(current)
            current = block
        else:
            current = f"{current}{separator}{block}" if current else block
    if current:
        found.append(current)
    return found
