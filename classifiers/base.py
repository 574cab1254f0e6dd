"""The classifier contract: every detector returns :class:`Finding` values with a span and an explanation.

Explanations are shown to staff and copied into alerts, so they never contain the matched text itself
(no pupil names, no phone numbers): "matches pupil on roster (Year 2, no name consent)", "UK mobile number".
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import ClassVar, Protocol, runtime_checkable


class Label(enum.StrEnum):
    """What a finding says about the text. These are also the case categories."""

    ABUSE = "abuse"
    THREAT = "threat"
    PUPIL_IDENTIFIED = "pupil_identified"
    STAFF_NAMED = "staff_named"
    PERSONAL_DETAILS = "personal_details"
    ALLEGATION = "allegation"
    SAFEGUARDING = "safeguarding"
    NEEDS_RESPONSE = "needs_response"
    SPAM = "spam"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a detector found. ``start``/``end`` index into the classified text (``None`` when the finding
    is about the whole text); ``score`` is in [0, 1]. ``attributes`` carries structured, non-identifying facts
    the policy uses (e.g. ``{"name_consent": "no", "role": "headteacher"}``)."""

    label: Label
    score: float
    start: int | None
    end: int | None
    explanation: str
    detector_version: str
    attributes: tuple[tuple[str, str], ...] = field(default=())

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score must be in [0, 1], got {self.score}")
        if (self.start is None) != (self.end is None):
            raise ValueError("start and end must both be set or both be None")
        if self.start is not None and self.end is not None and not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}:{self.end}")

    def attribute(self, key: str, default: str | None = None) -> str | None:
        return dict(self.attributes).get(key, default)


@runtime_checkable
class Classifier(Protocol):
    """A detector. Heavy assets (models, rosters) load in ``load()``, never in ``__init__``."""

    name: ClassVar[str]
    version: ClassVar[str]

    def load(self) -> None: ...

    def classify(self, text: str) -> list[Finding]: ...
