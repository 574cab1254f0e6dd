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


#: Below this many columns the comment gets no column of its own: squeezed beside seven others it would
#: wrap one character per line. It is printed under the table instead.
WIDE_CONSOLE = 120


def print_cases(console: Console, rows: list[dict[str, Any]], *, title: str = "Cases", excerpts: dict[int, str] | None = None) -> None:
    if not rows:
        console.print("No cases.")
        return
    inline = excerpts is not None and console.width >= WIDE_CONSOLE
    # A light box: seven columns must fit an 80-column terminal without clipping the platform.
    table = Table(title=title, show_lines=inline, box=box.SIMPLE_HEAD)
    for column in ("id", "platform", "category", "severity", "route", "status", "due (UK)"):
        # Category names are the point of the table: never squeeze them into an ellipsis.
        table.add_column(column, min_width={"category": 16, "platform": 9}.get(column))
    if inline:
        table.add_column("comment (pupil names and personal details redacted)", ratio=1)
    styles = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "green"}
    for row in rows:
        due = "-"
        if row["due_at"]:
            due = datetime.fromisoformat(row["due_at"]).astimezone(LONDON).strftime("%d %b %H:%M")
        cells = [str(row["id"]), row["platform"] or "-", row["category"],
                 f"[{styles.get(row['severity'], '')}]{row['severity']}[/]", row["route"], row["status"], due]
        if inline and excerpts is not None:
            cells.append(escape(excerpts.get(row["id"], "")))
        table.add_row(*cells)
    console.print(table)
    if excerpts is not None and not inline:
        comments = Table.grid(padding=(0, 2), pad_edge=True)
        comments.add_column(justify="right", style="bold")
        comments.add_column(ratio=1)
        for row in rows:
            comments.add_row(str(row["id"]), escape(excerpts.get(row["id"], "")))
        console.print("[bold]Comments[/] (pupil names and personal details redacted)")
        console.print(comments)
