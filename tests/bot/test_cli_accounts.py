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


def test_check_asks_each_platform_over_http_and_reports_an_expired_token_as_invalid(tmp_path: Path) -> None:
    from connectors.sandbox import Sandbox

    with Sandbox() as sb:
        sb.facebook.add_page("104800000000101", "Oak Lane Primary", "sg-test-fb-valid-token")
        sb.facebook.add_page("104800000000102", "Oak Lane Nursery", "sg-test-fb-stale-token")
        sb.facebook.expire_token("sg-test-fb-stale-token")
        sb.x.add_user("1580000000000000700", "OakLanePrimary", "Oak Lane Primary")
        sb.x.add_oauth1_credentials(
            "1580000000000000700",
            consumer_key="sg-test-ck",
            consumer_secret="sg-test-cs",
            access_token="1580000000000000700-sg-test-at",
            access_token_secret="sg-test-ats",
        )
        account = f'[[schools.accounts]]\napi_base_url = "{sb.url}"\n'
        config = tmp_path / "socialguard.toml"
        config.write_text(
            '[[schools]]\nslug = "oak-lane"\nname = "Oak Lane Primary"\nnation = "ENG"\n'
            + account + 'platform = "facebook"\nexternal_id = "104800000000101"\ntoken_env = "SG_TEST_FB_OK"\n'
            + account + 'platform = "facebook"\nexternal_id = "104800000000102"\ntoken_env = "SG_TEST_FB_OLD"\n'
            + account + 'platform = "x"\nexternal_id = "1580000000000000700"\nsearch = false\n'
            'x_consumer_key_env = "SG_TEST_X_CK"\nx_consumer_secret_env = "SG_TEST_X_CS"\n'
            'x_access_token_env = "SG_TEST_X_AT"\nx_access_token_secret_env = "SG_TEST_X_ATS"\n',
            encoding="utf-8",
        )
        env = {
            "SOCIALGUARD_DATABASE_URL": "",
            "SOCIALGUARD_CONFIG": "",
            "SG_TEST_FB_OK": "sg-test-fb-valid-token",
            "SG_TEST_FB_OLD": "sg-test-fb-stale-token",
            "SG_TEST_X_CK": "sg-test-ck",
            "SG_TEST_X_CS": "sg-test-cs",
            "SG_TEST_X_AT": "1580000000000000700-sg-test-at",
            "SG_TEST_X_ATS": "sg-test-ats",
        }
        result = runner.invoke(app, ["accounts", "check", "--json", "--config", str(config),
                                     "--database", f"sqlite:///{tmp_path / 'x.db'}"], env=env)

    assert result.exit_code == 0, result.output
    valid, expired, x = json.loads(result.output)
    assert valid["token"].startswith("valid: ") and "Oak Lane Primary" in valid["token"]
    assert expired["token"].startswith("INVALID: ") and "the token has expired" in expired["token"]
    assert x["token"].startswith("valid: ") and "do not expire" in x["token"]
    assert not any(secret in result.output for secret in env.values() if secret.startswith(("sg-", "158")))
