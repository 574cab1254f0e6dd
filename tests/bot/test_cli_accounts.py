"""``socialguard accounts``: capabilities tell the truth about each platform; check reports health and tokens."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()

#: From research/platform-apis.md §0: X cannot delete others' posts (hide replies, mute instead); YouTube
#: "delete" is a reject and ban is banAuthor; Instagram has no block or restrict; web mentions are read-only.
TRUTH = {
    "facebook": {"hide": True, "unhide": True, "delete": True, "reply": True, "ban": True},
    "instagram": {"hide": True, "unhide": True, "delete": True, "reply": True, "ban": False},
    "x": {"hide": True, "unhide": True, "delete": False, "reply": True, "ban": True},
    "youtube": {"hide": True, "unhide": True, "delete": True, "reply": True, "ban": True},
    "web": {"hide": False, "unhide": False, "delete": False, "reply": False, "ban": False},
}


def test_capabilities_json_tells_the_truth_for_every_platform() -> None:
    result = runner.invoke(app, ["accounts", "capabilities", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == TRUTH


def test_capabilities_table_explains_the_limits() -> None:
    result = runner.invoke(app, ["accounts", "capabilities"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "Instagram's API has no block or restrict" in result.output


def test_check_reports_a_missing_token_by_variable_name(tmp_path: Path) -> None:
    config = tmp_path / "socialguard.toml"
    config.write_text(
        '[[schools]]\nslug = "x"\nname = "X"\nnation = "ENG"\n[[schools.accounts]]\nplatform = "facebook"\n'
        'external_id = "1"\ntoken_env = "SG_TEST_ABSENT_TOKEN"\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["accounts", "check", "--json", "--config", str(config),
                                 "--database", f"sqlite:///{tmp_path / 'x.db'}"],
                           env={"SOCIALGUARD_DATABASE_URL": "", "SOCIALGUARD_CONFIG": ""})
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert row["health"] == "never polled"
    assert "SG_TEST_ABSENT_TOKEN" in row["token"] and row["token"].startswith("missing")
