"""The Telegram Mini App: a live map of the watched fleet, tracks, statements and venues.

Served by the bot's own aiohttp server on SUMMITWATCH_WEBAPP_PORT (see `server`); every
API call is authenticated with Telegram's signed initData (`auth`).
"""
