"""Installable and offline: the manifest, its icons, and the service worker's cache rules."""

from __future__ import annotations

import json
import struct
from urllib.parse import urljoin

from playwright.sync_api import BrowserContext, Page, expect

from tests.conftest import Server
from tests.e2e.conftest import ChatApp

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk comes first
    return width, height


def test_manifest_is_valid_and_its_icons_load(page: Page, server: Server) -> None:
    ChatApp(page, server.url).open()
    href = page.locator("link[rel=manifest]").get_attribute("href")
    assert href
    url = urljoin(server.url + "/", href)
    res = page.request.get(url)
    assert res.ok
    assert res.headers["content-type"].startswith(("application/manifest+json", "application/json"))
    manifest = json.loads(res.body())

    assert manifest["name"] and manifest["short_name"]
    assert manifest["display"] in ("standalone", "fullscreen", "minimal-ui")
    start = urljoin(url, manifest["start_url"])
    assert start.startswith(server.url)
    assert page.request.get(start).ok
    sizes = set()
    for icon in manifest["icons"]:
        icon_res = page.request.get(urljoin(url, icon["src"]))
        assert icon_res.ok, icon
        assert icon_res.headers["content-type"] == icon["type"] == "image/png"
        width, height = png_size(icon_res.body())
        assert f"{width}x{height}" == icon["sizes"], icon
        sizes.add(icon["sizes"])
    # What browsers need to offer installation.
    assert {"192x192", "512x512"} <= sizes
    assert any("maskable" in icon.get("purpose", "") for icon in manifest["icons"])


def wait_for_service_worker(page: Page) -> None:
    """Until the worker is active and controls the page (it claims clients on activation)."""
    # wait_for_function has a timeout; awaiting `ready` in evaluate would hang forever
    # if the worker never installed.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15_000)


def test_app_shell_works_offline(page: Page, context: BrowserContext, server: Server) -> None:
    app = ChatApp(page, server.url).open()
    wait_for_service_worker(page)
    scope = page.evaluate("async () => (await navigator.serviceWorker.ready).scope")
    assert scope == server.url + "/"

    context.set_offline(True)
    try:
        page.reload()
        app.wait_ready()
        expect(app.composer).to_be_visible()
        expect(app.page.locator("aside.sidebar .new-chat")).to_be_visible()
        # Sending while offline says so instead of hanging.
        answer = app.ask("Are you there?", status="error")
        expect(answer.locator(".error-headline")).to_have_text(
            "Cannot reach the chatnext server. Check your connection and retry."
        )
    finally:
        context.set_offline(False)
    assert app.errors == []


def test_api_is_never_served_from_the_cache(page: Page, context: BrowserContext, server: Server) -> None:
    ChatApp(page, server.url).open()
    wait_for_service_worker(page)
    # Online, the API answers (and a GET would be the easiest thing to cache).
    online = page.evaluate("async () => (await fetch('/api/config')).ok")
    assert online is True
    cached = page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
            }
            return urls;
        }"""
    )
    assert "/" in cached  # the shell is cached ...
    assert not [u for u in cached if u.startswith("/api")], cached  # ... the API is not

    context.set_offline(True)
    try:
        outcome = page.evaluate(
            """async () => {
                const out = {};
                for (const method of ['GET', 'POST']) {
                    try {
                        const res = await fetch('/api/config', { method });
                        out[method] = 'answered ' + res.status + ' ' + (await res.text()).slice(0, 80);
                    } catch (e) {
                        out[method] = 'failed';
                    }
                }
                return out;
            }"""
        )
    finally:
        context.set_offline(False)
    assert outcome == {"GET": "failed", "POST": "failed"}
