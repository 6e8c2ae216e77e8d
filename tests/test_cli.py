"""The `chatnext` command, run as a user would: a real process."""

from __future__ import annotations

import getpass
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from chatnext.cli import main, parser
from chatnext.config import load_settings
from chatnext.policy import verify_code
from tests.conftest import free_port
from tests.fake_upstream import FakeUpstream

SECRETS = {"CODE": "family-code-7781", "OPENAI_API_KEY": "sk-server-key-0000111122223333"}


def run(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chatnext", *args],
        cwd=cwd,
        env={"PATH": os.environ["PATH"], **(env or {})},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_serve_defaults() -> None:
    args = parser().parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", None)  # None: PORT, else 3000
    assert load_settings({}, env_file=Path("/nonexistent")).port == 3000
    assert load_settings({"PORT": "8080"}, env_file=Path("/nonexistent")).port == 8080


def test_serve_listens_on_the_port_a_platform_sets(tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "chatnext", "serve"],
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"], "PORT": str(port), "DISABLE_UPDATE_CHECK": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).json()["ok"] is True
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline and proc.poll() is None, "chatnext did not listen on PORT"
                time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(10)


def test_config_prints_everything_with_secrets_masked(tmp_path: Path) -> None:
    result = run(["config"], tmp_path, {**SECRETS, "PROXY_URL": "http://me:pw123@127.0.0.1:9"})
    assert result.returncode == 0
    assert "CODE" in result.stdout and "<1 set, hidden>" in result.stdout
    for secret in (*SECRETS.values(), "pw123"):
        assert secret not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("env", "variable"),
    [({"BASE_URL": "not a url"}, "BASE_URL"), ({"MAX_BODY_BYTES": "lots"}, "MAX_BODY_BYTES")],
)
def test_bad_configuration_stops_start_up_with_one_line(tmp_path: Path, env: dict[str, str], variable: str) -> None:
    result = run(["serve", "--port", str(free_port())], tmp_path, env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and variable in lines[0]


def test_serve_reads_dotenv_and_never_logs_a_secret(tmp_path: Path, upstream: FakeUpstream) -> None:
    (tmp_path / ".env").write_text(
        f"CODE={SECRETS['CODE']}\nOPENAI_API_KEY={SECRETS['OPENAI_API_KEY']}\nBASE_URL={upstream.url}\n"
    )
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "chatnext", "serve", "--port", str(port)],
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"]},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{url}/api/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, "server did not start"
            time.sleep(0.1)
        body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}
        chat = f"{url}/api/openai/v1/chat/completions"
        assert httpx.get(f"{url}/api/config").json()["needCode"] is True
        assert httpx.post(chat, json=body, headers={"Authorization": f"Bearer nk-{SECRETS['CODE']}"}).status_code == 200
        assert httpx.post(chat, json=body, headers={"Authorization": "Bearer nk-guess-1234"}).status_code == 401
        assert httpx.post(chat, json=body, headers={"Authorization": "Bearer sk-users-own-5678"}).status_code == 200
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=15)
    assert upstream.seen[0].headers["Authorization"] == f"Bearer {SECRETS['OPENAI_API_KEY']}"
    assert "got access code: outcome=ok ip=127.0.0.1" in output
    assert "got access code: outcome=wrong ip=127.0.0.1" in output
    for secret in (*SECRETS.values(), "guess-1234", "sk-users-own-5678"):
        assert secret not in output


def pasted_hash(stdout: str) -> str:
    """The hash from the one `hash = "..."` line hash-code prints."""
    (line,) = stdout.splitlines()
    assert line.startswith('hash = "scrypt$') and line.endswith('"')
    return line[len('hash = "') : -1]


@pytest.mark.parametrize("stdin", ["family-code-7781", "family-code-7781\n", "family-code-7781\r\n"])
def test_hash_code_reads_a_piped_line(tmp_path: Path, stdin: str) -> None:
    result = run(["hash-code"], tmp_path, stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert verify_code("family-code-7781", pasted_hash(result.stdout))
    assert "family-code-7781" not in result.stdout + result.stderr


def test_hash_code_takes_the_code_as_an_option(tmp_path: Path) -> None:
    result = run(["hash-code", "--code", "family-code-7781"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert verify_code("family-code-7781", pasted_hash(result.stdout))


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("short7\n", "refusing a code shorter than 8 characters"),
        ("\n", "the code is empty"),
        ("", "no code on standard input"),
        (" family-code-7781\n", "a code cannot start or end with whitespace"),
    ],
)
def test_hash_code_refuses_codes_that_cannot_serve(tmp_path: Path, stdin: str, message: str) -> None:
    result = run(["hash-code"], tmp_path, stdin=stdin)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == result.stderr.strip().splitlines()[0]
    assert message in result.stderr


def test_hash_code_allows_a_short_code_when_told(tmp_path: Path) -> None:
    result = run(["hash-code", "--allow-short"], tmp_path, stdin="short7\n")
    assert result.returncode == 0, result.stderr
    assert verify_code("short7", pasted_hash(result.stdout))


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_hash_code_asks_twice_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(["family-code-7781", "family-code-7781"])
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(getpass, "getpass", lambda prompt: next(answers))
    assert main(["hash-code"]) == 0
    assert verify_code("family-code-7781", pasted_hash(capsys.readouterr().out))


def test_hash_code_refuses_two_different_answers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(["family-code-7781", "family-code-7782"])
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(getpass, "getpass", lambda prompt: next(answers))
    with pytest.raises(SystemExit) as exit_:
        main(["hash-code"])
    assert exit_.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and "the two codes differ" in err
