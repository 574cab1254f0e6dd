"""Response-deadline states for each case and the figures for the governors: median and p95 time to first
response, and the share of deadlines met, by category and month (UK time)."""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from bot.models import Case
from bot.sla import LONDON

DEFAULT_DUE_SOON = timedelta(hours=2)


class SlaState(enum.StrEnum):
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET = "met"
    MISSED = "missed"


def sla_state(case: Case, now: datetime, *, due_soon: timedelta = DEFAULT_DUE_SOON) -> SlaState | None:
    """Where ``case`` stands against its deadline; ``None`` when it has none (nothing needs a reply).

    The clock stops at the first response (an acknowledgement counts). A case closed without one is judged at
    the time it closed.
    """
    if case.due_at is None:
        return None
    responded_at = case.first_response_at or case.resolved_at
    if responded_at is not None:
        return SlaState.MET if responded_at <= case.due_at else SlaState.MISSED
    if now > case.due_at:
        return SlaState.OVERDUE
    if case.due_at - now <= due_soon:
        return SlaState.DUE_SOON
    return SlaState.ON_TRACK


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: a value that actually occurred, which is what a reader of "p95" expects."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class SlaFigures:
    """One row of the report. Times are seconds; ``pct_met`` counts met against met + missed + overdue (open
    cases still within their deadline are not counted either way)."""

    category: str
    month: str  # YYYY-MM in UK time, or "all"
    cases: int
    responded: int
    median_response_s: float | None
    p95_response_s: float | None
    met: int
    missed: int
    overdue: int
    pending: int
    pct_met: float | None

    def as_dict(self) -> dict[str, object]:
        return {
            "category": self.category, "month": self.month, "cases": self.cases, "responded": self.responded,
            "median_response_s": self.median_response_s, "p95_response_s": self.p95_response_s,
            "met": self.met, "missed": self.missed, "overdue": self.overdue, "pending": self.pending,
            "pct_met": self.pct_met,
        }


def _figures(category: str, month: str, cases: Sequence[Case], now: datetime, due_soon: timedelta) -> SlaFigures:
    times = [(c.first_response_at - c.received_at).total_seconds() for c in cases if c.first_response_at]
    states = [sla_state(c, now, due_soon=due_soon) for c in cases]
    met = states.count(SlaState.MET)
    missed = states.count(SlaState.MISSED)
    overdue = states.count(SlaState.OVERDUE)
    pending = states.count(SlaState.ON_TRACK) + states.count(SlaState.DUE_SOON)
    judged = met + missed + overdue
    return SlaFigures(
        category=category, month=month, cases=len(cases), responded=len(times),
        median_response_s=float(median(times)) if times else None,
        p95_response_s=percentile(times, 0.95) if times else None,
        met=met, missed=missed, overdue=overdue, pending=pending,
        pct_met=round(100.0 * met / judged, 1) if judged else None,
    )


def sla_figures(cases: Iterable[Case], now: datetime, *, due_soon: timedelta = DEFAULT_DUE_SOON) -> list[SlaFigures]:
    """Figures by (category, month received), then by category over all months, for cases with a deadline."""
    by_month: dict[tuple[str, str], list[Case]] = {}
    by_category: dict[str, list[Case]] = {}
    for case in cases:
        if case.due_at is None:
            continue
        month = case.received_at.astimezone(LONDON).strftime("%Y-%m")
        by_month.setdefault((case.category, month), []).append(case)
        by_category.setdefault(case.category, []).append(case)
    rows = [_figures(category, month, group, now, due_soon) for (category, month), group in sorted(by_month.items())]
    rows += [_figures(category, "all", group, now, due_soon) for category, group in sorted(by_category.items())]
    return rows
