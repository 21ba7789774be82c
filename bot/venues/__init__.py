"""Venue analysis: cited knowledge about candidate meeting venues and a transparent score.

Pure code: no network, no Telegram, no database. `knowledge` loads and validates
`bot/data/venues.yaml`; `names` finds a venue by name; `scoring` ranks venues from their
factors and the live evidence it is given; `changes` spots alert-worthy moves.
"""
