"""Deadlines on the UK school calendar, per nation, across holidays, closures and clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
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


# -- every nation × every calendar case -------------------------------------------------------------------------

ALL = ("ENG", "WLS", "SCT", "NIR")


def _each(case: str, received: datetime, due: datetime, **per_nation: datetime) -> list[pytest.ParameterSet]:
    """One parameter set per nation: ``due`` unless the nation is named with its own due time."""
    return [pytest.param(n, received, per_nation.get(n, due), id=f"{case}-{n}") for n in ALL]


NATION_MATRIX = [
    # Weekends: Friday → Monday at the same time; Saturday/Sunday → Monday close of business.
    *_each("weekend-friday", local(2026, 11, 20, 16, 0), local(2026, 11, 23, 16, 0)),
    *_each("weekend-saturday", local(2026, 11, 21, 9, 0), local(2026, 11, 23, 17, 0)),
    *_each("weekend-sunday-late", local(2026, 11, 22, 23, 59), local(2026, 11, 23, 17, 0)),
    # Christmas 2026: Fri 25, Sat 26 → Boxing Day substitute Mon 28, everywhere.
    *_each("christmas-2026", local(2026, 12, 24, 16, 0), local(2026, 12, 29, 16, 0)),
    *_each("christmas-day-2026", local(2026, 12, 25, 12, 0), local(2026, 12, 29, 17, 0)),
    # Christmas 2027 falls on a weekend: substitutes Mon 27 and Tue 28.
    *_each("christmas-2027-substitutes", local(2027, 12, 24, 10, 0), local(2027, 12, 29, 10, 0)),
    # New Year 2027: Scotland's 2 January (Sat) → substitute Mon 4 January.
    *_each("new-year-2027", local(2026, 12, 31, 10, 0), local(2027, 1, 4, 10, 0), SCT=local(2027, 1, 5, 10, 0)),
    # New Year 2028 is a Saturday: substitute Mon 3; Scotland's 2 January (Sun) → also Tue 4.
    *_each("new-year-2028-substitutes", local(2027, 12, 31, 10, 0), local(2028, 1, 4, 10, 0),
           SCT=local(2028, 1, 5, 10, 0)),
    # Easter 2027: Good Friday everywhere; Easter Monday everywhere but Scotland.
    *_each("easter-2027", local(2027, 3, 25, 9, 30), local(2027, 3, 30, 9, 30), SCT=local(2027, 3, 29, 9, 30)),
    *_each("easter-monday-2027", local(2027, 3, 29, 9, 30), local(2027, 3, 30, 17, 0),
           SCT=local(2027, 3, 30, 9, 30)),
    # St Andrew's Day: Scotland only. 2026 on a Monday; 2025 on a Sunday → substitute Monday 1 December.
    *_each("st-andrews-2026", local(2026, 11, 27, 11, 0), local(2026, 11, 30, 11, 0), SCT=local(2026, 12, 1, 11, 0)),
    *_each("st-andrews-2025-substitute", local(2025, 11, 28, 11, 0), local(2025, 12, 1, 11, 0),
           SCT=local(2025, 12, 2, 11, 0)),
    # St Patrick's Day: Northern Ireland only. 2027 on a Wednesday; 2024 on a Sunday → substitute Monday 18.
    *_each("st-patricks-2027", local(2027, 3, 16, 14, 0), local(2027, 3, 17, 14, 0), NIR=local(2027, 3, 18, 14, 0)),
    *_each("st-patricks-2024-substitute", local(2024, 3, 15, 14, 0), local(2024, 3, 18, 14, 0),
           NIR=local(2024, 3, 19, 14, 0)),
    # Battle of the Boyne (12 July): Northern Ireland only.
    *_each("boyne-2027", local(2027, 7, 9, 15, 0), local(2027, 7, 12, 15, 0), NIR=local(2027, 7, 13, 15, 0)),
    # Spring clock change (Sun 29 Mar 2026): 10:00 GMT Friday → 10:00 BST Monday, everywhere.
    *_each("spring-forward", local(2026, 3, 27, 10, 0), local(2026, 3, 30, 10, 0)),
    # Received on the clock-change Sunday itself → Monday close of business (BST).
    *_each("spring-forward-sunday", datetime(2026, 3, 29, 1, 30, tzinfo=UTC), local(2026, 3, 30, 17, 0)),
    # Autumn clock change (Sun 25 Oct 2026): 10:00 BST Friday → 10:00 GMT Monday.
    *_each("fall-back", local(2026, 10, 23, 10, 0), local(2026, 10, 26, 10, 0)),
    # During the repeated hour 01:00-02:00 on the autumn Sunday (the second 01:30, GMT) → Monday 17:00 GMT.
    *_each("fall-back-sunday", datetime(2026, 10, 25, 1, 30, tzinfo=UTC), local(2026, 10, 26, 17, 0)),
]


@pytest.mark.parametrize(("nation", "received", "due"), NATION_MATRIX)
def test_standard_due_for_every_nation(nation: str, received: datetime, due: datetime) -> None:
    result = WorkingCalendar(nation).due_at(received, SlaKind.STANDARD)
    assert result == due
    assert result.tzinfo is UTC


@pytest.mark.parametrize("nation", ALL)
def test_closure_dates_apply_in_every_nation(nation: str) -> None:
    # INSET days Thu 19 and Fri 20 Nov 2026.
    inset = WorkingCalendar(nation, closures=((date(2026, 11, 19), date(2026, 11, 20)),))
    assert inset.due_at(local(2026, 11, 18, 9, 0), SlaKind.STANDARD) == local(2026, 11, 23, 9, 0)
    assert inset.due_at(local(2026, 11, 20, 9, 0), SlaKind.STANDARD) == local(2026, 11, 23, 17, 0)
    # Christmas holidays running into the New Year: the first day back is the deadline.
    term = WorkingCalendar(nation, closures=((date(2026, 12, 21), date(2027, 1, 5)),))
    assert term.due_at(local(2026, 12, 18, 15, 0), SlaKind.STANDARD) == local(2027, 1, 6, 15, 0)
    assert term.due_at(local(2026, 12, 22, 15, 0), SlaKind.STANDARD) == local(2027, 1, 6, 17, 0)


def test_a_closure_next_to_st_andrews_day_stacks_in_scotland_only() -> None:
    closures = ((date(2026, 12, 1), date(2026, 12, 1)),)
    assert WorkingCalendar("SCT", closures=closures).due_at(
        local(2026, 11, 27, 11, 0), SlaKind.STANDARD) == local(2026, 12, 2, 11, 0)
    assert WorkingCalendar("ENG", closures=closures).due_at(
        local(2026, 11, 27, 11, 0), SlaKind.STANDARD) == local(2026, 11, 30, 11, 0)


@pytest.mark.parametrize(
    ("nation", "due"),
    [("ENG", local(2027, 3, 31, 9, 0)), ("WLS", local(2027, 3, 31, 9, 0)), ("NIR", local(2027, 3, 31, 9, 0)),
     # Easter Monday is a working day in Scotland: 15 h Thu, then Mon 24 h, then 9 h Tue.
     ("SCT", local(2027, 3, 30, 9, 0))],
)
def test_defamation_window_skips_each_nations_easter(nation: str, due: datetime) -> None:
    # Thu 25 Mar 2027 09:00: 15 h left on Thursday; Good Friday and the weekend (with the spring clock change)
    # do not count.
    assert WorkingCalendar(nation).due_at(local(2027, 3, 25, 9, 0), SlaKind.DEFAMATION) == due


@pytest.mark.parametrize("nation", ALL)
def test_safeguarding_ignores_holidays_and_clock_changes(nation: str) -> None:
    received = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 01:30 BST, just before the clocks go back
    assert WorkingCalendar(nation).due_at(received, SlaKind.SAFEGUARDING) == received + timedelta(hours=1)
