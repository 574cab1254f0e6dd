"""The command line as a user meets it: demo, cases, classify, init, sla and error messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    env = {"SOCIALGUARD_DATABASE_URL": "", "SOCIALGUARD_CONFIG": "", "COLUMNS": "200", **(env or {})}
    return runner.invoke(app, list(args), env=env)


def test_demo_twice_gives_the_same_cases_without_duplicates(db_url: str) -> None:
    first = run("demo", "--database", db_url)
    assert first.exit_code == 0, first.output
    assert "Poll 2:" in first.output and "0 new" in first.output.split("Poll 2:")[1].splitlines()[0]
    assert "[pupil]" in first.output, "redaction placeholders must survive the terminal's markup"
    cases_first = json.loads(run("cases", "list", "--json", "--database", db_url).output)

    second = run("demo", "--database", db_url)
    assert second.exit_code == 0, second.output
    cases_second = json.loads(run("cases", "list", "--json", "--database", db_url).output)

    assert len(cases_first) == len(cases_second) > 0
    keys = {(c["platform"], c["external_id"]) for c in cases_second}
    assert len(keys) == len(cases_second), "one case per item"
    assert {c["platform"] for c in cases_second} == {"facebook", "instagram", "youtube", "x"}
    # Web mentions are local news about the school: stored for the log, but nothing in them breaks the policy.
    new_by_platform = first.output.split("Poll 1:")[1].split("new by platform:")[1].splitlines()[0]
    assert all(f"{p} 0" not in new_by_platform for p in ("facebook", "instagram", "youtube", "x", "web"))
    categories = {c["category"] for c in cases_second}
    assert {"abuse", "pupil_identified", "safeguarding"} <= categories
    for case in cases_second:
        assert {"id", "category", "severity", "status", "due_at", "platform", "external_id"} <= case.keys()


def test_demo_refuses_to_wipe_a_database_that_is_not_a_demo(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'real.db'}"
    assert run("db", "upgrade", "--database", url).exit_code == 0
    result = run("demo", "--database", url)
    assert result.exit_code == 2
    assert "not a SocialGuard demo database" in result.output


def test_classify_json_gives_findings_with_spans() -> None:
    result = run("classify", "--json", "You are a useless idiot", "Ring me on 07911 123456")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [r["text"] for r in data] == ["You are a useless idiot", "Ring me on 07911 123456"]
    assert "abuse" in {f["label"] for f in data[0]["findings"]}
    phone = next(f for f in data[1]["findings"] if f["label"] == "personal_details")
    assert data[1]["text"][phone["start"] : phone["end"]].replace(" ", "") == "07911123456"


def test_init_writes_a_config_that_loads(tmp_path: Path) -> None:
    target = tmp_path / "socialguard.toml"
    assert run("init", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8") == (ROOT / "config" / "socialguard.example.toml").read_text(encoding="utf-8")
    again = run("init", str(target))
    assert again.exit_code == 2 and "already exists" in again.output


def test_bad_config_exits_non_zero_naming_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[schools]]\nslug = "x"\nname = "X"\nnation = "England"\n', encoding="utf-8")
    result = run("poll", "--once", "--config", str(bad), "--database", f"sqlite:///{tmp_path / 'x.db'}")
    assert result.exit_code == 2
    assert "schools[0].nation" in result.output and str(bad) in result.output


def test_poll_without_token_says_which_variable_is_missing(tmp_path: Path) -> None:
    config = tmp_path / "socialguard.toml"
    config.write_text(
        '[[schools]]\nslug = "x"\nname = "X"\nnation = "ENG"\n[[schools.accounts]]\nplatform = "facebook"\n'
        'external_id = "1"\ntoken_env = "SG_TEST_MISSING_TOKEN"\napi_base_url = "http://127.0.0.1:9"\n',
        encoding="utf-8",
    )
    result = run("poll", "--once", "--config", str(config), "--database", f"sqlite:///{tmp_path / 'x.db'}")
    assert result.exit_code == 1
    assert "SG_TEST_MISSING_TOKEN" in result.output


@pytest.mark.parametrize(
    ("received", "nation", "kind", "due"),
    [
        ("2026-12-24T16:00:00+00:00", "ENG", "standard", "2026-12-29T16:00:00+00:00"),
        ("2026-11-27T11:00:00+00:00", "SCT", "standard", "2026-12-01T11:00:00+00:00"),
        ("2026-11-21T10:00:00+00:00", "ENG", "safeguarding", "2026-11-21T11:00:00+00:00"),
    ],
)
def test_sla_due_json(received: str, nation: str, kind: str, due: str) -> None:
    result = run("sla", "due", "--received", received, "--nation", nation, "--kind", kind, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"due_at": due}


def test_every_command_has_help() -> None:
    for args in (["--help"], ["demo", "--help"], ["poll", "--help"], ["cases", "list", "--help"],
                 ["classify", "--help"], ["init", "--help"], ["sla", "due", "--help"], ["audit", "verify", "--help"],
                 ["db", "upgrade", "--help"], ["sandbox", "serve", "--help"]):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        assert "Usage" in result.output
