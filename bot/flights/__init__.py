"""Flight watch: position reports, airports, the flight-event detector, replay and maps.

Everything here is pure except `providers/` (the ADS-B clients, over bot.http) and
`store.py` (writing events), which hand decoded payloads to and from the pure core.
"""
