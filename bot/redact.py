"""Redaction for anything that leaves the database: alerts, digests and logs never carry pupil names."""

from __future__ import annotations

from collections.abc import Iterable

from bot.models import Item
from classifiers.base import Finding, Label

#: What replaces each kind of span. Staff names stay readable: staff are the audience of every alert.
PLACEHOLDERS: dict[Label, str] = {
    Label.PUPIL_IDENTIFIED: "[pupil]",
    Label.PERSONAL_DETAILS: "[personal details]",
}

EXCERPT_CHARS = 280


def redact(text: str, findings: Iterable[Finding]) -> str:
    """Replace every pupil-name and personal-detail span in ``text`` with a placeholder."""
    spans = sorted(
        (f.start, f.end, PLACEHOLDERS[f.label])
        for f in findings
        if f.label in PLACEHOLDERS and f.start is not None and f.end is not None
    )
    out: list[str] = []
    position = 0
    for start, end, placeholder in spans:
        if end <= position:
            continue  # nested or overlapping span already covered
        start = max(start, position)
        out.append(text[position:start])
        out.append(placeholder)
        position = end
    out.append(text[position:])
    return "".join(out)


def excerpt(text: str | None, findings: Iterable[Finding], *, limit: int = EXCERPT_CHARS) -> str:
    """A redacted, single-line, length-capped excerpt suitable for Slack, Teams and email."""
    if not text:
        return ""
    redacted = " ".join(redact(text, findings).split())
    return redacted if len(redacted) <= limit else redacted[: limit - 1].rstrip() + "…"


_KNOWN_LABELS = frozenset(label.value for label in Label)


def stored_findings(item: Item) -> list[Finding]:
    """The item's stored findings as classifier findings (rows with labels this version no longer knows are
    skipped)."""
    return [
        Finding(label=Label(f.label), score=f.score, start=f.span_start, end=f.span_end,
                explanation=f.explanation, detector_version=f.detector_version)
        for f in item.findings
        if f.label in _KNOWN_LABELS
    ]


def redact_item(item: Item) -> str | None:
    """The stored item's text with pupil names and personal details redacted; ``None`` once erased."""
    return None if item.text is None else redact(item.text, stored_findings(item))
