"""Response deadlines on the UK school calendar: weekends, the nation's bank holidays and school closures.

The policies say comments, queries and complaints are answered "within 24 hours (or on the next working day if
received at a weekend)". Rules, all in the school's local time (Europe/London):

- ``standard``: received on a working day at local time t → due at t on the next working day; received on a
  non-working day → due at close of business on the next working day.
- ``safeguarding``: due a fixed time after receipt (default one hour), any day.
- ``defamation``: 48 hours counted only inside working days (local midnight to midnight), the window for a
  notice of complaint under the Defamation (Operators of Websites) Regulations 2013.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
NATIONS = ("ENG", "WLS", "SCT", "NIR")


class SlaKind(enum.StrEnum):
    STANDARD = "standard"
    SAFEGUARDING = "safeguarding"
    DEFAMATION = "defamation"


@dataclass(frozen=True)
class WorkingCalendar:
    """Monday to Friday, minus the bank holidays of ``nation`` and any ``closures`` (inclusive date ranges)."""

    nation: str
    closures: tuple[tuple[date, date], ...] = ()
    zone: ZoneInfo = LONDON
    close_of_business: time = time(17, 0)
    safeguarding_window: timedelta = timedelta(hours=1)
    defamation_working_hours: int = 48
    _cache: dict[date, bool] = field(default_factory=dict, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.nation not in NATIONS:
            raise ValueError(f"nation must be one of {', '.join(NATIONS)}, got {self.nation!r}")

    @cached_property
    def _holidays(self) -> holidays.HolidayBase:
        # Without subdiv, holidays.UK returns only UK-wide days (no Easter Monday, no St Andrew's Day ...).
        return holidays.country_holidays("GB", subdiv=self.nation)

    def holiday_name(self, day: date) -> str | None:
        name = self._holidays.get(day)
        return str(name) if name else None

    def is_closed(self, day: date) -> bool:
        return any(start <= day <= end for start, end in self.closures)

    def is_working_day(self, day: date) -> bool:
        cached = self._cache.get(day)
        if cached is None:
            cached = day.weekday() < 5 and day not in self._holidays and not self.is_closed(day)
            self._cache[day] = cached
        return cached

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        candidate = day + timedelta(days=1)
        for _ in range(3660):  # a closure longer than ten years is a configuration mistake
            if self.is_working_day(candidate):
                return candidate
            candidate += timedelta(days=1)
        raise ValueError(f"no working day within ten years after {day}; check the closure dates")

    def _local(self, day: date, at: time) -> datetime:
        # A wall time that does not exist (the spring-forward hour) resolves forward, as a person would read it.
        naive = datetime.combine(day, at)
        aware = naive.replace(tzinfo=self.zone)
        round_trip = aware.astimezone(UTC).astimezone(self.zone)
        if round_trip.replace(tzinfo=None) != naive:
            aware = (naive + timedelta(hours=1)).replace(tzinfo=self.zone)
        return aware

    def due_at(self, received_at: datetime, kind: SlaKind | str) -> datetime:
        """When a response is due for something received at ``received_at`` (aware). Returns aware UTC."""
        if received_at.tzinfo is None:
            raise ValueError("received_at must be timezone-aware")
        kind = SlaKind(kind)
        if kind is SlaKind.SAFEGUARDING:
            return (received_at + self.safeguarding_window).astimezone(UTC)
        local = received_at.astimezone(self.zone)
        if kind is SlaKind.STANDARD:
            if self.is_working_day(local.date()):
                due = self._local(self.next_working_day(local.date()), local.time().replace(tzinfo=None))
            else:
                due = self._local(self.next_working_day(local.date()), self.close_of_business)
            return due.astimezone(UTC)
        return self._working_hours_after(local, self.defamation_working_hours).astimezone(UTC)

    def _working_hours_after(self, start: datetime, hours: int) -> datetime:
        remaining = timedelta(hours=hours)
        day = start.date()
        cursor = start
        for _ in range(3660):
            if self.is_working_day(day):
                end_of_day = self._local(day + timedelta(days=1), time(0, 0))
                # Real elapsed time, so a 23- or 25-hour clock-change day counts as it really is.
                available = end_of_day.astimezone(UTC) - cursor.astimezone(UTC)
                if available >= remaining:
                    return (cursor.astimezone(UTC) + remaining).astimezone(self.zone)
                remaining -= available
            day += timedelta(days=1)
            cursor = self._local(day, time(0, 0))
        raise ValueError("no end to the defamation window within ten years; check the closure dates")


def calendar_for(nation: str, closures: Iterable[tuple[date, date]] = (), **kwargs: object) -> WorkingCalendar:
    return WorkingCalendar(nation=nation, closures=tuple(closures), **kwargs)  # type: ignore[arg-type]
