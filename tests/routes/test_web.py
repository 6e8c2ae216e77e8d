"""The page's files: caching, compression, and nothing outside static/."""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable

import pytest

from tests.conftest import Server

Serve = Callable[..., Server]


def test_index_is_revalidated_and_names_hashed_assets(serve: Serve) -> None:
    with serve().client() as client:
        r = client.get("/")
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-cache"
    assert re.search(r'src="/assets/index-[\w-]+\.js"', r.text)


def test_assets_are_immutable_and_gzipped_when_accepted(serve: Serve) -> None:
    with serve().client() as client:
        script = re.search(r'src="(/assets/index-[\w-]+\.js)"', client.get("/").text)
        assert script
        zipped = client.get(script[1], headers={"Accept-Encoding": "gzip"})
        plain = client.get(script[1], headers={"Accept-Encoding": "identity"})
    assert zipped.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["content-type"].startswith("text/javascript")
    assert "content-encoding" not in plain.headers
    assert zipped.content == plain.content  # httpx decodes the gzip body
    assert int(zipped.headers["content-length"]) < len(plain.content) / 2
    assert gzip.decompress(gzip.compress(plain.content)) == plain.content


def test_service_worker_and_manifest(serve: Serve) -> None:
    with serve().client() as client:
        sw = client.get("/sw.js")
        manifest = client.get("/manifest.webmanifest")
    assert sw.status_code == 200 and sw.headers["service-worker-allowed"] == "/"
    assert sw.headers["cache-control"] == "no-cache"
    assert manifest.json()["icons"]


@pytest.mark.parametrize(
    "path", ["/assets/../../config.py", "/assets/%2e%2e/index.html", "/secret.txt", "/assets/nope.js"]
)
def test_nothing_outside_the_built_files(serve: Serve, path: str) -> None:
    with serve().client() as client:
        r = client.get(path)
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"
