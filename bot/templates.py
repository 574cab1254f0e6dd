"""Reply templates: ``<name>.txt`` files with ``{placeholder}`` fields, filled from the school's config and the case.

A template is checked when it is loaded: an unknown placeholder, or a brace that is not a placeholder, is an
error that names the file, so a typo never reaches a parent's comment thread. Lines starting with ``#`` are
notes for whoever edits the file and are never posted.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path

from bot.config import SchoolConfig
from bot.sla import LONDON

#: Every placeholder a template may use, and where its value comes from.
PLACEHOLDERS: Mapping[str, str] = {
    "school_name": "the school's name (config: schools.name)",
    "office_phone": "the school's first official phone number (config: schools.official_phone)",
    "office_email": "the school's first official email address (config: schools.official_email)",
    "complaints_url": "the complaints procedure's address (config: schools.complaints_url)",
    "reason": "why the comment was removed (from the case's category, or --set reason=...)",
    "due_date": "when a full reply is due (from the case's deadline)",
}

#: Plain-language reasons for the removed-comment reply, by case category. They never name anyone.
CATEGORY_REASONS: Mapping[str, str] = {
    "abuse": "it was offensive",
    "threat": "it contained a threat",
    "pupil_identified": "it named a pupil",
    "staff_named": "it named a member of staff",
    "personal_details": "it shared someone's personal details",
    "allegation": "it made allegations about a named person",
    "spam": "it was spam",
}

#: Facebook allows 8,000 characters; a reply longer than this is a template mistake, not a message.
MAX_REPLY_CHARS = 1500


class TemplateError(Exception):
    """A template is missing, malformed or lacks a value. The message names the template and the placeholder."""


@dataclass(frozen=True, slots=True)
class ReplyTemplate:
    name: str
    text: str
    placeholders: frozenset[str]

    def render(self, values: Mapping[str, str]) -> str:
        missing = sorted(p for p in self.placeholders if not values.get(p))
        if missing:
            hints = "; ".join(f"{p}: {PLACEHOLDERS[p]}" for p in missing)
            raise TemplateError(f"reply template {self.name!r} needs a value for {', '.join(missing)} ({hints})")
        for key in self.placeholders:
            if "{" in values[key] or "}" in values[key]:
                raise TemplateError(f"the value for {key} must not contain braces")
        text = self.text.format_map({key: values[key].strip() for key in self.placeholders})
        text = " ".join(text.split())
        if len(text) > MAX_REPLY_CHARS:
            raise TemplateError(f"reply from template {self.name!r} is {len(text)} characters; the most is "
                                f"{MAX_REPLY_CHARS}")
        return text


def builtin_directory() -> Path:
    """``config/templates``, shipped inside the package as ``bot/data/reply_templates``."""
    return Path(str(resources.files("bot").joinpath("data/reply_templates")))


def parse_template(name: str, source: str, *, origin: str) -> ReplyTemplate:
    body = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("#")).strip()
    if not body:
        raise TemplateError(f"{origin}: the template is empty")
    found: set[str] = set()
    try:
        for _literal, field, spec, conversion in string.Formatter().parse(body):
            if field is None:
                continue
            if field not in PLACEHOLDERS or spec or conversion:
                raise TemplateError(f"{origin}: unknown placeholder {{{field}}} (available: "
                                    f"{', '.join('{' + p + '}' for p in PLACEHOLDERS)})")
            found.add(field)
    except ValueError as exc:  # a lone brace
        raise TemplateError(f"{origin}: {exc} (write {{{{ or }}}} for a literal brace)") from None
    return ReplyTemplate(name, body, frozenset(found))


def load_templates(directory: Path | None = None) -> dict[str, ReplyTemplate]:
    """Every ``*.txt`` in ``directory`` (default: the built-in set), by file name without ``.txt``."""
    directory = directory or builtin_directory()
    if not directory.is_dir():
        raise TemplateError(f"{directory}: reply template folder not found (check replies.templates_dir)")
    templates: dict[str, ReplyTemplate] = {}
    for path in sorted(directory.glob("*.txt")):
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise TemplateError(f"{path}: cannot read the template ({exc})") from None
        templates[path.stem] = parse_template(path.stem, source, origin=str(path))
    if not templates:
        raise TemplateError(f"{directory}: no reply templates (*.txt) in this folder")
    return templates


def values_for(school: SchoolConfig, *, category: str, due_at: datetime | None,
               overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Placeholder values from the school's config and the case; ``overrides`` (``--set``) win."""
    values = {
        "school_name": school.name,
        "office_phone": school.official_phone[0] if school.official_phone else "",
        "office_email": school.official_email[0] if school.official_email else "",
        "complaints_url": school.complaints_url or "",
        "reason": CATEGORY_REASONS.get(category, ""),
        "due_date": due_at.astimezone(LONDON).strftime("%A %-d %B") if due_at else "",
    }
    for key, value in (overrides or {}).items():
        if key not in PLACEHOLDERS:
            raise TemplateError(f"unknown placeholder {key!r} (available: {', '.join(PLACEHOLDERS)})")
        values[key] = value
    return values


def render(name: str, values: Mapping[str, str], templates: Mapping[str, ReplyTemplate]) -> str:
    template = templates.get(name)
    if template is None:
        raise TemplateError(f"no reply template {name!r} (available: {', '.join(sorted(templates))})")
    return template.render(values)
