"""Security headers on every kind of response, streamed answers included."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from chatnext.config import Settings
from chatnext.security import PERMISSIONS_POLICY, content_security_policy
from tests.conftest import Server
from tests.test_relay import CHAT, chat, content_of, events

Serve = Callable[..., Server]

FIXED = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": PERMISSIONS_POLICY,
}


def directives(csp: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in csp.split(";"):
        name, *values = part.split()
        assert name not in out, f"{name} appears twice"
        out[name] = values
    return out


def assert_secured(r: httpx.Response) -> None:
    for name, value in FIXED.items():
        assert r.headers.get_list(name) == [value], (r.request.url, name)
    assert len(r.headers.get_list("content-security-policy")) == 1
    names = [name.lower() for name, _ in r.headers.multi_items()]
    assert len(names) == len(set(names)), f"a header went out twice: {sorted(names)}"
    csp = directives(r.headers["content-security-policy"])
    assert csp["script-src"] == ["'self'"]  # no inline scripts, no eval, ever
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]


def test_the_page_its_files_and_the_api_carry_every_header(serve: Serve) -> None:
    with serve().client() as client:
        page = client.get("/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        for r in (
            page,
            client.get("/", headers={"Accept-Encoding": "identity"}),
            client.head("/"),
            client.get("/sw.js"),
            client.get("/manifest.webmanifest"),
            client.get("/api/config"),
            client.post("/api/config"),
            client.get("/api/health"),
        ):
            assert r.status_code == 200, r.request.url
            assert_secured(r)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/nope.txt", 404),
        ("GET", "/api/nope", 404),
        ("DELETE", "/api/config", 405),
        ("GET", "/api/openai/v1/secret", 403),  # an error sent by a raw ASGI relay route
    ],
)
def test_errors_carry_every_header(serve: Serve, method: str, path: str, status: int) -> None:
    with serve(OPENAI_API_KEY="sk-good").client() as client:
        r = client.request(method, path)
    assert r.status_code == status
    assert r.json()["error"] is True
    assert_secured(r)


def test_a_streamed_answer_carries_every_header_and_arrives_whole(serve: Serve) -> None:
    with serve(OPENAI_API_KEY="sk-good").client() as client, client.stream("POST", CHAT, json=chat()) as r:
        assert_secured(r)  # the headers are there before the first event
        text = r.read().decode()
    assert r.headers["content-type"].startswith("text/event-stream")
    assert r.headers.get_list("cache-control") == ["no-cache"]
    assert content_of(text) == "Hello from the fake upstream."
    assert events(text)[-1] == "[DONE]"


def test_a_handlers_own_header_is_kept_not_doubled(serve: Serve) -> None:
    with serve().client() as client:
        r = client.get("/sw.js")
    assert r.headers.get_list("cache-control") == ["no-cache"]
    assert r.headers.get_list("vary") == ["Accept-Encoding"]
    assert_secured(r)


def test_the_policy_lets_the_browser_reach_an_own_endpoint_only_when_the_page_offers_one() -> None:
    # With their own key, users may point the browser at their own endpoint (http(s), any host).
    assert directives(content_security_policy(Settings()))["connect-src"] == ["'self'", "https:", "http:"]
    hidden = directives(content_security_policy(Settings(hide_user_api_key=True)))
    assert hidden["connect-src"] == ["'self'"]


def test_the_policy_served_follows_the_settings(serve: Serve) -> None:
    with serve(HIDE_USER_API_KEY="1").client() as client:
        r = client.get("/")
    assert directives(r.headers["content-security-policy"])["connect-src"] == ["'self'"]
    assert "unsafe-eval" not in r.headers["content-security-policy"]
