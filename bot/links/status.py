"""The /status <person> part for linked signals: the person's pairs and the host's silence."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts.linked import LinkedAlert
from bot.alerts.linked_text import headline
from bot.alerts.text import dated_moment
from bot.kernel.i18n import Translator
from bot.links.silence import DEFAULT_WINDOW, CountryOf, HostSilence, host_silence
from storage.signal_links import links_of_person

# The latest pairs shown; older ones are in /export and the store.
SHOWN = 3


def _moment(moment: datetime | None, zone: str, t: Translator) -> str:
    return dated_moment(moment, zone, t) if moment is not None else t._("never")


def silence_text(silence: HostSilence, t: Translator) -> str:
    """'No statement from Azerbaijan sources in 9 h', the landing, and each source's state."""
    zone = silence.venue.timezone if silence.venue is not None else "UTC"
    country = escape(t.country(silence.country))
    if silence.spoke:
        spoke = ", ".join(
            f"{escape(s.name)} ({_moment(s.said_at, zone, t)})" for s in silence.spoke
        )
        lines = [
            "🗣 "
            + t._(
                "{country} sources spoke after the landing: {sources}",
                country=country,
                sources=spoke,
            )
        ]
    elif silence.silent:
        hours = int(silence.since / timedelta(hours=1))
        heading = t._(
            "No statement from {country} sources in {hours} h", country=country, hours=hours
        )
        lines = [f"🤐 <b>{heading}</b>"]
    else:
        lines = [
            "❔ "
            + t._(
                "Whether {country} sources said anything cannot be told: none was polled "
                "successfully since the landing.",
                country=country,
            )
        ]
    lines.append(
        t._(
            "After the landing at {airport}: {moment}",
            airport=escape(silence.landing.airport_icao),
            moment=dated_moment(silence.landing.ts, zone, t),
        )
    )
    for source in silence.checked:
        lines.append(
            "✓ "
            + t._(
                "Checked: {source}, last polled {moment}",
                source=escape(source.name),
                moment=_moment(source.last_success_at, zone, t),
            )
        )
    for source in silence.unhealthy:
        lines.append(
            "✗ "
            + t._(
                "Not counted: {source} is failing or was not polled since the landing "
                "(last success: {moment})",
                source=escape(source.name),
                moment=_moment(source.last_success_at, zone, t),
            )
        )
    return "\n".join(lines)


async def links_section(
    session: AsyncSession,
    person_slug: str | None,
    t: Translator,
    *,
    now: datetime,
    country_of: CountryOf,
    silence_window: timedelta = DEFAULT_WINDOW,
) -> str | None:
    """The person's latest linked pairs and the host's silence after their latest landing;
    None for an aircraft alone or when there is neither."""
    if person_slug is None:
        return None
    parts: list[str] = []
    links = await links_of_person(session, person_slug, limit=SHOWN)
    if links:
        heading = t._("Linked signals:")
        lines = [f"<b>{heading}</b>"]
        for link in links:
            word = t._("confirmed pair") if link.confidence == "confirmed" else t._("believed pair")
            lines.append(f"🔗 {headline(LinkedAlert.from_json(link.data), t)} · {word}")
        parts.append("\n".join(lines))
    silence = await host_silence(
        session, person_slug, now=now, country_of=country_of, window=silence_window
    )
    if silence is not None:
        parts.append(silence_text(silence, t))
    return "\n\n".join(parts) or None
