"""The /watchlist listing: people and aircraft with links, confidence and provenance."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from html import escape

from bot.alerts.render_flight import GLOBE_URL
from bot.i18n import Translator
from bot.watch.confidence import confidence_label
from bot.watch.person_text import person_label, person_role
from storage.models import Aircraft, Person, PersonAircraft

_URL = re.compile(r"https?://\S+")
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


def link_line(link: PersonAircraft, who: str, t: Translator) -> str:
    """'Steve Witkoff — believed; “note”; set by 777, 14 Mar 2025, 01:30:00 UTC'."""
    parts = [f"{who} — {escape(confidence_label(link.confidence, t))}"]
    if link.note:
        parts.append(f"“{escape(link.note)}”")
    parts.append(
        t._("set by {who}, {time}", who=user_link(link.set_by, t), time=_day(link.since, t))
    )
    return "; ".join(parts)


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
    aircraft_blocks = [_aircraft_block(a, by_hex.get(a.hex, []), t) for a in fleet] or [
        t._("No aircraft yet. Admins add them with /track HEX [person].")
    ]
    # The heading rides with the first aircraft: a message never ends on a bare heading.
    aircraft_blocks[0] = f"{heading}\n{aircraft_blocks[0]}"
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
    added = t._(
        "added by {who}, {time}",
        who=user_link(aircraft.added_by, t),
        time=_day(aircraft.added_at, t),
    )
    line += f"\n  {added}"
    if aircraft.source:
        line += "; " + t._("source: {source}", source=source_html(aircraft.source))
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
