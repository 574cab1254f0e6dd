"""Combines a rule detector with its trained head on the shared embedding into one label's final findings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np

from classifiers.base import Finding, Label
from classifiers.heads import Array, Head

#: Labels whose strongest rule score feeds the school heads (after the embedding). Pupil and staff names
#: are left out on purpose: they depend on the school's lists, which the training examples do not have.
RULE_LABELS = (Label.ABUSE, Label.THREAT, Label.ALLEGATION, Label.SAFEGUARDING, Label.NEEDS_RESPONSE)
SCHOOL_FEATURES = ("embedding", *(f"rule_{label.value}" for label in RULE_LABELS))

#: How rules and head are joined, chosen per head by ``socialguard train`` on held-out examples.
#: ``or``: either flags the text (recall first); ``gate``: a rule hit stands only if the head agrees or the
#: hit is strong, and the head alone may flag the text.
MODES = ("or", "gate")
# A rule hit this strong stands even in "gate" mode: the rules' most specific patterns.
_STRONG_RULE = 0.85


def rule_vector(findings: Sequence[Finding]) -> list[float]:
    return [max((f.score for f in findings if f.label is label), default=0.0) for label in RULE_LABELS]


def school_features(embeddings: Array, rule_hits: Sequence[Sequence[Finding]]) -> Array:
    rules = np.array([rule_vector(hits) for hits in rule_hits], dtype=np.float32).reshape(
        -1, len(RULE_LABELS)
    )
    return np.hstack([embeddings, rules]).astype(np.float32)


class HeadDetector:
    """One label's trained head on the shared embedding plus that label's rule findings.

    Rule findings keep their spans; a text the head flags with no rule span gets one whole-text finding
    (``start``/``end`` None) whose explanation says it came from the model. Two trained cut-offs: the head's
    threshold (score 0.5) backs a rule hit; ``info["alone"]`` (at least 0.5) flags a text no rule marked.
    A third, ``info["targeted"]`` (between the two), reads a rule's *candidate*: a subject the rules found
    with no wording they know ("saw Mr X coming out the bookies at half ten"); the finding keeps the
    subject's span. In "gate" mode a weak rule hit the head does not back drops below the policy threshold;
    a strong one stands either way. A rule finding marked ``("framing", "reported")`` (hearsay, a
    newspaper's claim) means the rules read the claim and found it second-hand, so the head alone does not
    flag that comment.
    """

    owns: frozenset[Label]
    kind: ClassVar[str] = "model"

    def __init__(self, label: Label, head: Head, explanation: str) -> None:
        self.label = label
        self.owns = frozenset({label})
        self.name = f"{label.value}_model"
        self.version = f"{label.value}_model-{head.info.get('version', '0')}"
        self.mode = str(head.info.get("mode", "or"))
        #: The score the model needs on its own, with no rule span: at least the 0.5 that backs a rule.
        self.alone = max(0.5, float(head.info.get("alone", 0.5)))
        #: With a rule candidate (a subject but no wording the rules know), the model's own cut-off.
        self.targeted = min(self.alone, max(0.5, float(head.info.get("targeted", self.alone))))
        if self.mode not in MODES:
            raise ValueError(f"unknown combination mode {self.mode!r} for head {head.name}")
        self._head = head
        self._explanation = explanation

    def load(self) -> None:
        """The head's arrays are already in memory; the shared encoder is loaded by the Analyzer."""

    def scores(self, embeddings: Array, rule_hits: Sequence[Sequence[Finding]]) -> Array:
        return self._head.score(school_features(embeddings, rule_hits))

    def combine(self, score: float, rule_hits: Sequence[Finding]) -> list[Finding]:
        own = [f for f in rule_hits if f.label is self.label and not is_candidate(f)]
        candidates = [f for f in rule_hits if f.label is self.label and is_candidate(f)]
        flagged = [f for f in own if f.score >= 0.5]
        if score >= 0.5 and flagged:
            return own
        if candidates and score >= self.targeted:
            # The rules found the subject, the model reads the claim: the finding keeps the subject's span.
            return [*own, self._backed(candidates[0], score)]
        if score >= self.alone and not any(("framing", "reported") in f.attributes for f in own):
            # With no rule span to show, the model needs its own, higher confidence.
            return [*own, self._whole_text(score)]
        if self.mode == "or":
            return own
        return [f if f.score >= _STRONG_RULE else _capped(f, 0.45) for f in own]

    def _backed(self, candidate: Finding, score: float) -> Finding:
        """The candidate's span, scored so that the ``targeted`` cut-off meets the policy's 0.5."""
        cut = self.targeted
        scaled = 0.5 + 0.5 * (score - cut) / (1.0 - cut) if cut < 1.0 else 1.0
        return Finding(
            label=self.label,
            score=float(min(max(scaled, 0.5), 1.0)),
            start=candidate.start,
            end=candidate.end,
            explanation=f"{candidate.explanation} (trained model)",
            detector_version=self.version,
            attributes=tuple(a for a in candidate.attributes if a[0] != "framing") + (("framing", "model"),),
        )

    def _whole_text(self, score: float) -> Finding:
        return Finding(
            label=self.label,
            score=float(min(max(score, 0.0), 1.0)),
            start=None,
            end=None,
            explanation=f"{self._explanation} (trained model)",
            detector_version=self.version,
            attributes=(("kind", self.kind),),
        )


def is_candidate(finding: Finding) -> bool:
    """A rule's hint for its trained head (a subject with no wording the rules know); never shown alone."""
    return ("framing", "candidate") in finding.attributes


def _capped(finding: Finding, ceiling: float) -> Finding:
    return Finding(
        label=finding.label,
        score=min(finding.score, ceiling),
        start=finding.start,
        end=finding.end,
        explanation=finding.explanation,
        detector_version=finding.detector_version,
        attributes=finding.attributes,
    )
