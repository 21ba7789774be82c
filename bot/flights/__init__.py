"""Flight watch: position reports, airports, the flight-event detector and replay.

"""Flight watch: reports, detection (pure), airports, maps, and the provider clients (I/O, in providers/)."""
and hand the decoded payloads to `bot.flights.reports`.
"""
