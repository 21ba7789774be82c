"""Every command the bot offers, with its localized description and where it shows."""

from __future__ import annotations

from dataclasses import dataclass

from bot.kernel.i18n import N_


@dataclass(frozen=True)
class CommandInfo:
    """A command as users see it in /help and in Telegram's command menu."""

    name: str
    description: str  # msgid, translated at display time
    usage: str = ""
    in_private: bool = True
    in_groups: bool = True


COMMANDS: tuple[CommandInfo, ...] = (
    CommandInfo("start", N_("What this bot does")),
    CommandInfo("help", N_("All commands")),
    CommandInfo(
        "subscribe", N_("Follow a person, aircraft, venue or source"), "[kind key] [in @channel]"
    ),
    CommandInfo("unsubscribe", N_("Stop following something"), "[kind key] [in @channel]"),
    CommandInfo("subscriptions", N_("What this chat follows")),
    CommandInfo(
        "channel",
        N_("Link a channel where I am an administrator, and post its alerts there"),
        "[add|remove @channel]",
    ),
    CommandInfo("mute", N_("Hold alerts for a while"), "2h|1d"),
    CommandInfo("unmute", N_("Resume alerts and summarise what was held")),
    CommandInfo("lang", N_("Choose the chat's language"), usage="[@channel] [en|ru|az]"),
    CommandInfo("tz", N_("The chat's time zone"), "[Europe/Berlin]"),
    CommandInfo("quiet", N_("Quiet hours: alerts held, then one digest"), "[23:00-07:00|off]"),
    CommandInfo("digest", N_("A daily summary at a local time"), "[08:00|off]"),
    CommandInfo(
        "webhook",
        N_("Send this chat's alerts to your tool as signed JSON"),
        "add url [kinds] | list | remove N",
    ),
    CommandInfo("deadletters", N_("Undeliverable alerts (bot admins)"), "[retry]", in_groups=False),
    CommandInfo("status", N_("Where a person's or aircraft's jet is now"), "who"),
    CommandInfo("flights", N_("Recent flights of a person or aircraft"), "who [n]"),
    CommandInfo("fleet", N_("Where an operator's aircraft are"), "operator [page]"),
    CommandInfo("providers", N_("Flight data providers and how fresh the fleet is")),
    CommandInfo("watchlist", N_("Watched people and aircraft")),
    CommandInfo(
        "track",
        N_("Watch an aircraft, linked to a person (bot admins)"),
        "hex [person] [believed|confirmed]",
    ),
    CommandInfo("untrack", N_("Stop watching an aircraft (bot admins)"), "hex [person]"),
    CommandInfo("statements", N_("Latest statements that mention what is watched"), "[who|where]"),
    CommandInfo(
        "export",
        N_("Flights, statements or a venue's history as a CSV or JSON file"),
        "who|source|venue [days] [csv|json]",
    ),
    CommandInfo(
        "timeline",
        N_("Flights, statements and venue changes in time order, as text and a chart"),
        "who|place [days]",
    ),
    CommandInfo("sources", N_("Statement sources and their health")),
    CommandInfo(
        "source",
        N_("Add or remove a statement source (bot admins)"),
        "add url [lang] | remove name",
        in_groups=False,
    ),
    CommandInfo("venues", N_("Candidate meeting venues, ranked with reasons"), "[all]"),
    CommandInfo(
        "venue",
        N_("A venue's facts, evidence and score; corrections (bot admins)"),
        "name | history name | set venue factor value source",
    ),
)
