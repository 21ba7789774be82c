"""Gettext catalogs (messages.pot and the compiled en/ru/az catalogs) shipped as package data."""
