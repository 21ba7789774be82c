"""Statement watch: feed items, their parsing, and the multilingual matcher.

The modules here are pure (no network, no store): `parsing` turns feed and
listing bodies into `FeedItem`s, `matcher` finds watched people, places and
meeting words in them. Fetching and polling live beside them and call in.
"""
