"""Deadlines on the UK school calendar, per nation, across holidays, closures and clock changes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.sla import SlaKind, WorkingCalendar

LONDON = ZoneInfo("Europe/London")


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("nation", "received", "due"),
    [
        # A working day: same wall time on the next working day.
        ("ENG", local(2026, 11, 18, 10, 15), local(2026, 11, 19, 10, 15)),
        # Friday → Monday.
        ("ENG", local(2026, 11, 20, 16, 0), local(2026, 11, 23, 16, 0)),
        # Saturday → close of business Monday.
        ("ENG", local(2026, 11, 21, 9, 0), local(2026, 11, 23, 17, 0)),
        # St Andrew's Day (Mon 30 Nov 2026) is a bank holiday in Scotland only.
        ("SCT", local(2026, 11, 27, 11, 0), local(2026, 12, 1, 11, 0)),
        ("ENG", local(2026, 11, 27, 11, 0), local(2026, 11, 30, 11, 0)),
        # Christmas 2026: Fri 25, Sat 26 (Boxing Day), observed Mon 28.
        ("ENG", local(2026, 12, 24, 16, 0), local(2026, 12, 29, 16, 0)),
        ("WLS", local(2026, 12, 25, 12, 0), local(2026, 12, 29, 17, 0)),
        # New Year: Scotland also has 2 January (Sat in 2027 → observed Mon 4 Jan).
        ("ENG", local(2026, 12, 31, 10, 0), local(2027, 1, 4, 10, 0)),
        ("SCT", local(2026, 12, 31, 10, 0), local(2027, 1, 5, 10, 0)),
        # Easter 2027: Good Friday 26 Mar everywhere; Easter Monday 29 Mar not in Scotland.
        ("ENG", local(2027, 3, 25, 9, 30), local(2027, 3, 30, 9, 30)),
        ("SCT", local(2027, 3, 25, 9, 30), local(2027, 3, 29, 9, 30)),
        # St Patrick's Day (Wed 17 Mar 2027) in Northern Ireland only.
        ("NIR", local(2027, 3, 16, 14, 0), local(2027, 3, 18, 14, 0)),
        ("ENG", local(2027, 3, 16, 14, 0), local(2027, 3, 17, 14, 0)),
    ],
)
def test_standard_due_follows_the_nations_working_days(nation: str, received: datetime, due: datetime) -> None:
    assert WorkingCalendar(nation).due_at(received, SlaKind.STANDARD) == due


def test_standard_due_keeps_wall_time_across_the_spring_clock_change() -> None:
    # Thu 25 Mar 2027 is GMT; Good Friday and the weekend follow; Mon 29 Mar (no Easter Monday in Scotland) is
    # BST. 10:00 stays 10:00 on the wall, which is 09:00 UTC.
    due = WorkingCalendar("SCT").due_at(local(2027, 3, 25, 10, 0), SlaKind.STANDARD)
    assert due.astimezone(LONDON) == local(2027, 3, 29, 10, 0)
    assert due.utcoffset() == timedelta(0) and due.hour == 9


def test_standard_due_keeps_wall_time_across_the_autumn_clock_change() -> None:
    due = WorkingCalendar("ENG").due_at(local(2026, 10, 23, 10, 0), SlaKind.STANDARD)
    assert due.astimezone(LONDON) == local(2026, 10, 26, 10, 0)
    assert due.hour == 10  # GMT again


def test_closures_push_the_deadline_past_inset_days() -> None:
    calendar = WorkingCalendar("ENG", closures=((date(2026, 11, 19), date(2026, 11, 20)),))
    assert calendar.due_at(local(2026, 11, 18, 9, 0), SlaKind.STANDARD) == local(2026, 11, 23, 9, 0)
    assert calendar.due_at(local(2026, 11, 19, 9, 0), SlaKind.STANDARD) == local(2026, 11, 23, 17, 0)


def test_safeguarding_is_due_within_the_hour_on_any_day() -> None:
    received = local(2026, 12, 25, 3, 0)
    assert WorkingCalendar("ENG").due_at(received, SlaKind.SAFEGUARDING) == received + timedelta(hours=1)


def test_defamation_counts_48_working_hours() -> None:
    calendar = WorkingCalendar("ENG")
    # Thu 09:00 → 15 h left Thu, 24 h Fri, then Mon 00:00 + 9 h.
    assert calendar.due_at(local(2026, 11, 19, 9, 0), SlaKind.DEFAMATION) == local(2026, 11, 23, 9, 0)
    # Received at the weekend: the clock starts Monday at midnight.
    assert calendar.due_at(local(2026, 11, 21, 12, 0), SlaKind.DEFAMATION) == local(2026, 11, 25, 0, 0)


def test_close_of_business_is_configurable() -> None:
    calendar = WorkingCalendar("ENG", close_of_business=time(15, 30))
    assert calendar.due_at(local(2026, 11, 22, 9, 0), SlaKind.STANDARD) == local(2026, 11, 23, 15, 30)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        WorkingCalendar("ENG").due_at(datetime(2026, 11, 18, 10, 0), SlaKind.STANDARD)


def test_unknown_nation_is_refused() -> None:
    with pytest.raises(ValueError, match="ENG, WLS, SCT, NIR"):
        WorkingCalendar("UK")
