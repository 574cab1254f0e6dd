"""Scores the detectors on labelled files: school cases (one column per label) and text/label datasets."""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from classifiers.base import Finding, Label
from classifiers.engine import Analyzer, SchoolProfile
from classifiers.policy import PolicyConfig

#: Case-file column → the finding labels that make a row positive for it.
CASE_COLUMNS: Mapping[str, frozenset[Label]] = {
    "abuse": frozenset({Label.ABUSE, Label.THREAT}),
    "identifies_child": frozenset({Label.PUPIL_IDENTIFIED}),
    "names_staff": frozenset({Label.STAFF_NAMED}),
    "personal_details": frozenset({Label.PERSONAL_DETAILS}),
    "defamation": frozenset({Label.ALLEGATION}),
    "safeguarding": frozenset({Label.SAFEGUARDING}),
    "needs_response": frozenset({Label.NEEDS_RESPONSE}),
}


class EvaluationError(ValueError):
    """A labelled file that cannot be scored; the message names the file and line, never its text."""


@dataclass(frozen=True, slots=True)
class BinaryScores:
    precision: float
    recall: float
    f1: float
    support: int

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "support": self.support,
        }


def binary_scores(gold: Sequence[bool], predicted: Sequence[bool]) -> BinaryScores:
    """Precision, recall and F1 of the positive class; an empty denominator scores 0 (nothing to credit)."""
    tp = sum(g and p for g, p in zip(gold, predicted, strict=True))
    fp = sum(p and not g for g, p in zip(gold, predicted, strict=True))
    fn = sum(g and not p for g, p in zip(gold, predicted, strict=True))
    return scores_from_counts(tp, fp, fn, tp + fn)


def scores_from_counts(tp: float, fp: float, fn: float, support: int) -> BinaryScores:
    """Precision, recall and F1 from (possibly weighted) counts; an empty denominator scores 0."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BinaryScores(precision, recall, f1, support)


def macro_f1(gold: Sequence[bool], predicted: Sequence[bool]) -> float:
    positive = binary_scores(gold, predicted).f1
    negative = binary_scores([not g for g in gold], [not p for p in predicted]).f1
    return (positive + negative) / 2


def roc_auc(gold: Sequence[bool], scores: Sequence[float]) -> float:
    """Area under the ROC curve by the rank-sum formula, ties counted as half. NaN with one class only."""
    y = np.asarray(gold, dtype=bool)
    s = np.asarray(scores, dtype=np.float64)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return math.nan
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s), dtype=np.float64)
    sorted_scores = s[order]
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _read_rows(path: Path, required: Iterable[str]) -> list[dict[str, str]]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise EvaluationError(f"{path}: cannot read file ({exc.strerror})") from None
    with handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in required if c not in header]
        if missing:
            raise EvaluationError(f"{path}: line 1: missing column(s): {', '.join(missing)}")
        try:
            return list(reader)
        except csv.Error as exc:
            raise EvaluationError(f"{path}: line {reader.line_num}: malformed CSV ({exc})") from None


def flagged_labels(findings: Iterable[Finding], policy: PolicyConfig) -> set[Label]:
    """The labels a reviewer would see: findings at or above their label's policy threshold."""
    return {f.label for f in findings if f.score >= policy.threshold(f.label)}


def evaluate_cases(
    cases: Path,
    profile: SchoolProfile,
    *,
    policy: PolicyConfig | None = None,
    analyzer: Analyzer | None = None,
) -> dict[str, BinaryScores]:
    """Per-label scores over a school case file (``id,text,<label columns>``) for the columns it has."""
    policy = policy or PolicyConfig()
    rows = _read_rows(cases, ("text",))
    columns = [c for c in CASE_COLUMNS if rows and c in rows[0]]
    if not columns:
        raise EvaluationError(
            f"{cases}: line 1: no label columns (expected some of {', '.join(CASE_COLUMNS)})"
        )
    if analyzer is None:
        analyzer = Analyzer(profile)
        analyzer.load()
    flagged = [flagged_labels(f, policy) for f in analyzer.analyze_many([r["text"] for r in rows])]
    scores: dict[str, BinaryScores] = {}
    for column in columns:
        gold: list[bool] = []
        for line, row in enumerate(rows, start=2):
            value = (row.get(column) or "").strip()
            if value not in ("0", "1"):
                raise EvaluationError(f"{cases}: line {line}: {column} must be 0 or 1")
            gold.append(value == "1")
        predicted = [bool(labels & CASE_COLUMNS[column]) for labels in flagged]
        scores[column] = binary_scores(gold, predicted)
    return scores


def case_profile(school_toml: Path | None, roster: Path | None, staff: Path | None) -> SchoolProfile:
    """The school TOML (same shape as ``school_dev.toml``) with the roster and staff paths given."""
    profile = SchoolProfile.from_toml(school_toml) if school_toml is not None else SchoolProfile(name="")
    return replace(
        profile,
        roster_path=roster if roster is not None else profile.roster_path,
        staff_path=staff if staff is not None else profile.staff_path,
    )


@dataclass(frozen=True, slots=True)
class DatasetScores:
    n: int
    precision: float
    recall: float
    f1: float
    macro_f1: float
    roc_auc: float

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "n": self.n,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "macro_f1": round(self.macro_f1, 4),
            "roc_auc": None if math.isnan(self.roc_auc) else round(self.roc_auc, 4),
        }


def read_dataset(path: Path, positive: Iterable[str]) -> tuple[list[str], list[bool]]:
    """``text,label,...`` rows; a row is positive when its label is one of ``positive``."""
    wanted = {p.strip() for p in positive if p.strip()}
    if not wanted:
        raise EvaluationError("no positive label values given")
    rows = _read_rows(path, ("text", "label"))
    return [r["text"] for r in rows], [r["label"].strip() in wanted for r in rows]


def score_dataset(gold: Sequence[bool], scores: Sequence[float], predicted: Sequence[bool]) -> DatasetScores:
    binary = binary_scores(gold, predicted)
    return DatasetScores(
        n=len(gold),
        precision=binary.precision,
        recall=binary.recall,
        f1=binary.f1,
        macro_f1=macro_f1(gold, predicted),
        roc_auc=roc_auc(gold, scores),
    )


def evaluate_dataset(
    path: Path, positive: Iterable[str], scorer: Callable[[Sequence[str]], tuple[list[float], list[bool]]]
) -> DatasetScores:
    """Score ``scorer`` (texts → abuse scores and decisions) on a labelled dataset file."""
    texts, gold = read_dataset(path, positive)
    scores, predicted = scorer(texts)
    return score_dataset(gold, scores, predicted)
