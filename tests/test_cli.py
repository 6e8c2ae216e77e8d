"""The `chatnext` command, run as a user would: a real process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from chatnext.cli import parser
from tests.conftest import free_port
from tests.fake_upstream import FakeUpstream

SECRETS = {"CODE": "family-code-7781", "OPENAI_API_KEY": "sk-server-key-0000111122223333"}


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chatnext", *args],
        cwd=cwd,
        env={"PATH": os.environ["PATH"], **(env or {})},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_serve_defaults() -> None:
    args = parser().parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 3000)


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
