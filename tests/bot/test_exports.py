"""Export details: spreadsheet formulas in public comments are neutralised, and date ranges are UK days."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from bot.exports import local_day_bounds, report_csv, safe_cell
from bot.workflow import WorkflowError


@pytest.mark.parametrize(
    ("value", "cell"),
    [("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"), ("+44 7911", "'+44 7911"),
     ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("plain", "plain"), (None, ""), (12, "12")],
)
def test_csv_cells_never_run_as_formulas(value: object, cell: str) -> None:
    assert safe_cell(value) == cell


def test_date_ranges_are_whole_uk_days() -> None:
    low, high = local_day_bounds(date(2026, 6, 1), date(2026, 6, 1))
    assert low.astimezone(UTC) == datetime(2026, 5, 31, 23, 0, tzinfo=UTC)  # midnight BST
    assert high.astimezone(UTC) == datetime(2026, 6, 1, 23, 0, tzinfo=UTC)
    with pytest.raises(WorkflowError, match="before the start date"):
        local_day_bounds(date(2026, 6, 2), date(2026, 6, 1))


def test_an_empty_report_still_has_the_form_headers() -> None:
    rows = list(csv.reader(io.StringIO(report_csv([]))))
    assert rows[0][:3] == ["SocialGuard case", "School", "Status"] and len(rows) == 1
