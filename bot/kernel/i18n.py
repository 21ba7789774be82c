"""Locale choice, gettext and CLDR formatting.

Catalogs are Babel/gettext files under the `locales` package. A `Translator` is
bound to one locale explicitly, so an alert rendered outside any update (the
delivery worker) uses the chat's language, not whoever spoke last.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, tzinfo
from importlib import resources
from zoneinfo import ZoneInfo

from babel import Locale as BabelLocale
from babel import UnknownLocaleError
from babel.dates import format_date, format_datetime, get_timezone_location
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations

from bot.kernel.config import SUPPORTED_LOCALES

DOMAIN = "messages"
UTC_ZONE = ZoneInfo("UTC")


def normalize_language(code: str | None) -> str | None:
    """Map a Telegram `language_code` ("ru", "ru-RU", "az-Latn-AZ") to one we speak."""
    if not code:
        return None
    try:
        language = BabelLocale.parse(code.replace("_", "-"), sep="-").language
    except (ValueError, UnknownLocaleError):
        language = code.split("-")[0].split("_")[0].lower()
    return language if language in SUPPORTED_LOCALES else None


def resolve_locale(chat_locale: str | None, user_language: str | None, default: str) -> str:
    """Chat setting first, then the user's Telegram language, then the default."""
    if chat_locale in SUPPORTED_LOCALES:
        return chat_locale
    return normalize_language(user_language) or default


@functools.cache
def _translations(locale: str) -> NullTranslations:
    folder = resources.files("locales") / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not folder.is_file():
        return NullTranslations()
    with folder.open("rb") as fp:
        return Translations(fp, domain=DOMAIN)


@dataclass(frozen=True)
class Translator:
    """Messages and formats of one locale."""

    locale: str

    @property
    def _catalog(self) -> NullTranslations:
        return _translations(self.locale)

    def _(self, message: str, /, **params: object) -> str:
        """Translate `message` and fill its `{named}` placeholders."""
        text = self._catalog.gettext(message)
        return text.format(**params) if params else text

    def n_(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        """Translate with the locale's plural rule (Russian: one/few/many); `{n}` is filled."""
        text = self._catalog.ngettext(singular, plural, n)
        return text.format(n=self.number(n), **params)

    def number(self, value: float) -> str:
        """A number with the locale's separators."""
        return format_decimal(value, locale=self.locale)

    def percent(self, fraction: float, decimals: int = 0) -> str:
        """A share as the locale writes it, by CLDR: "72%" (en, az), "72\u00a0%" (ru).

        `decimals` keeps that many fraction digits ("99.9%", "99,9\u00a0%") in the
        locale's own pattern, sign and spacing included.
        """
        if not decimals:
            return format_percent(fraction, locale=self.locale)
        pattern = BabelLocale.parse(self.locale).percent_formats[None].pattern
        return format_percent(
            fraction, pattern.replace("0", "0." + "0" * decimals, 1), locale=self.locale
        )

    def city(self, zone: str) -> str:
        """The CLDR exemplar city of a time zone in this language ("Bakı", "Баку")."""
        return str(get_timezone_location(ZoneInfo(zone), locale=self.locale, return_city=True))

    def country(self, code: str) -> str:
        """A country's name in this language from CLDR territory names."""
        names = BabelLocale.parse(self.locale).territories
        return str(names.get(code.upper(), code.upper()))

    def date_time(self, moment: datetime, zone: str | tzinfo = UTC_ZONE) -> str:
        """A date and time in `zone`, in the locale's medium format."""
        tz = ZoneInfo(zone) if isinstance(zone, str) else zone
        return str(format_datetime(moment, "medium", tzinfo=tz, locale=self.locale))

    def local_and_utc(self, moment: datetime, zone: str) -> str:
        """'01:54 Moscow time (22:54 UTC)', in the place's zone and in UTC."""
        tz = ZoneInfo(zone)
        local = format_datetime(moment, "HH:mm", tzinfo=tz, locale=self.locale)
        utc = format_datetime(moment, "HH:mm", tzinfo=UTC_ZONE, locale=self.locale)
        return self._(
            "{time} {city} time ({utc_time} UTC)",
            time=local,
            city=self.city(zone),
            utc_time=utc,
        )

    def dated_local_and_utc(self, moment: datetime, zone: str) -> str:
        """'14 Mar 2025, 01:54 Moscow time (22:54 UTC)': the place's date once, then both clocks.

        Where the zone is unknown ("UTC") it is the date and time in UTC alone.
        """
        if zone == "UTC":
            return self._("{time} UTC", time=self.date_time(moment))
        day = format_date(moment.astimezone(ZoneInfo(zone)), "medium", locale=self.locale)
        return f"{day}, {self.local_and_utc(moment, zone)}"


@functools.cache
def translator(locale: str) -> Translator:
    """The translator of `locale` (unknown locales fall back to the source strings)."""
    return Translator(locale if locale in SUPPORTED_LOCALES else "en")


def N_(message: str, /) -> str:
    """Mark a message for extraction; translate it later with `Translator._`."""
    return message
