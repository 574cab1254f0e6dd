"""The case table as people read it: in an 80-column terminal (or a pipe) and in a wide one."""

from __future__ import annotations

import io
import itertools

import pytest
from rich.console import Console

from bot.views import WIDE_CONSOLE, print_cases

ROWS = [
    {"id": 9, "platform": "facebook", "category": "threat", "severity": "critical", "route": "police",
     "status": "new", "due_at": None},
    {"id": 12, "platform": "instagram", "category": "needs_response", "severity": "low",
     "route": "comms_officer", "status": "new", "due_at": "2026-11-23T17:00:00+00:00"},
]
EXCERPTS = {
    9: "Someone should burn that place down with the lot of them inside, every single one of them [x]",
    12: "What time does the Christmas fair start on Saturday? Asking for the whole of [pupil]'s class",
}


def _render(width: int, excerpts: dict[int, str] | None) -> str:
    out = io.StringIO()
    print_cases(Console(file=out, width=width, color_system=None), ROWS, excerpts=excerpts)
    return out.getvalue()


@pytest.mark.parametrize("width", [80, 100, WIDE_CONSOLE, 160])
def test_shows_every_comment_whole_and_no_blank_rows_at_any_width(width: int) -> None:
    text = _render(width, EXCERPTS)
    flat = " ".join(text.split())
    for excerpt in EXCERPTS.values():
        assert " ".join(excerpt.split()) in flat  # wrapped, never cut or squeezed to a column of one letter
    lines = text.splitlines()
    assert all(len(line) <= width for line in lines)
    # The failure this guards against: a comment column squeezed to a letter wide, one letter per line.
    blank_runs = sum(1 for a, b in itertools.pairwise(lines) if not a.strip() and not b.strip())
    assert blank_runs == 0, text
    assert ("comment (pupil names" in text) is (width >= WIDE_CONSOLE)
    assert ("Comments (pupil names" in text) is (width < WIDE_CONSOLE)


def test_keeps_markup_in_a_comment_as_text() -> None:
    assert "[x]" in _render(80, EXCERPTS) and "[x]" in _render(160, EXCERPTS)


def test_says_so_when_there_are_no_cases() -> None:
    out = io.StringIO()
    print_cases(Console(file=out, width=80), [], excerpts={})
    assert out.getvalue().strip() == "No cases."
