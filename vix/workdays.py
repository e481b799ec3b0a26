"""Counting days for deadlines: calendar days or working days.

A working day is Monday to Friday, not a Dutch public holiday (from the
`holidays` package: New Year, Good Friday, Easter, King's Day, Liberation
Day in lustrum years, Ascension, Whit Monday, Christmas) and not one of the
region's extra closed days (setting `gesloten_dagen`, e.g. school holidays).

`Calendar.days_between(start, end)` counts the days d with start < d <= end
that count: the day a match arose is day 0, the next (working) day is day 1.
It is arithmetic on weekdays plus a bisect over the few closed weekdays, so a
stagnation run over thousands of matches does not walk day by day.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

import holidays


@cache
def dutch_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NL", years=year).keys())


def weekdays_between(start: date, end: date) -> int:
    """Monday-to-Friday days d with start < d <= end."""
    if end <= start:
        return 0
    span = (end - start).days
    weeks, rest = divmod(span, 7)
    count = weeks * 5
    day = start + timedelta(days=weeks * 7)
    for _ in range(rest):
        day += timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    return count


@dataclass
class Calendar:
    """Counts calendar days, or working days when `working` is true."""

    working: bool = True
    closed: frozenset[date] = frozenset()
    _closed_weekdays: dict[tuple[int, int], list[date]] = field(default_factory=dict)
    # (start, days) -> `add`: an escalation run asks the same few thousand times
    _added: dict[tuple[date, int], date] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, working: bool, closed: Iterable[str | date] = ()) -> Calendar:
        days = frozenset(d if isinstance(d, date) else date.fromisoformat(d) for d in closed)
        return cls(working=working, closed=days)

    def _closed_between(self, first_year: int, last_year: int) -> list[date]:
        key = (first_year, last_year)
        if key not in self._closed_weekdays:
            found = set(d for d in self.closed if first_year <= d.year <= last_year)
            for year in range(first_year, last_year + 1):
                found |= dutch_holidays(year)
            self._closed_weekdays[key] = sorted(d for d in found if d.weekday() < 5)
        return self._closed_weekdays[key]

    def is_working_day(self, day: date) -> bool:
        if not self.working:
            return True
        return day.weekday() < 5 and day not in dutch_holidays(day.year) and day not in self.closed

    def days_between(self, start: date, end: date) -> int:
        """Days (of the kind this calendar counts) after `start` up to and including `end`."""
        if end <= start:
            return 0
        if not self.working:
            return (end - start).days
        closed = self._closed_between(start.year, end.year)
        off = bisect_right(closed, end) - bisect_right(closed, start)
        return weekdays_between(start, end) - off

    def add(self, start: date, days: int) -> date:
        """The date `days` counted days after `start`."""
        if not self.working:
            return start + timedelta(days=days)
        found = self._added.get((start, days))
        if found is None:
            day, left = start, days
            while left > 0:
                day += timedelta(days=1)
                if self.is_working_day(day):
                    left -= 1
            found = self._added[(start, days)] = day
        return found

    @property
    def unit(self) -> str:
        return "werkdagen" if self.working else "kalenderdagen"
