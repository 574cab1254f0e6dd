"""Config loading: the example validates, mistakes name the file, key and problem, secrets stay out."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, SecretStore, load_config

ROOT = Path(__file__).resolve().parents[2]

MINIMAL = """
[[schools]]
slug = "oak-lane"
name = "Oak Lane Primary"
nation = "WLS"
roster = "pupils.csv"

[[schools.accounts]]
platform = "facebook"
external_id = "123"
token_env = "OAK_FB_TOKEN"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "socialguard.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_validates() -> None:
    settings = load_config(ROOT / "config" / "socialguard.example.toml")
    school = settings.schools[0]
    assert school.nation == "ENG"
    assert school.accounts[0].token_env == "SOCIALGUARD_FACEBOOK_PAGE_TOKEN"
    assert school.roster == (ROOT / "config" / "roster.csv").resolve()


def test_relative_paths_resolve_against_the_config_file(tmp_path: Path) -> None:
    settings = load_config(write(tmp_path, MINIMAL))
    assert settings.schools[0].roster == tmp_path / "pupils.csv"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('nation = "WLS"', 'nation = "UK"'), "schools[0].nation: Input should be 'ENG', 'WLS', 'SCT' or 'NIR'"),
        (('platform = "facebook"', 'platform = "myspace"'), "schools[0].accounts[0].platform"),
        (('slug = "oak-lane"', 'slug = "Oak Lane"'), "schools[0].slug"),
        (('external_id = "123"', 'external_id = "123"\npoll_interval_s = 5'), "poll_interval_s: Input should be greater"),
        (('nation = "WLS"', 'nation = "WLS"\ncolour = "blue"'), "schools[0].colour: unknown key"),
        (('token_env = "OAK_FB_TOKEN"', 'token_env = "oak token"'), "schools[0].accounts[0].token_env"),
        (('nation = "WLS"', 'nation = "WLS"\ntimezone = "Mars/Olympus"'), "unknown time zone"),
    ],
)
def test_invalid_config_names_file_key_and_problem(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    path = write(tmp_path, MINIMAL.replace(*change))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_missing_required_key_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"schools\[0\]\.nation: required key is missing"):
        load_config(write(tmp_path, MINIMAL.replace('nation = "WLS"\n', "")))


def test_toml_syntax_error_gives_the_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"TOML syntax error: .*line 3"):
        load_config(write(tmp_path, '[[schools]]\nslug = "a"\nname = \n'))


def test_missing_file_suggests_init(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="socialguard init"):
        load_config(tmp_path / "nope.toml")


def test_secret_in_the_file_is_refused_without_echoing_it(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace('token_env = "OAK_FB_TOKEN"', 'access_token = "EAAGsecretvalue"'))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "schools[0].accounts[0].access_token" in str(info.value)
    assert "environment variable" in str(info.value)
    assert "EAAGsecretvalue" not in str(info.value)


def test_duplicate_accounts_are_refused(tmp_path: Path) -> None:
    doubled = MINIMAL + '\n[[schools.accounts]]\nplatform = "facebook"\nexternal_id = "123"\n'
    with pytest.raises(ConfigError, match="facebook:123 is listed twice"):
        load_config(write(tmp_path, doubled))


def test_secrets_come_from_environment_then_dotenv(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("FROM_FILE=file-value\nBOTH=file\n", encoding="utf-8")
    store = SecretStore(environ={"BOTH": "env"}, dotenv_path=dotenv)
    assert store.get("FROM_FILE", purpose="x").get_secret_value() == "file-value"
    assert store.get("BOTH", purpose="x").get_secret_value() == "env"
    assert "file-value" not in repr(store.get("FROM_FILE", purpose="x"))


def test_missing_secret_names_the_variable(tmp_path: Path) -> None:
    store = SecretStore(environ={}, dotenv_path=None)
    with pytest.raises(ConfigError, match="environment variable OAK_FB_TOKEN is not set"):
        store.get("OAK_FB_TOKEN", purpose="account Oak Lane on Facebook")


YOUTUBE = MINIMAL.replace('platform = "facebook"', 'platform = "youtube"').replace(
    'external_id = "123"\ntoken_env = "OAK_FB_TOKEN"\n',
    'external_id = "UCoaklane000000000000001"\n'
    'oauth_client_id_env = "OAK_YT_CLIENT_ID"\n'
    'oauth_client_secret_env = "OAK_YT_CLIENT_SECRET"\n'
    'oauth_refresh_token_env = "OAK_YT_REFRESH_TOKEN"\n'
    'quota_group = "oak-trust-project"\n',
)


def test_youtube_oauth_keys_validate_without_token_env(tmp_path: Path) -> None:
    account = load_config(write(tmp_path, YOUTUBE)).schools[0].accounts[0]
    assert account.token_env is None and account.has_oauth
    assert account.oauth_refresh_token_env == "OAK_YT_REFRESH_TOKEN" and account.quota_group == "oak-trust-project"


@pytest.mark.parametrize(
    ("dropped", "missing"),
    [
        ('oauth_client_secret_env = "OAK_YT_CLIENT_SECRET"\n', "without oauth_client_secret_env"),
        ('oauth_refresh_token_env = "OAK_YT_REFRESH_TOKEN"\n', "without oauth_refresh_token_env"),
        (
            'oauth_client_id_env = "OAK_YT_CLIENT_ID"\noauth_client_secret_env = "OAK_YT_CLIENT_SECRET"\n',
            "without oauth_client_id_env, oauth_client_secret_env",
        ),
    ],
)
def test_youtube_oauth_keys_must_come_together(tmp_path: Path, dropped: str, missing: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, YOUTUBE.replace(dropped, "")))
    assert "schools[0].accounts[0]" in str(info.value) and missing in str(info.value)
    assert "must be given together or not at all" in str(info.value)


def test_oauth_keys_are_refused_on_platforms_that_do_not_use_them(tmp_path: Path) -> None:
    text = MINIMAL.replace('token_env = "OAK_FB_TOKEN"', 'oauth_refresh_token_env = "OAK_FB_REFRESH"')
    with pytest.raises(ConfigError, match="only used for YouTube accounts"):
        load_config(write(tmp_path, text))


X_OAUTH1 = MINIMAL.replace('platform = "facebook"', 'platform = "x"').replace(
    'external_id = "123"\ntoken_env = "OAK_FB_TOKEN"\n',
    'external_id = "1580000000000000700"\n'
    'x_consumer_key_env = "OAK_X_CONSUMER_KEY"\n'
    'x_consumer_secret_env = "OAK_X_CONSUMER_SECRET"\n'
    'x_access_token_env = "OAK_X_ACCESS_TOKEN"\n'
    'x_access_token_secret_env = "OAK_X_ACCESS_TOKEN_SECRET"\n',
)


def test_x_oauth1_keys_validate_without_token_env(tmp_path: Path) -> None:
    account = load_config(write(tmp_path, X_OAUTH1)).schools[0].accounts[0]
    assert account.token_env is None and account.has_x_oauth1 and not account.has_oauth
    assert account.x_access_token_secret_env == "OAK_X_ACCESS_TOKEN_SECRET"


def test_x_oauth1_keys_may_sit_beside_token_env(tmp_path: Path) -> None:
    text = X_OAUTH1.replace('platform = "x"\n', 'platform = "x"\ntoken_env = "OAK_X_TOKEN"\n')
    account = load_config(write(tmp_path, text)).schools[0].accounts[0]
    assert account.token_env == "OAK_X_TOKEN" and account.has_x_oauth1


@pytest.mark.parametrize(
    ("dropped", "missing"),
    [
        ('x_consumer_secret_env = "OAK_X_CONSUMER_SECRET"\n', "without x_consumer_secret_env"),
        ('x_access_token_secret_env = "OAK_X_ACCESS_TOKEN_SECRET"\n', "without x_access_token_secret_env"),
        (
            'x_consumer_key_env = "OAK_X_CONSUMER_KEY"\nx_consumer_secret_env = "OAK_X_CONSUMER_SECRET"\n',
            "without x_consumer_key_env, x_consumer_secret_env",
        ),
    ],
)
def test_x_oauth1_keys_must_come_together(tmp_path: Path, dropped: str, missing: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, X_OAUTH1.replace(dropped, "")))
    assert "schools[0].accounts[0]" in str(info.value) and missing in str(info.value)
    assert "must be given together or not at all" in str(info.value)


def test_x_oauth1_keys_are_refused_on_other_platforms(tmp_path: Path) -> None:
    text = MINIMAL.replace('token_env = "OAK_FB_TOKEN"', 'x_access_token_env = "OAK_FB_ACCESS"')
    with pytest.raises(ConfigError, match="x_access_token_env: OAuth 1.0a keys are only used for X accounts"):
        load_config(write(tmp_path, text))


def test_x_oauth1_keys_hold_variable_names_not_values(tmp_path: Path) -> None:
    text = X_OAUTH1.replace('"OAK_X_ACCESS_TOKEN"', '"1580000000000000700-AbCdEf"')
    with pytest.raises(ConfigError, match="x_access_token_env"):
        load_config(write(tmp_path, text))
