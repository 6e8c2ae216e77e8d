"""Streaming through nginx, configured as the FAQ tells users to.

The FAQ's `location` block is taken from docs/faq.en.md as it is written,
put in front of a real chatnext, and a slow answer is streamed through it:
the first words must arrive while the fake upstream is still writing. A
bare `proxy_pass` with nginx's default buffering must stream too, because
chatnext sends `X-Accel-Buffering: no`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import Server, free_port
from tests.fake_upstream import FakeUpstream, Reply

FAQ = Path(__file__).parent.parent / "docs" / "faq.en.md"
CHAT = "/api/openai/v1/chat/completions"


def documented_location() -> str:
    blocks = re.findall(r"```nginx\n(.*?)```", FAQ.read_text(), re.DOTALL)
    location = next(b for b in blocks if b.lstrip().startswith("location / {"))
    assert "proxy_pass http://127.0.0.1:3000;" in location
    return location


def run_nginx(tmp: Path, location: str, chatnext_port: int) -> tuple[subprocess.Popen[bytes], int]:
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise RuntimeError("the nginx test needs nginx: apt-get install -y nginx")
    port = free_port()
    location = location.replace("127.0.0.1:3000", f"127.0.0.1:{chatnext_port}")
    temp = " ".join(f"{kind}_temp_path {tmp}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp / "nginx.conf").write_text(
        f"daemon off; pid {tmp}/nginx.pid; error_log {tmp}/error.log; events {{}}\n"
        f"http {{ access_log off; {temp}\n server {{ listen 127.0.0.1:{port};\n{location}\n }} }}\n"
    )
    proc = subprocess.Popen([binary, "-p", str(tmp), "-c", str(tmp / "nginx.conf")], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1)
            return proc, port
        except httpx.HTTPError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                log = (tmp / "error.log").read_text() if (tmp / "error.log").exists() else ""
                raise RuntimeError(f"nginx did not start: {log[-500:]}") from None
            time.sleep(0.05)


@pytest.fixture(params=["faq snippet", "bare proxy_pass"])
def through_nginx(request: pytest.FixtureRequest, serve: Callable[..., Server], tmp_path: Path) -> Iterator[str]:
    server = serve(OPENAI_API_KEY="sk-server")
    port = int(server.url.rsplit(":", 1)[1])
    location = (
        documented_location()
        if request.param == "faq snippet"
        else ("location / { proxy_pass http://127.0.0.1:3000; }")
    )
    proc, nginx_port = run_nginx(tmp_path, location, port)
    yield f"http://127.0.0.1:{nginx_port}"
    proc.terminate()
    proc.wait(10)


def test_the_first_words_arrive_before_the_upstream_has_finished(through_nginx: str, upstream: FakeUpstream) -> None:
    upstream.replies["gpt-4o-mini"] = Reply("word " * 60, piece=5, delay=0.05)  # about 3 s in all
    body = {"model": "gpt-4o-mini", "stream": True, "messages": [{"role": "user", "content": "hi"}]}
    started = time.monotonic()
    with httpx.Client(timeout=30) as client, client.stream("POST", through_nginx + CHAT, json=body) as reply:
        assert reply.status_code == 200
        chunks = reply.iter_raw()
        for chunk in chunks:
            if b'"content"' in chunk:
                first = time.monotonic() - started
                upstream_done = upstream.seen[-1].finished
                break
        text = chunk + b"".join(chunks)
    assert not upstream_done, "nginx held the stream back until the upstream had finished"
    assert first < 1.5
    assert text.rstrip().endswith(b"data: [DONE]")
