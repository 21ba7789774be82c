"""Small local stand-ins for the Bot API and an ADS-B provider, for `summitwatch demo`.

Only what the demo's conversations and its flight need, in the real wire formats: the bot
talks to them over HTTP exactly as it talks to Telegram and adsb.lol. The full fakes the
tests use (groups, edits, flood control, faults, webhooks, OpenSky...) stay with the tests
and are not installed; they build their answers with the wire-format modules here
(`bot_api_wire`, `readsb`) and run on the same `server.LoopbackServer`.
"""
