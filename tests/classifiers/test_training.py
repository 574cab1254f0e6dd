"""``socialguard train`` end to end on a tiny random BERT and tiny external sets: it must write heads the
Analyzer loads, report every head's held-out scores, use its embedding cache, and give the same bytes twice."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from classifiers.encoder import Encoder
from classifiers.engine import Analyzer, SchoolProfile
from classifiers.heads import load_heads
from classifiers.training import EXTERNAL_SETS, _weighted_scores, read_school_examples, train
from tests.classifiers.test_encoder import build_tiny_model

_TEXTS = [
    ("you are a useless idiot", True),
    ("thank you for the lovely trip", False),
    ("what time does school finish?", False),
    ("the head stole money from the fund", False),
    ("idiot teacher", True),
    ("please call me at the office", False),
    ("you idiot", True),
    ("lovely", False),
]
_LABELS = {
    "olid": ("OFF", "NOT"),
    "davidson": ("offensive", "neither"),
    "hatexplain": ("offensive", "normal"),
}


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny-bert-train"))


def _write_external(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, (positive, negative) in _LABELS.items():
        with (directory / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["text", "label"])
            writer.writerows((text, positive if bad else negative) for text, bad in _TEXTS * 3)


def test_reproduces_the_same_artefacts_when_training_twice(tiny_model: Path, tmp_path: Path) -> None:
    external = tmp_path / "external"
    _write_external(external)
    cache = tmp_path / "cache"
    outputs = []
    for run in ("first", "second"):
        out = tmp_path / run
        report = train(external_dir=external, out_dir=out, cache_dir=cache, encoder=Encoder(tiny_model))
        assert set(EXTERNAL_SETS) <= set(report.abuse)
        assert 0.2 <= report.abuse["threshold"] <= 0.8
        assert set(report.school) == {"allegation", "safeguarding", "needs_response"}
        for label, chosen in report.school.items():
            # Each head is scored on the held-out examples rated for its label (blank means never read).
            rated = [e for e in read_school_examples() if e.is_holdout and label in e.labels]
            assert chosen["holdout"]["n"] == len(rated) > 0
        outputs.append(out)
    assert len(list(cache.iterdir())) == len(EXTERNAL_SETS) + 1  # the second run read every embedding back
    for name in ("heads.npz", "manifest.json"):
        assert (outputs[0] / name).read_bytes() == (outputs[1] / name).read_bytes(), name

    manifest = json.loads((outputs[0] / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["training_data"]) == {*EXTERNAL_SETS, "school_examples"}
    assert manifest["evaluation"]["abuse"]["threshold"] == report.abuse["threshold"]


def test_writes_heads_the_analyzer_runs_on_one_encoder_pass(tiny_model: Path, tmp_path: Path) -> None:
    external = tmp_path / "external"
    _write_external(external)
    train(external_dir=external, out_dir=tmp_path / "out", cache_dir=None, encoder=Encoder(tiny_model))
    heads = load_heads(tmp_path / "out")
    assert set(heads.heads) == {"abuse", "allegation", "safeguarding", "needs_response"}
    analyzer = Analyzer(
        SchoolProfile(name="Brookfield Primary"), use_models=True, heads=heads, encoder=Encoder(tiny_model)
    )
    results = analyzer.analyze_scored(["you are a useless idiot", "lovely trip"])
    for _, scores in results:
        assert set(scores) == {"abuse", "allegation", "safeguarding", "needs_response"}
        assert all(np.isfinite(value) and 0.0 <= value <= 1.0 for value in scores.values())


def test_names_the_missing_file_when_an_external_set_is_absent(tiny_model: Path, tmp_path: Path) -> None:
    external = tmp_path / "external"
    _write_external(external)
    (external / "davidson.csv").unlink()
    with pytest.raises(FileNotFoundError, match="davidson.csv"):
        train(external_dir=external, out_dir=tmp_path / "out", cache_dir=None, encoder=Encoder(tiny_model))
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_reads_a_blank_abuse_label_as_unrated_and_names_the_line_of_a_bad_label(tmp_path: Path) -> None:
    path = tmp_path / "examples.csv"
    path.write_text(
        "text,abuse,allegation,safeguarding,needs_response,split\n"
        "Mr Hale swore at the kids,1,0,0,1,train\n"
        "Saw Mr Hale leave the pub at noon on a school day,,1,0,0,holdout\n",
        encoding="utf-8",
    )
    rated, unrated = read_school_examples(path)
    assert rated.labels == {"abuse": True, "allegation": False, "safeguarding": False, "needs_response": True}
    assert "abuse" not in unrated.labels and unrated.labels["allegation"] and unrated.is_holdout
    path.write_text(path.read_text(encoding="utf-8") + "A third row,0,yes,0,0,train\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 4: labels must be 0, 1 or blank"):
        read_school_examples(path)


def test_weights_precision_by_the_label_share_among_real_comments() -> None:
    gold = np.array([True, True, False, False])
    predicted = np.array([True, False, True, False])
    plain = _weighted_scores(gold, predicted, np.ones(4))
    assert (plain.precision, plain.recall) == (0.5, 0.5)
    # Each negative standing for nine comments: one false alarm now outweighs the hit nine to one.
    weighted = _weighted_scores(gold, predicted, np.where(gold, 1.0, 9.0))
    assert (weighted.precision, weighted.recall, weighted.support) == (0.1, 0.5, 2)
