"""Shared fixtures: the fake upstream and real chatnext servers on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from chatnext.app import create_app
from chatnext.config import load_settings
from tests.fake_upstream import FakeUpstream

NO_ENV_FILE = Path("/nonexistent/.env")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10, **kwargs)  # type: ignore[arg-type]

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def start_server(env: dict[str, str]) -> Server:
    if "UPDATE_CHECK_URL" not in env:
        # Tests reach 127.0.0.1 only; the default release feed is on the internet.
        env = {"DISABLE_UPDATE_CHECK": "1", **env}
    # Each server keeps its store and generated secret apart from the others'.
    env = {"DATA_DIR": tempfile.mkdtemp(prefix="chatnext-test-"), **env}
    app = create_app(load_settings(env, env_file=NO_ENV_FILE))
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, proxy_headers=False, log_config=None, access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("chatnext did not start")
        time.sleep(0.01)
    return Server(f"http://127.0.0.1:{port}", server, thread)


@dataclass
class RedisServer:
    url: str
    process: subprocess.Popen[bytes]

    def flush(self) -> None:
        subprocess.run(["redis-cli", "-u", self.url, "FLUSHALL"], check=True, capture_output=True)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A real redis-server on 127.0.0.1 (`.ci/run` installs it), nothing saved to disk."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("the Redis tests need redis-server: apt-get install -y redis-server")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("redis-server did not start") from None
            time.sleep(0.02)
    yield RedisServer(f"redis://127.0.0.1:{port}/0", process)
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="session")
def upstream() -> Iterator[FakeUpstream]:
    fake = FakeUpstream().start()
    yield fake
    fake.stop()


@pytest.fixture(autouse=True)
def _fresh_upstream(request: pytest.FixtureRequest) -> None:
    if "upstream" in request.fixturenames:
        request.getfixturevalue("upstream").reset()


@pytest.fixture
def serve(upstream: FakeUpstream) -> Iterator[Callable[..., Server]]:
    """Start chatnext with NextChat-style env vars; BASE_URL defaults to the fake."""
    servers: list[Server] = []

    def start(**env: str) -> Server:
        env.setdefault("BASE_URL", upstream.url)
        server = start_server(env)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
