"""GET /metrics: hidden unless METRICS_TOKEN is set, then bearer-only."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import pytest

from chatnext import __version__, metrics
from tests.conftest import Server
from tests.test_metrics import check_histogram, parse

Serve = Callable[..., Server]

TOKEN = "scrape-tok-3f9a"


def test_off_by_default_and_indistinguishable_from_an_unknown_path(serve: Serve) -> None:
    unknown = f"/no-such-{secrets.token_hex(4)}"
    with serve().client() as client:
        for method in ("GET", "HEAD", "POST"):
            hidden = client.request(method, "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
            absent = client.request(method, unknown)
            assert (hidden.status_code, hidden.content) == (absent.status_code, absent.content), method
            assert hidden.headers.get("content-type") == absent.headers.get("content-type")
            assert hidden.headers.get("allow") == absent.headers.get("allow")
        r = client.get("/metrics")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert "www-authenticate" not in r.headers


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer wrong-token",
        f"Bearer {TOKEN}x",
        f"Bearer {TOKEN[:-1]}",
        f"Basic {TOKEN}",
        TOKEN,
        "Bearer Ünïcode".encode(),  # non-ASCII must be a 401, not a crash in compare_digest
    ],
)
def test_needs_the_token(serve: Serve, authorization: str | bytes | None) -> None:
    headers: dict[bytes, bytes] = {}
    if authorization is not None:
        headers[b"Authorization"] = authorization.encode() if isinstance(authorization, str) else authorization
    with serve(METRICS_TOKEN=TOKEN).client() as client:
        r = client.get("/metrics", headers=headers)
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    body = r.json()
    assert body["error"] is True and body["code"] == "metrics_unauthorized"
    assert body["msg"] == body["message"]
    assert TOKEN not in r.text
    assert "chatnext_" not in r.text


def test_serves_prometheus_text_with_the_token(serve: Serve) -> None:
    metrics.request_finished("route-test", "m", 200, 3, 4, 0.125, 0.7)
    metrics.lockout()
    with serve(METRICS_TOKEN=TOKEN).client() as client:
        first = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        metrics.lockout()
        # The scheme is case-insensitive (RFC 7235); extra spaces are forgiven.
        second = client.get("/metrics", headers={"Authorization": f"bearer  {TOKEN}"})
    for r in (first, second):
        assert r.status_code == 200
        assert r.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
        assert r.headers["cache-control"] == "no-store"
    s = parse(first.text)
    assert s.get("chatnext_build_info", version=__version__) == 1
    assert s.get("chatnext_requests_total", provider="route-test", status_class="2xx") >= 1
    assert s.get("chatnext_cost_usd_total", provider="route-test") >= 0.125
    check_histogram(s, "chatnext_request_duration_seconds", provider="route-test")
    assert parse(second.text).get("chatnext_lockouts_total") == s.get("chatnext_lockouts_total") + 1


def test_non_ascii_token(serve: Serve) -> None:
    token = "tøken-ünï"
    with serve(METRICS_TOKEN=token).client() as client:
        ok = client.get("/metrics", headers={b"Authorization": f"Bearer {token}".encode()})
        wrong = client.get("/metrics", headers={b"Authorization": "Bearer tøken-üni".encode()})
    assert ok.status_code == 200
    assert wrong.status_code == 401
