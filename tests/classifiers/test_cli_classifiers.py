"""``socialguard eval`` and ``bench`` via a Typer app built with ``register`` (real encoder, made-up data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bot.cli_classifiers import register, sample_comments
from tests.classifiers.conftest import ROSTER_CSV, STAFF_CSV

CASES_CSV = """\
id,text,abuse,identifies_child,names_staff,personal_details,defamation,safeguarding,needs_response
c1,"Summer Pennyworth was brilliant in the play",0,1,0,0,0,0,0
c2,"Mrs Fairbrother has been stealing from the PTA fund",0,0,1,0,1,0,0
c3,"You lot are useless muppets",1,0,0,0,0,0,0
c4,"Ring me on 07700 900123 about the lift share",0,0,0,1,0,0,0
c5,"My son says a man online keeps asking him for photos",0,0,0,0,0,1,1
c6,"What time does the fair finish?",0,0,0,0,0,0,1
c7,"Lovely summer fair, thank you all",0,0,0,0,0,0,0
"""

SCHOOL_TOML = """\
name = "Brookfield Primary"
aliases = ["Brookfield"]
town = "Marshton"
official_phone = ["0113 496 0999"]
official_email = ["office@brookfield.example.sch.uk"]
"""

DATASET_CSV = """\
text,label,target,source
"you are a useless idiot",OFF,IND,t
"what a fucking joke",OFF,UNT,t
"lovely weather for the match today",NOT,,t
"thanks for the update",NOT,,t
"""


@pytest.fixture(scope="module")
def runner_app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test root."""

    register(app)
    return app


@pytest.fixture
def eval_dir(tmp_path: Path) -> Path:
    (tmp_path / "cases.csv").write_text(CASES_CSV, encoding="utf-8")
    (tmp_path / "roster.csv").write_text(ROSTER_CSV, encoding="utf-8")
    (tmp_path / "staff.csv").write_text(STAFF_CSV, encoding="utf-8")
    (tmp_path / "school.toml").write_text(SCHOOL_TOML, encoding="utf-8")
    (tmp_path / "external").mkdir()
    (tmp_path / "external" / "tiny.csv").write_text(DATASET_CSV, encoding="utf-8")
    return tmp_path


def test_prints_per_label_scores_when_evaluating_cases(runner_app: typer.Typer, eval_dir: Path) -> None:
    result = CliRunner().invoke(
        runner_app,
        [
            "eval",
            "cases",
            str(eval_dir / "cases.csv"),
            "--roster",
            str(eval_dir / "roster.csv"),
            "--staff",
            str(eval_dir / "staff.csv"),
            "--school",
            str(eval_dir / "school.toml"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    labels = json.loads(result.stdout)["labels"]
    assert set(labels) == {
        "abuse",
        "identifies_child",
        "names_staff",
        "personal_details",
        "defamation",
        "safeguarding",
        "needs_response",
    }
    for scores in labels.values():
        assert set(scores) == {"precision", "recall", "f1", "support"}
    assert labels["identifies_child"]["recall"] == 1.0
    assert labels["personal_details"]["recall"] == 1.0


def test_prints_dataset_scores_when_given_positive_values(runner_app: typer.Typer, eval_dir: Path) -> None:
    result = CliRunner().invoke(
        runner_app,
        ["eval", "dataset", str(eval_dir / "external" / "tiny.csv"), "--positive", "OFF", "--json"],
    )
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert set(scores) == {"n", "precision", "recall", "f1", "macro_f1", "roc_auc"}
    assert scores["n"] == 4
    assert scores["roc_auc"] == 1.0


def test_fails_with_the_line_when_a_case_file_is_bad(runner_app: typer.Typer, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,text,abuse\nx1,hello,maybe\n", encoding="utf-8")
    result = CliRunner().invoke(runner_app, ["eval", "cases", str(bad), "--json"])
    assert result.exit_code == 2
    assert "line 2" in result.output


def test_reports_both_rates_when_benchmarking(runner_app: typer.Typer, eval_dir: Path) -> None:
    result = CliRunner().invoke(
        runner_app, ["bench", "classify", "--n", "24", "--data", str(eval_dir), "--json"]
    )
    assert result.exit_code == 0, result.output
    bench = json.loads(result.stdout)
    assert {"pipeline_per_s", "encoder_only_per_s", "ratio", "peak_rss_mb"} <= set(bench)
    assert bench["pipeline_per_s"] > 0 and bench["encoder_only_per_s"] > 0


def test_samples_the_same_comments_when_seeded(eval_dir: Path) -> None:
    assert sample_comments(eval_dir, 10) == sample_comments(eval_dir, 10)
    assert len(sample_comments(eval_dir, 50)) == 50  # more than the pool: drawn with replacement
