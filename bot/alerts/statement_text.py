"""Statement text shared by the alerts and /statements: the meeting words by name."""

from __future__ import annotations

from bot.kernel.i18n import N_

# A keyword match's key (`bot.statements.keywords`) as the chat reads it.
KEYWORD_LABELS = {
    "meeting": N_("meeting"),
    "talks": N_("talks"),
    "summit": N_("summit"),
    "visit": N_("visit"),
    "call": N_("phone call"),
}
