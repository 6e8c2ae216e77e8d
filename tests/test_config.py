"""config.py: NextChat's variables, its semantics, clear failures."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from chatnext.config import VARIABLES, ConfigError, Settings, describe, load_settings

NO_FILE = Path("/nonexistent/.env")


def load(**env: str) -> Settings:
    return load_settings(env, env_file=NO_FILE)


def test_defaults() -> None:
    s = load()
    assert s.base_url == "https://api.openai.com"
    assert s.code == () and s.openai_api_key == ()
    assert s.upstream_timeout == 600 and s.max_body_bytes == 20_000_000
    assert s.default_input_template == "{{input}}"


@pytest.mark.parametrize("value", ["1", "true", "0", "false", "no", "anything"])
def test_booleans_are_any_non_empty_value(value: str) -> None:
    s = load(HIDE_USER_API_KEY=value, DISABLE_GPT4=value, ENABLE_BALANCE_QUERY=value, DISABLE_FAST_LINK=value)
    assert s.hide_user_api_key and s.disable_gpt4 and s.enable_balance_query and s.disable_fast_link


def test_empty_boolean_is_off() -> None:
    assert load(HIDE_USER_API_KEY="").hide_user_api_key is False


def test_lists_are_trimmed_and_empties_dropped() -> None:
    s = load(CODE=" a, b ,,c ,", OPENAI_API_KEY="sk-1,, sk-2 ", VISION_MODELS=",x,")
    assert s.code == ("a", "b", "c")
    assert s.openai_api_key == ("sk-1", "sk-2")
    assert s.vision_models == ("x",)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("api.example.com", "https://api.example.com"),
        ("https://api.example.com/", "https://api.example.com"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        ("https://relay.example.com/openai/", "https://relay.example.com/openai"),
        ("https://relay.example.com/v1", "https://relay.example.com"),
        ("https://relay.example.com/v1/", "https://relay.example.com"),
    ],
)
def test_base_url_is_normalised(raw: str, expected: str) -> None:
    assert load(BASE_URL=raw).base_url == expected


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"BASE_URL": "ftp://example.com"}, "BASE_URL"),
        ({"BASE_URL": "https://"}, "BASE_URL"),
        ({"BASE_URL": "http://host:port"}, "BASE_URL"),
        ({"BASE_URL": "not a url"}, "BASE_URL"),
        ({"AZURE_URL": "::nonsense"}, "AZURE_URL"),
        ({"UPSTREAM_TIMEOUT": "ten"}, "UPSTREAM_TIMEOUT"),
        ({"UPSTREAM_TIMEOUT": "-1"}, "UPSTREAM_TIMEOUT"),
        ({"MAX_BODY_BYTES": "20MB"}, "MAX_BODY_BYTES"),
        ({"MAX_BODY_BYTES": "0"}, "MAX_BODY_BYTES"),
        ({"TRUSTED_PROXIES": "10.0.0.1,nginx"}, "TRUSTED_PROXIES"),
        ({"PROXY_URL": "ftp://proxy:21"}, "PROXY_URL"),
    ],
)
def test_wrong_values_stop_with_one_line_naming_the_variable(env: dict[str, str], names: str) -> None:
    with pytest.raises(ConfigError) as err:
        load(**env)
    message = str(err.value)
    assert message.startswith(f"{names}=")
    assert "\n" not in message


def test_a_bad_secret_is_named_but_not_shown() -> None:
    with pytest.raises(ConfigError) as err:
        load(PROXY_URL="ftp://user:hunter2@proxy")
    assert "PROXY_URL" in str(err.value) and "hunter2" not in str(err.value)


def test_trusted_proxies_and_numbers() -> None:
    s = load(TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8", UPSTREAM_TIMEOUT="2.5", MAX_BODY_BYTES="1024")
    assert s.trusted_proxies == (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.0.0.0/8"))
    assert s.upstream_timeout == 2.5 and s.max_body_bytes == 1024


def test_env_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text('CODE="from-file"\nBASE_URL=file.example.com\n# comment\nDISABLE_GPT4=1\n')
    s = load_settings({"BASE_URL": "env.example.com"}, env_file=env_file)
    assert s.code == ("from-file",)
    assert s.base_url == "https://env.example.com"
    assert s.disable_gpt4


def test_lower_case_proxy_variables_are_honoured() -> None:
    s = load(https_proxy="http://127.0.0.1:3128", no_proxy="localhost,.internal")
    assert s.https_proxy == "http://127.0.0.1:3128"
    assert s.no_proxy == ("localhost", ".internal")


def test_describe_masks_every_secret() -> None:
    s = load(
        OPENAI_API_KEY="sk-abcdefghijklmnop,sk-2",
        CODE="hunter2",
        AZURE_API_KEY="az-secret",
        PROXY_URL="http://user:pa55@proxy.local:3128",
        BASE_URL="https://relay.example.com",
    )
    shown = dict(describe(s))
    text = repr(shown)
    for secret in ("sk-abcdefghijklmnop", "hunter2", "az-secret", "pa55", "user"):
        assert secret not in text
    assert shown["OPENAI_API_KEY"] == "<2 set, hidden>"
    assert shown["PROXY_URL"] == "http://***@proxy.local:3128"
    assert shown["BASE_URL"] == "https://relay.example.com"
    assert set(shown) == {v.name for v in VARIABLES}


def test_every_variable_maps_to_a_setting() -> None:
    fields = set(Settings.__dataclass_fields__)
    # custom_provider_keys holds {NAME}_API_KEY of each CUSTOM_PROVIDERS entry.
    assert {v.attr for v in VARIABLES} | {"custom_provider_keys"} == fields
