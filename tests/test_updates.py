"""The update check: version order, the lazy cached fetch, and GET /api/version."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
from packaging.version import Version

from chatnext import __version__
from chatnext.config import Settings
from chatnext.updates import FAILURE_RETRY, Release, UpdateChecker, is_newer, parse_release, running_in_docker
from chatnext.upstream import UpstreamClient
from tests.conftest import Server, free_port
from tests.fake_proxies import FakeProxy
from tests.fake_upstream import FakeUpstream

Serve = Callable[..., Server]

# (latest, current, update available?)
ORDER = [
    ("0.3.1", "0.3.0", True),
    ("v0.3.1", "0.3.0", True),
    ("0.10.0", "0.9.9", True),  # numeric, not string, order
    ("1.0", "0.99.99", True),
    ("0.3.0", "0.3.0", False),
    ("v0.3.0", "0.3.0", False),
    ("0.3", "0.3.0", False),  # 0.3 == 0.3.0
    ("0.2.9", "0.3.0", False),  # older: never nag
    ("0.3.0rc1", "0.3.0", False),
    ("0.3.0", "0.3.0rc1", True),
    ("0.3.0rc2", "0.3.0rc1", True),
    ("0.3.0b1", "0.3.0a5", True),
    ("0.3.0a1", "0.3.0.dev3", True),
    ("0.3.0.post1", "0.3.0", True),
    ("0.3.0", "0.3.0.post1", False),
    ("0.3.0", "0.3.0.dev0", True),
    ("0.3.0+build.7", "0.3.0", False),  # a build label is not a release (PEP 440 would say newer)
]
UNPARSABLE = [("nightly", "0.3.0"), ("", "0.3.0"), ("0.4.0", "main"), ("release-2024", "0.3.0"), ("latest", "latest")]


@pytest.mark.parametrize(("latest", "current", "newer"), ORDER)
def test_versions_compare_by_number_not_text(latest: str, current: str, newer: bool) -> None:
    assert is_newer(latest, current) is newer
    # The small parser agrees with PEP 440 (packaging is here as pytest's dependency, not chatnext's).
    if "+" not in latest:
        assert (Version(latest) > Version(current)) is newer


@pytest.mark.parametrize(("latest", "current"), UNPARSABLE)
def test_unparsable_versions_never_nag(latest: str, current: str) -> None:
    assert is_newer(latest, current) is False


def test_release_feed_is_read_carefully() -> None:
    release = parse_release(
        {"tag_name": "v0.3.1", "html_url": "https://example.test/r/v0.3.1", "published_at": "2026-01-02T03:04:05Z"}
    )
    assert release == Release("0.3.1", "https://example.test/r/v0.3.1", "2026-01-02T03:04:05Z")
    assert parse_release({"tag_name": "0.3.1", "html_url": "javascript:alert(1)"}).url is None
    bad_feeds: list[object] = [[], {"tag_name": ""}, {"name": "0.3.1"}, {"tag_name": 3}]
    for bad in bad_feeds:
        with pytest.raises(ValueError):
            parse_release(bad)


@pytest.mark.parametrize(
    ("value", "docker"), [("1", True), ("true", True), ("", False), ("0", False), ("false", False), (None, False)]
)
def test_docker_is_what_the_image_says(value: str | None, docker: bool) -> None:
    assert running_in_docker({} if value is None else {"CHATNEXT_DOCKER": value}) is docker


# --- the checker on its own: caching and failures, with the clock in hand ---------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_failed_check_is_harmless_and_retried_later(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr("chatnext.updates.time.monotonic", clock)
    calls: list[str] = []
    answers: list[Release | Exception] = [OSError("refused"), Release("9.0.0", None, None)]

    async def fetch() -> Release:
        calls.append("fetch")
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    checker = UpdateChecker(Settings(update_check_interval=3600), UpstreamClient(Settings()), docker=False)
    monkeypatch.setattr(checker, "_fetch", fetch)

    first = await checker.status()
    assert first["latest"] is None and first["updateAvailable"] is False and first["checkedAt"] is None
    for _ in range(5):
        await checker.status()
    assert calls == ["fetch"]  # the failure is cached too

    clock.now += FAILURE_RETRY
    stale = await checker.status()  # served at once; the retry runs behind it
    assert stale["latest"] is None
    await asyncio.sleep(0)
    assert calls == ["fetch", "fetch"]
    fresh = await checker.status()
    assert fresh["latest"] == "9.0.0" and fresh["updateAvailable"] is True and fresh["checkedAt"] is not None


async def test_a_later_failure_keeps_the_last_good_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr("chatnext.updates.time.monotonic", clock)
    answers: list[Release | Exception] = [Release("9.0.0", "https://x.test/9", None), TimeoutError()]

    async def fetch() -> Release:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    checker = UpdateChecker(Settings(update_check_interval=60), UpstreamClient(Settings()), docker=False)
    monkeypatch.setattr(checker, "_fetch", fetch)
    assert (await checker.status())["latest"] == "9.0.0"
    clock.now += 61
    await checker.status()
    await asyncio.sleep(0)
    after = await checker.status()
    assert after["latest"] == "9.0.0" and after["releaseUrl"] == "https://x.test/9"


async def test_concurrent_first_calls_share_one_fetch(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0

    async def fetch() -> Release:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)
        return Release("0.0.1", None, None)

    checker = UpdateChecker(Settings(), UpstreamClient(Settings()), docker=False)
    monkeypatch.setattr(checker, "_fetch", fetch)
    answers = await asyncio.gather(*(checker.status() for _ in range(10)))
    assert calls == 1
    assert all(a["latest"] == "0.0.1" and a["updateAvailable"] is False for a in answers)


# --- GET /api/version on a real server, against the fake feed ----------------------------


def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def feed_hits(upstream: FakeUpstream) -> int:
    return sum(1 for s in upstream.seen if s.path == "/releases/latest")


def test_newer_release_is_announced_and_the_feed_is_read_once(serve: Serve, upstream: FakeUpstream) -> None:
    server = serve(UPDATE_CHECK_URL=f"{upstream.url}/releases/latest", CODE="secret")
    with server.client() as client:
        answers = [client.get("/api/version") for _ in range(20)]  # no access code needed
    assert {a.status_code for a in answers} == {200}
    version = answers[0].json()
    assert version == {
        "current": __version__,
        "latest": "9.9.9",
        "updateAvailable": True,
        "releaseUrl": "https://github.com/chatnext/chatnext/releases/tag/v9.9.9",
        "publishedAt": "2026-01-15T08:00:00Z",
        "checkedAt": version["checkedAt"],
        "docker": False,
        "checkDisabled": False,
    }
    assert isinstance(version["checkedAt"], int)
    assert all(a.json() == version for a in answers)
    assert feed_hits(upstream) == 1
    assert answers[0].headers["cache-control"] == "no-store"


@pytest.mark.parametrize("tag", [f"v{__version__}", __version__, "v0.0.1", "nightly"])
def test_same_older_or_odd_release_never_nags(serve: Serve, upstream: FakeUpstream, tag: str) -> None:
    upstream.release_tag = tag
    with serve(UPDATE_CHECK_URL=f"{upstream.url}/releases/latest").client() as client:
        version = client.get("/api/version").json()
    assert version["latest"] == tag.removeprefix("v") and version["updateAvailable"] is False


def test_a_stale_answer_is_served_while_the_refresh_runs(serve: Serve, upstream: FakeUpstream) -> None:
    server = serve(UPDATE_CHECK_URL=f"{upstream.url}/releases/latest", UPDATE_CHECK_INTERVAL="0.3")
    with server.client() as client:
        assert client.get("/api/version").json()["latest"] == "9.9.9"
        upstream.release_tag = "v10.0.0"
        wait_for(lambda: client.get("/api/version").json()["latest"] == "10.0.0")
    assert feed_hits(upstream) >= 2


def test_a_broken_feed_is_harmless_and_not_hammered(serve: Serve, upstream: FakeUpstream) -> None:
    upstream.release_tag = ""  # no tag_name: not a release
    with serve(UPDATE_CHECK_URL=f"{upstream.url}/releases/latest").client() as client:
        answers = [client.get("/api/version") for _ in range(10)]
    assert {a.status_code for a in answers} == {200}
    assert answers[-1].json()["latest"] is None and answers[-1].json()["updateAvailable"] is False
    assert feed_hits(upstream) == 1


def test_an_unreachable_feed_answers_quickly(serve: Serve) -> None:
    with serve(UPDATE_CHECK_URL=f"http://127.0.0.1:{free_port()}/releases/latest").client() as client:
        r = client.get("/api/version")
    assert r.status_code == 200 and r.json()["latest"] is None and r.json()["checkDisabled"] is False


@pytest.mark.parametrize("env", [{"DISABLE_UPDATE_CHECK": "1"}, {}])
def test_disabled_check_never_fetches(serve: Serve, upstream: FakeUpstream, env: dict[str, str]) -> None:
    if env:
        env = {**env, "UPDATE_CHECK_URL": f"{upstream.url}/releases/latest"}
    # Without UPDATE_CHECK_URL the test server is started with DISABLE_UPDATE_CHECK (conftest).
    with serve(**env).client() as client:
        version = client.get("/api/version").json()
    assert version["checkDisabled"] is True and version["latest"] is None and version["updateAvailable"] is False
    assert version["current"] == __version__
    assert feed_hits(upstream) == 0


def test_docker_installs_say_so(serve: Serve, upstream: FakeUpstream, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHATNEXT_DOCKER", "1")
    with serve(UPDATE_CHECK_URL=f"{upstream.url}/releases/latest").client() as client:
        assert client.get("/api/version").json()["docker"] is True


def test_the_feed_is_read_through_proxy_url(serve: Serve, upstream: FakeUpstream) -> None:
    proxy = FakeProxy("http").start()
    try:
        with serve(UPDATE_CHECK_URL=f"{upstream.url}/releases/latest", PROXY_URL=proxy.url).client() as client:
            assert client.get("/api/version").json()["latest"] == "9.9.9"
    finally:
        proxy.stop()
    assert any("/releases/latest" in d for d in proxy.destinations), proxy.destinations
