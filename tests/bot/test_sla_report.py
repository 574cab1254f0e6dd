"""SLA states for one case and the figures across many: median and p95 time to first response, % met, by
category and month (UK time)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.models import Case
from bot.sla_report import SlaState, percentile, sla_figures, sla_state

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)


def case(category: str = "needs_response", *, received: datetime = NOW - timedelta(hours=10),
         due: datetime | None = NOW + timedelta(hours=14), responded: datetime | None = None,
         resolved: datetime | None = None) -> Case:
    return Case(category=category, received_at=received, due_at=due, first_response_at=responded,
                resolved_at=resolved)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, SlaState.ON_TRACK),
        ({"due": NOW + timedelta(minutes=90)}, SlaState.DUE_SOON),
        ({"due": NOW + timedelta(hours=2)}, SlaState.DUE_SOON),
        ({"due": NOW - timedelta(minutes=1)}, SlaState.OVERDUE),
        ({"responded": NOW - timedelta(hours=1)}, SlaState.MET),
        ({"due": NOW - timedelta(hours=2), "responded": NOW - timedelta(hours=1)}, SlaState.MISSED),
        # Closed without a recorded response: judged at the time it closed.
        ({"due": NOW - timedelta(hours=2), "resolved": NOW - timedelta(hours=3)}, SlaState.MET),
        ({"due": None}, None),
    ],
)
def test_sla_state(kwargs: dict[str, datetime | None], expected: SlaState | None) -> None:
    assert sla_state(case(**kwargs), NOW) == expected  # type: ignore[arg-type]


def test_due_soon_window_is_configurable() -> None:
    assert sla_state(case(due=NOW + timedelta(hours=3)), NOW, due_soon=timedelta(hours=4)) is SlaState.DUE_SOON


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 21)]  # 1..20
    assert percentile(values, 0.95) == 19.0
    assert percentile(values, 0.5) == 10.0
    assert percentile([7.0], 0.95) == 7.0
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_figures_by_category_and_uk_month() -> None:
    hours = [1, 2, 3, 4, 30]  # the last one misses its 24-hour deadline
    cases = [case(received=NOW - timedelta(days=3), due=NOW - timedelta(days=2),
                  responded=NOW - timedelta(days=3) + timedelta(hours=h)) for h in hours]
    cases.append(case(due=NOW - timedelta(hours=1)))  # overdue, still open
    cases.append(case())  # on track: not counted either way
    # 23:30 UTC on 31 Oct is still October in London (GMT) - and 23:30 UTC on 31 May 2026 is June (BST).
    cases.append(case("abuse", received=datetime(2026, 5, 31, 23, 30, tzinfo=UTC),
                      due=datetime(2026, 6, 1, 23, 30, tzinfo=UTC), responded=datetime(2026, 6, 1, 9, 0, tzinfo=UTC)))
    cases.append(case("abuse", due=None))  # no deadline: not in the figures
    rows = {(r.category, r.month): r for r in sla_figures(cases, NOW)}
    nov = rows[("needs_response", "2026-11")]
    assert (nov.cases, nov.responded, nov.met, nov.missed, nov.overdue, nov.pending) == (7, 5, 4, 1, 1, 1)
    assert nov.median_response_s == 3 * 3600 and nov.p95_response_s == 30 * 3600
    assert nov.pct_met == pytest.approx(66.7)
    assert ("abuse", "2026-06") in rows and rows[("abuse", "all")].cases == 1
    assert rows[("needs_response", "all")].as_dict()["pct_met"] == nov.pct_met
