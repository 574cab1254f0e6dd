"""``socialguard train``, ``socialguard eval`` and ``socialguard bench``: build and measure the detectors."""

from __future__ import annotations

import csv
import json
import random
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from bot.cli_common import JsonOpt, console, err, fail

eval_app = typer.Typer(help="Score the detectors on labelled data.", no_args_is_help=True)
bench_app = typer.Typer(help="Measure detector throughput and memory.", no_args_is_help=True)

#: Threads for torch and BLAS. Schools' servers and CI runners have two cores.
DEFAULT_THREADS = 2


def register(app: typer.Typer) -> None:
    """Add ``train``, ``eval`` and ``bench`` to the main ``socialguard`` app."""
    app.command("train")(train)
    app.add_typer(eval_app, name="eval")
    app.add_typer(bench_app, name="bench")


def _threads(threads: int) -> None:
    from classifiers.encoder import set_threads

    set_threads(threads)


ThreadsOpt = Annotated[int, typer.Option("--threads", help="CPU threads for the encoder.")]


# -- train ---------------------------------------------------------------------------------------------------


def train(
    external: Annotated[
        Path | None,
        typer.Option(
            "--external",
            help="Directory with olid.csv, davidson.csv, hatexplain.csv [default: ../shared/eval/external].",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Where to write the heads [default: the package's models/].")
    ] = None,
    cache: Annotated[
        Path, typer.Option("--cache", help="Embedding cache for the training texts (git-ignored).")
    ] = Path(".cache/embeddings"),
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Embed everything afresh.")] = False,
    threads: ThreadsOpt = DEFAULT_THREADS,
    as_json: JsonOpt = False,
) -> None:
    """Train the abuse, allegation, safeguarding and needs-response heads (seeded); print the evaluation."""
    from classifiers.training import format_report
    from classifiers.training import train as run_training

    _threads(threads)
    log = (lambda _: None) if as_json else (lambda message: err.print(f"[dim]{escape(message)}[/]"))
    try:
        report = run_training(
            external_dir=external, out_dir=out, cache_dir=None if no_cache else cache, log=log
        )
    except FileNotFoundError as exc:
        raise fail(str(exc)) from None
    if as_json:
        typer.echo(format_report(report))
        return
    table = Table("head", "data", "n", "precision", "recall", "f1", "macro_f1", "roc_auc", box=None)
    for name, scores in report.abuse.items():
        if isinstance(scores, dict):
            table.add_row(
                "abuse",
                name,
                *(_cell(scores.get(k)) for k in ("n", "precision", "recall", "f1", "macro_f1", "roc_auc")),
            )
    for label, chosen in report.school.items():
        scores = chosen["holdout"]
        table.add_row(
            label,
            f"own holdout ({chosen['mode']}, t={chosen['threshold']})",
            *(_cell(scores.get(k)) for k in ("n", "precision", "recall", "f1", "macro_f1", "roc_auc")),
        )
    console.print(table)
    console.print(
        f"abuse threshold {report.abuse['threshold']}; wrote "
        + ", ".join(f"{name} ({size:,} bytes)" for name, size in report.files.items())
        + f" to {escape(str(report.out_dir))}"
    )


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.4f}" if isinstance(value, float) else str(value)


# -- eval ----------------------------------------------------------------------------------------------------


@eval_app.command("cases")
def eval_cases(
    file: Annotated[Path, typer.Argument(help="Case CSV: id,text,abuse,identifies_child,... (0/1 columns).")],
    roster: Annotated[Path | None, typer.Option("--roster", help="Pupil roster CSV.")] = None,
    staff: Annotated[Path | None, typer.Option("--staff", help="Staff list CSV.")] = None,
    school: Annotated[
        Path | None, typer.Option("--school", help="School TOML (name, aliases, official_*).")
    ] = None,
    threads: ThreadsOpt = DEFAULT_THREADS,
    as_json: JsonOpt = False,
) -> None:
    """Precision, recall and F1 per label over a school case file."""
    from classifiers.evaluation import EvaluationError, case_profile, evaluate_cases
    from classifiers.identity import RosterError

    _threads(threads)
    try:
        scores = evaluate_cases(file, case_profile(school, roster, staff))
    except (EvaluationError, RosterError, OSError) as exc:
        raise fail(str(exc)) from None
    payload = {"labels": {label: s.as_dict() for label, s in scores.items()}}
    if as_json:
        typer.echo(json.dumps(payload, indent=2))
        return
    table = Table("label", "precision", "recall", "f1", "support", box=None)
    for label, s in scores.items():
        table.add_row(label, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.support))
    console.print(table)


@eval_app.command("dataset")
def eval_dataset(
    file: Annotated[Path, typer.Argument(help="CSV with text,label,... columns.")],
    positive: Annotated[
        str, typer.Option("--positive", help="Comma-separated label values that count as abuse.")
    ],
    threads: ThreadsOpt = DEFAULT_THREADS,
    as_json: JsonOpt = False,
) -> None:
    """Score the abuse detector on a labelled dataset (e.g. .../external/olid.csv --positive OFF)."""
    from classifiers.evaluation import EvaluationError, evaluate_dataset

    _threads(threads)
    analyzer = _abuse_analyzer()
    try:
        scores = evaluate_dataset(file, positive.split(","), lambda texts: abuse_decisions(analyzer, texts))
    except (EvaluationError, OSError) as exc:
        raise fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps(scores.as_dict(), indent=2))
        return
    for key, value in scores.as_dict().items():
        console.print(f"{key:>10}  {value}")


def _abuse_analyzer() -> Any:
    from classifiers.engine import Analyzer, SchoolProfile

    analyzer = Analyzer(SchoolProfile(name=""))
    analyzer.load()
    return analyzer


def abuse_decisions(analyzer: Any, texts: Sequence[str], batch: int = 256) -> tuple[list[float], list[bool]]:
    """Per text: a ranking score (the head's calibrated score, or the strongest abuse/threat finding with
    the rules alone) and the decision a reviewer sees (an abuse or threat finding over the threshold)."""
    from classifiers.base import Label
    from classifiers.policy import PolicyConfig

    policy = PolicyConfig()
    scores: list[float] = []
    decisions: list[bool] = []
    for first in range(0, len(texts), batch):
        for findings, head_scores in analyzer.analyze_scored(texts[first : first + batch]):
            hits = [f for f in findings if f.label in (Label.ABUSE, Label.THREAT)]
            flagged = any(f.score >= policy.threshold(f.label) for f in hits)
            strongest = max((f.score for f in hits), default=0.0)
            score = head_scores.get("abuse", strongest)
            scores.append(max(score, strongest) if flagged else min(score, strongest) if hits else score)
            decisions.append(flagged)
    return scores, decisions


# -- bench ---------------------------------------------------------------------------------------------------


def sample_comments(eval_dir: Path, n: int, seed: int = 0) -> list[str]:
    """``n`` comments drawn (seeded, with replacement only when the pool is smaller) from the eval CSVs."""
    pool: list[str] = []
    for path in sorted(eval_dir.glob("*.csv")) + sorted((eval_dir / "external").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or "text" not in reader.fieldnames:
                continue
            pool.extend(row["text"] for row in reader if row.get("text"))
    if not pool:
        raise FileNotFoundError(f"{eval_dir}: no CSV with a text column")
    rng = random.Random(seed)
    return rng.sample(pool, n) if n <= len(pool) else [rng.choice(pool) for _ in range(n)]


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # ru_maxrss is bytes on macOS and kibibytes on Linux.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


@bench_app.command("classify")
def bench_classify(
    n: Annotated[int, typer.Option("--n", min=1, help="Comments to classify.")] = 2000,
    data: Annotated[Path, typer.Option("--data", help="Eval directory to sample comments from.")] = Path(
        "../shared/eval"
    ),
    batch: Annotated[int, typer.Option("--batch", min=1, help="Comments per analyze_many call.")] = 64,
    threads: ThreadsOpt = DEFAULT_THREADS,
    as_json: JsonOpt = False,
) -> None:
    """Comments per second through every detector vs through the encoder alone, in the same process."""
    from classifiers.engine import Analyzer, SchoolProfile

    _threads(threads)
    try:
        texts = sample_comments(data, n)
    except (FileNotFoundError, OSError) as exc:
        raise fail(str(exc)) from None
    school_toml = data / "school_dev.toml"
    profile = SchoolProfile.from_toml(school_toml) if school_toml.is_file() else SchoolProfile(name="")
    roster, staff = data / "school_dev_roster.csv", data / "school_dev_staff.csv"
    profile = SchoolProfile(
        name=profile.name,
        aliases=profile.aliases,
        town=profile.town,
        official_phones=profile.official_phones,
        official_emails=profile.official_emails,
        roster_path=roster if roster.is_file() else None,
        staff_path=staff if staff.is_file() else None,
    )
    analyzer = Analyzer(profile, use_models=True)
    analyzer.load()
    encoder = analyzer.encoder
    if encoder is None:
        raise fail("the encoder is disabled (SOCIALGUARD_MODELS=0); nothing to compare against")
    windows = [t[: analyzer.max_chars] for t in texts]
    # Warm both paths once so neither measurement pays first-call costs.
    analyzer.analyze_many(windows[:batch])

    started = time.perf_counter()
    for first in range(0, len(windows), batch):
        encoder.encode(windows[first : first + batch])
    encoder_s = time.perf_counter() - started

    started = time.perf_counter()
    for first in range(0, len(windows), batch):
        analyzer.analyze_many(windows[first : first + batch])
    pipeline_s = time.perf_counter() - started

    result = {
        "n": n,
        "pipeline_per_s": round(n / pipeline_s, 2),
        "encoder_only_per_s": round(n / encoder_s, 2),
        "ratio": round(encoder_s / pipeline_s, 4),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    for key, value in result.items():
        console.print(f"{key:>20}  {value}")
