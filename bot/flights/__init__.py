"""Flight watch: position reports, airports, the flight-event detector, replay and maps.

Everything here is pure except `providers/` (the ADS-B clients, over bot.net.http),
`store.py` (writing events), `polling.py` (the poll round: providers, detector, store)
and `live.py` (that round as the bot's scheduled job), which hand decoded payloads to
and from the pure core.
"""
