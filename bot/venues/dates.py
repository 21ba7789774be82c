"""Dates as precise as the sources are: a year, a month, or a day."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day ("2025", "2018-04", "2024-08-18").

    Sources often say "Apr 2018" or "as of 2025"; storing those as a full date would
    invent precision. Ordering compares the first day of each period.

    Attributes:
        first: The first day of the period (also the sort key).
        precision: "year", "month" or "day".
    """

    first: date
    precision: str

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        """Build from YAML: a `date`, a year as an int, or "YYYY[-MM[-DD]]" text.

        Raises:
            ValueError: The value is none of those, or not a real date.
        """
        if isinstance(value, datetime):
            raise ValueError(f"expected a date without a time, got {value!r}")
        if isinstance(value, date):
            return cls(value, "day")
        if isinstance(value, int) and not isinstance(value, bool):
            value = f"{value:04d}"
        if not isinstance(value, str):
            raise ValueError(f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
        found = _ISO.match(value.strip())
        if not found:
            raise ValueError(f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
        year, month, day = found.groups()
        try:
            first = date(int(year), int(month or 1), int(day or 1))
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a real date: {exc}") from exc
        precision = "day" if day else "month" if month else "year"
        return cls(first, precision)

    def start(self) -> date:
        """The first day of the period."""
        return self.first

    def __str__(self) -> str:
        if self.precision == "year":
            return f"{self.first.year:04d}"
        if self.precision == "month":
            return f"{self.first.year:04d}-{self.first.month:02d}"
        return self.first.isoformat()
