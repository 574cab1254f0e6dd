"""Runs every detector for one school over a comment and returns the findings, with spans into the comment."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from classifiers.abuse import AbuseClassifier
from classifiers.allegation import AllegationClassifier
from classifiers.base import Classifier, Finding
from classifiers.identity import (
    PersonalDetailsClassifier,
    PupilNameClassifier,
    StaffNameClassifier,
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


class Analyzer:
    """All detectors for one school. ``load()`` reads the roster and staff list once (it raises
    :class:`~classifiers.identity.RosterError` for a broken file); ``analyze()`` is then cheap per comment.

    Only the first ``max_chars`` characters are analysed, so a pasted novel costs the same as a long comment;
    findings index into the text exactly as given (the prefix is not altered, only read).
    """

    def __init__(self, profile: SchoolProfile, *, max_chars: int = MAX_ANALYSED_CHARS) -> None:
        self.profile = profile
        # The detectors' own normalisation stops at MAX_ANALYSED_CHARS, so a larger window would be ignored.
        self.max_chars = min(max_chars, MAX_ANALYSED_CHARS)
        self._detectors: tuple[Classifier, ...] = ()

    def load(self) -> None:
        profile = self.profile
        roster = load_roster(profile.roster_path) if profile.roster_path is not None else None
        staff = load_staff(profile.staff_path) if profile.staff_path is not None else None
        safeguarding = SafeguardingClassifier()
        detectors: list[Classifier] = [
            AbuseClassifier(),
            safeguarding,
            AllegationClassifier(staff, school_names=(profile.name, *profile.aliases)),
            PersonalDetailsClassifier(profile.official_phones, profile.official_emails),
            NeedsResponseClassifier(concerns=safeguarding),
        ]
        if roster is not None:
            detectors.append(PupilNameClassifier(roster))
        if staff is not None:
            detectors.append(StaffNameClassifier(staff))
        for detector in detectors:
            detector.load()
        self._detectors = tuple(detectors)

    @property
    def detectors(self) -> tuple[Classifier, ...]:
        return self._detectors

    @property
    def detector_versions(self) -> dict[str, str]:
        """``{detector name: version}`` for recording next to each classification."""
        return {d.name: d.version for d in self._detectors}

    def analyze(self, text: str) -> list[Finding]:
        if not self._detectors:
            self.load()
        # Slicing keeps the prefix byte-for-byte, so spans computed on it are valid in the full text.
        window = text[: self.max_chars]
        findings: list[Finding] = []
        for detector in self._detectors:
            findings.extend(detector.classify(window))
        findings = list(dict.fromkeys(findings))
        findings.sort(key=lambda f: (f.start if f.start is not None else -1, f.label.value))
        return findings
