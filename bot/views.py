"""How cases are shown: one summary shape for JSON and tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.models import Case
from bot.sla import LONDON
from classifiers.policy import Severity


def severity_name(value: int) -> str:
    try:
        return Severity(value).name.lower()
    except ValueError:
        return str(value)


def case_summary(case: Case, school_slug: str) -> dict[str, Any]:
    item = case.items[0] if case.items else None
    return {
        "id": case.id,
        "school": school_slug,
        "category": case.category,
        "severity": severity_name(case.severity),
        "status": case.status,
        "route": case.route,
        "proposed_action": case.proposed_action,
        "needs_response": case.needs_response,
        "opened_at": case.opened_at.isoformat(),
        "due_at": case.due_at.isoformat() if case.due_at else None,
        "platform": item.platform if item else None,
        "external_id": item.external_id if item else None,
        "items": len(case.items),
    }


def print_cases(console: Console, rows: list[dict[str, Any]], *, title: str = "Cases", excerpts: dict[int, str] | None = None) -> None:
    # A light box: seven columns must fit an 80-column terminal without clipping the platform.
    table = Table(title=title, show_lines=excerpts is not None, box=box.SIMPLE_HEAD)
    for column in ("id", "platform", "category", "severity", "route", "status", "due (UK)"):
        # Category names are the point of the table: never squeeze them into an ellipsis.
        table.add_column(column, min_width={"category": 16, "platform": 9}.get(column))
    if excerpts is not None:
        table.add_column("comment (pupil names and personal details redacted)", ratio=1)
    styles = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "green"}
    for row in rows:
        due = "-"
        if row["due_at"]:
            due = datetime.fromisoformat(row["due_at"]).astimezone(LONDON).strftime("%d %b %H:%M")
        cells = [str(row["id"]), row["platform"] or "-", row["category"],
                 f"[{styles.get(row['severity'], '')}]{row['severity']}[/]", row["route"], row["status"], due]
        if excerpts is not None:
            cells.append(escape(excerpts.get(row["id"], "")))
        table.add_row(*cells)
    if not rows:
        console.print("No cases.")
        return
    console.print(table)
