"""Every command the bot offers, with its localized description and where it shows."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_


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
    CommandInfo("lang", N_("Choose the chat's language"), usage="[en|ru|az]"),
)
