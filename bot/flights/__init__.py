"""Flight watch: position reports, airports, the flight-event detector and replay.

The modules here are pure (no network, no database): providers fetch JSON elsewhere
and hand the decoded payloads to `bot.flights.reports`.
"""
