"""Runs every detector for one school over a comment and returns the findings, with spans into the comment."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from classifiers.abuse import AbuseClassifier, AbuseModel
from classifiers.allegation import AllegationClassifier
from classifiers.base import Classifier, Finding, Label
from classifiers.combine import HeadDetector, is_candidate
from classifiers.encoder import Encoder, shared_encoder
from classifiers.heads import HeadSet, load_heads
from classifiers.identity import (
    PersonalDetailsClassifier,
    PupilNameClassifier,
    StaffNameClassifier,
    UnlistedChildClassifier,
    load_roster,
    load_staff,
)
from classifiers.needs_response import NeedsResponseClassifier
from classifiers.safeguarding import SafeguardingClassifier
from classifiers.text import MAX_ANALYSED_CHARS


@dataclass(frozen=True, slots=True)
class SchoolProfile:
    """What the detectors need to know about one school. Roster and staff paths are optional: without them
    the name detectors are simply not run."""

    name: str
    aliases: tuple[str, ...] = ()
    town: str | None = None
    official_phones: tuple[str, ...] = ()
    official_emails: tuple[str, ...] = ()
    roster_path: Path | None = None
    staff_path: Path | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], *, base_dir: Path | None = None) -> SchoolProfile:
        """Build from a TOML-shaped mapping. Accepts ``official_phone``/``official_phones`` (and the same for
        email) as a string or a list; ``roster``/``staff`` paths are resolved against ``base_dir``."""

        def strings(*keys: str) -> tuple[str, ...]:
            for key in keys:
                value = data.get(key)
                if isinstance(value, str):
                    return (value,)
                if isinstance(value, Sequence):
                    return tuple(str(v) for v in value)
            return ()

        def path(key: str) -> Path | None:
            value = data.get(key) or data.get(f"{key}_path")
            if not isinstance(value, str) or not value:
                return None
            candidate = Path(value)
            return candidate if candidate.is_absolute() or base_dir is None else base_dir / candidate

        town = data.get("town")
        return cls(
            name=str(data.get("name", "")),
            aliases=strings("aliases"),
            town=town if isinstance(town, str) else None,
            official_phones=strings("official_phones", "official_phone"),
            official_emails=strings("official_emails", "official_email"),
            roster_path=path("roster"),
            staff_path=path("staff"),
        )

    @classmethod
    def from_toml(cls, path: Path | str) -> SchoolProfile:
        path = Path(path)
        with path.open("rb") as handle:
            return cls.from_mapping(tomllib.load(handle), base_dir=path.parent)


#: What a model-backed finding says when the head alone flagged the text.
_HEAD_EXPLANATIONS = {
    Label.SAFEGUARDING: "possible safeguarding concern about a child",
    Label.ALLEGATION: "possible allegation of wrongdoing stated as fact",
    Label.NEEDS_RESPONSE: "question, request or complaint to the school",
}


def models_enabled() -> bool:
    """``SOCIALGUARD_MODELS=0`` runs the rules alone (no encoder in memory), e.g. on a very small server."""
    return os.environ.get("SOCIALGUARD_MODELS", "1").strip().lower() not in ("0", "false", "no", "off")


class Analyzer:
    """All detectors for one school. ``load()`` reads the roster and staff list once (it raises
    :class:`~classifiers.identity.RosterError` for a broken file) and the shared encoder and trained heads
    once per process; ``analyze()`` is then cheap per comment, and ``analyze_many()`` batches the encoder.

    Every model-backed detector reads the same embedding: one encoder pass per comment, whatever the number
    of heads. Only the first ``max_chars`` characters are analysed, so a pasted novel costs the same as a
    long comment; findings index into the text exactly as given (the prefix is not altered, only read).
    """

    def __init__(
        self,
        profile: SchoolProfile,
        *,
        max_chars: int = MAX_ANALYSED_CHARS,
        use_models: bool | None = None,
        heads: HeadSet | None = None,
        encoder: Encoder | None = None,
    ) -> None:
        self.profile = profile
        # The detectors' own normalisation stops at MAX_ANALYSED_CHARS, so a larger window would be ignored.
        self.max_chars = min(max_chars, MAX_ANALYSED_CHARS)
        self.use_models = models_enabled() if use_models is None else use_models
        self._heads = heads
        self._encoder = encoder
        self._detectors: tuple[Classifier, ...] = ()
        self._abuse_model: AbuseModel | None = None
        self._head_detectors: tuple[HeadDetector, ...] = ()

    @property
    def encoder(self) -> Encoder | None:
        """The shared encoder, once loaded with models enabled."""
        return self._encoder if self.use_models else None

    def load(self) -> None:
        profile = self.profile
        roster = load_roster(profile.roster_path) if profile.roster_path is not None else None
        staff = load_staff(profile.staff_path) if profile.staff_path is not None else None
        safeguarding = SafeguardingClassifier()
        pupils: PupilNameClassifier | None = None
        if roster is not None:
            staff_names = (n for m in (staff or ()) for n in (m.first_name, m.last_name) if n)
            pupils = PupilNameClassifier(roster, other_names=staff_names)
        detectors: list[Classifier] = [
            AbuseClassifier(),
            safeguarding,
            AllegationClassifier(staff, school_names=(profile.name, *profile.aliases), pupils=pupils),
            PersonalDetailsClassifier(profile.official_phones, profile.official_emails),
            NeedsResponseClassifier(concerns=safeguarding, school_names=(profile.name, *profile.aliases)),
        ]
        if pupils is not None:
            detectors.append(pupils)
        if staff is not None:
            pupil_names = (n for p in (roster or ()) for n in (p.forename, p.preferred or "") if n)
            detectors.append(StaffNameClassifier(staff, pupil_names=pupil_names))
        known = [
            *(n for p in (roster or ()) for n in (p.forename, p.surname, p.preferred or "")),
            *(n for m in (staff or ()) for n in (m.first_name, m.last_name)),
        ]
        classes = (p.reg_group for p in (roster or ()) if p.reg_group)
        detectors.append(UnlistedChildClassifier((n for n in known if n), class_names=classes))
        for detector in detectors:
            detector.load()
        self._detectors = tuple(detectors)
        if self.use_models:
            self._load_models()

    def _load_models(self) -> None:
        heads = self._heads if self._heads is not None else load_heads()
        self._heads = heads
        if self._encoder is None:
            self._encoder = shared_encoder()
        else:
            self._encoder.load()
        abuse = heads.get("abuse")
        rules = next((d for d in self._detectors if isinstance(d, AbuseClassifier)), None)
        self._abuse_model = AbuseModel(abuse, rules) if abuse is not None else None
        if self._abuse_model is not None:
            self._abuse_model.load()
        self._head_detectors = tuple(
            HeadDetector(label, head, explanation)
            for label, explanation in _HEAD_EXPLANATIONS.items()
            if (head := heads.get(label.value)) is not None
        )

    @property
    def detectors(self) -> tuple[Classifier, ...]:
        return self._detectors

    @property
    def detector_versions(self) -> dict[str, str]:
        """``{detector name: version}`` for recording next to each classification."""
        versions = {d.name: d.version for d in self._detectors}
        if self._abuse_model is not None:
            versions[self._abuse_model.name] = self._abuse_model.version
        versions.update({d.name: d.version for d in self._head_detectors})
        if self._abuse_model is not None or self._head_detectors:
            versions["encoder"] = "all-MiniLM-L6-v2"
        return versions

    def analyze(self, text: str) -> list[Finding]:
        return self.analyze_many([text])[0]

    def analyze_many(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Findings for each text, in order. The encoder runs once over the whole batch."""
        return [findings for findings, _ in self.analyze_scored(texts)]

    def analyze_scored(self, texts: Sequence[str]) -> list[tuple[list[Finding], dict[str, float]]]:
        """Findings for each text plus every trained head's calibrated score (0.5 = its decision point),
        keyed by head name ("abuse", "safeguarding", ...); the scores are empty with models disabled."""
        if not self._detectors:
            self.load()
        # Slicing keeps the prefix byte-for-byte, so spans computed on it are valid in the full text.
        windows = [text[: self.max_chars] for text in texts]
        per_text: list[list[Finding]] = []
        for window in windows:
            findings: list[Finding] = []
            for detector in self._detectors:
                findings.extend(detector.classify(window))
            per_text.append(findings)
        scores: list[dict[str, float]] = [{} for _ in windows]
        rule_hits = per_text
        if self.use_models and windows and (self._abuse_model is not None or self._head_detectors):
            per_text, scores = self._apply_models(windows, per_text)
        results = []
        for findings, hits, s in zip(per_text, rule_hits, scores, strict=True):
            # From the rules' own findings: a claim the allegation head gates out still reaches the DSL.
            concerns = _harm_claim_concerns(hits)
            if concerns:
                findings = _reply_to_concerns([*findings, *concerns])
            results.append((_tidy(findings), s))
        return results

    def _apply_models(
        self, windows: list[str], rule_hits: list[list[Finding]]
    ) -> tuple[list[list[Finding]], list[dict[str, float]]]:
        assert self._encoder is not None
        embeddings = self._encoder.encode(windows)
        owned: set[Label] = set()
        combined: list[list[Finding]] = [[] for _ in windows]
        scores: list[dict[str, float]] = [{} for _ in windows]
        if self._abuse_model is not None:
            owned |= self._abuse_model.owns
            abuse = self._abuse_model.scores(windows, embeddings, rule_hits)
            for i, window in enumerate(windows):
                scores[i]["abuse"] = float(abuse[i])
                combined[i].extend(self._abuse_model.combine(window, float(abuse[i]), rule_hits[i]))
        for detector in self._head_detectors:
            owned |= detector.owns
            head = detector.scores(embeddings, rule_hits)
            for i in range(len(windows)):
                scores[i][detector.label.value] = float(head[i])
                combined[i].extend(detector.combine(float(head[i]), rule_hits[i]))
        results: list[list[Finding]] = []
        for hits, extra in zip(rule_hits, combined, strict=True):
            findings = [f for f in hits if f.label not in owned] + extra
            results.append(_reply_to_concerns(findings))
        return results, scores


# The allegation rules' kinds of wrong that put a child at risk.
_HARM_TO_CHILDREN = frozenset({"harm_to_a_child", "sexual_misconduct_towards_children"})


def _harm_claim_concerns(rule_hits: Sequence[Finding]) -> list[Finding]:
    """A claim that an adult harmed a child, or behaves sexually towards children, is a safeguarding matter
    as well as a defamation risk: "Mrs X made my autistic son sit in a cupboard", "word is Mr Y messages
    Year 6 girls on insta". Second-hand or not, the DSL must see it today, so the allegation rules' reading
    of the claim (stated or reported) becomes a safeguarding concern with the same span."""
    concerns: list[Finding] = []
    for finding in rule_hits:
        if finding.label is not Label.ALLEGATION or is_candidate(finding):
            continue
        if finding.attribute("kind") in _HARM_TO_CHILDREN:
            concerns.append(
                Finding(
                    label=Label.SAFEGUARDING,
                    score=0.8 if finding.score >= 0.5 else 0.7,
                    start=finding.start,
                    end=finding.end,
                    explanation="claim that an adult harmed or endangered a child",
                    detector_version=finding.detector_version,
                    attributes=(("kind", "harm_claim"), ("target", finding.attribute("target") or "unknown")),
                )
            )
    return concerns


def _reply_to_concerns(findings: list[Finding]) -> list[Finding]:
    """A parent who discloses a concern is owed a reply, whichever detector found the concern."""
    concern = next((f for f in findings if f.label is Label.SAFEGUARDING and f.score >= 0.5), None)
    if concern is None or any(f.label is Label.NEEDS_RESPONSE and f.score >= 0.5 for f in findings):
        return findings
    return [
        *findings,
        Finding(
            label=Label.NEEDS_RESPONSE,
            score=0.7,
            start=concern.start,
            end=concern.end,
            explanation="disclosure or concern that needs a reply",
            detector_version=concern.detector_version,
            attributes=(("kind", "concern"),),
        ),
    ]


def _tidy(findings: list[Finding]) -> list[Finding]:
    # A rule's candidate is a hint for its trained head; unread (models off, no head) it is not a finding.
    unique = [f for f in dict.fromkeys(findings) if not is_candidate(f)]
    unique.sort(key=lambda f: (f.start if f.start is not None else -1, f.label.value))
    return unique
