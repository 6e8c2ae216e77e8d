"""Two chatnext processes behind one address, sharing one Redis.

A brute force spread over both instances is locked out as one; a budget
spent half on each is enforced as one. Real processes (`chatnext serve`),
a real redis-server on 127.0.0.1.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from chatnext.policy import hash_code
from tests.conftest import RedisServer, free_port
from tests.fake_upstream import FakeUpstream

CHAT = "/api/openai/v1/chat/completions"
BODY = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}


@pytest.fixture(scope="module")
def instances(
    redis_server: RedisServer, upstream: FakeUpstream, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[str]]:
    redis_server.flush()
    shared = tmp_path_factory.mktemp("shared")
    policy = shared / "policy.toml"
    policy.write_text(f'[[code]]\nlabel = "team"\nhash = "{hash_code("team-code-42")}"\nrequests_per_minute = 4\n')
    env = {
        "PATH": os.environ["PATH"],
        "BASE_URL": upstream.url,
        "OPENAI_API_KEY": "sk-shared",
        "CODE": "family-code",
        "ACCESS_POLICY_FILE": str(policy),
        "STORE_URL": redis_server.url,
        "SESSION_SECRET": "one-secret-for-both-instances",
        "DISABLE_UPDATE_CHECK": "1",
        "DISABLE_MODEL_FETCH": "1",
    }
    procs, urls = [], []
    for n in range(2):
        port = free_port()
        data = shared / f"instance-{n}"  # nothing shared on disk: only Redis
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "chatnext", "serve", "--port", str(port)],
                env={**env, "DATA_DIR": str(data)},
                cwd=shared,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 20
    for url in urls:
        while True:
            try:
                if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("chatnext instances did not start")
            time.sleep(0.05)
    yield urls
    for proc in procs:
        proc.terminate()
        proc.wait(10)


def chat(url: str, code: str) -> httpx.Response:
    return httpx.post(url + CHAT, json=BODY, headers={"Authorization": f"Bearer nk-{code}"}, timeout=10)


def test_a_brute_force_spread_over_both_is_locked_out(instances: list[str], redis_server: RedisServer) -> None:
    a, b = instances
    statuses = [chat(url, f"guess-{i}").status_code for i, url in enumerate([a, b, a, b, a])]
    assert statuses == [401, 401, 401, 401, 429]
    for url in (a, b):  # locked on both, even for the right code
        reply = chat(url, "family-code")
        assert reply.status_code == 429 and reply.json()["code"] == "access_locked"
    redis_server.flush()  # the next test starts unlocked


def test_a_session_opened_on_one_works_on_the_other(instances: list[str]) -> None:
    a, b = instances
    login = httpx.post(a + "/api/auth", json={"code": "family-code"}, timeout=10)
    cookie = login.cookies["chatnext_session"]
    assert httpx.post(b + CHAT, json=BODY, cookies={"chatnext_session": cookie}, timeout=10).status_code == 200
    httpx.request("DELETE", b + "/api/auth", cookies={"chatnext_session": cookie}, timeout=10)
    refused = httpx.post(a + CHAT, json=BODY, cookies={"chatnext_session": cookie}, timeout=10)
    assert refused.json()["code"] == "session_expired"


def test_a_budget_spent_half_on_each_is_enforced(instances: list[str], upstream: FakeUpstream) -> None:
    a, b = instances
    if time.time() % 60 > 50:  # the per-minute window must not turn over mid-test
        time.sleep(61 - time.time() % 60)
    before = len(upstream.seen)
    statuses = [chat(url, "team-code-42").status_code for url in (a, b, a, b)]
    assert statuses == [200, 200, 200, 200]
    for url in (a, b):
        refused = chat(url, "team-code-42")
        assert refused.status_code == 429 and refused.json()["code"] == "limit_exceeded"
        assert refused.json()["limit"] == "requests_per_minute"
    assert len(upstream.seen) - before == 4  # refused before any upstream call
