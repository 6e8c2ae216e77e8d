"""The page works under its Content-Security-Policy: nothing it does is blocked.

Every violation the page sees is collected from the first script on, and so
is any console complaint about the policy. Then the things that need the most
from a policy (formulas, diagrams, highlighting, copying, settings, the PNG
export) run, and nothing may have been reported. A last check shows the
policy really is enforced, so "no violations" means something.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.conftest import Server
from tests.e2e.conftest import ChatApp, download
from tests.fake_upstream import FakeUpstream, Reply

MODEL = "gpt-4o-mini"

ANSWER = """\
A formula, $a^2 + b^2 = c^2$, and on its own line:

$$x^2$$

```python
def square(x):
    return x ** 2
```

```mermaid
flowchart LR
    A[Ask] --> B[Answer]
```

A picture from elsewhere: ![remote]({image})
"""

# Kept in the page, and reported out as well: a reload starts a new window.
COLLECT = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
    const v = {
        directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile,
        line: e.lineNumber, sample: e.sample,
    };
    window.__cspViolations.push(v);
    window.__reportCspViolation(v);
});
"""

# Chromium's own words when a policy blocks something or cannot be parsed.
COMPLAINTS = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy", "Permissions policy")


class Watched:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        self.reported: list[dict[str, Any]] = []
        page.on("console", self._console)
        page.expose_function("__reportCspViolation", lambda v: self.reported.append(v))
        page.add_init_script(COLLECT)

    def _console(self, msg: ConsoleMessage) -> None:
        if any(word in msg.text for word in COMPLAINTS):
            self.console.append(f"{msg.type}: {msg.text}")

    def violations(self) -> list[dict[str, Any]]:
        """Every violation since the first page load; the current page's list must agree."""
        here: list[dict[str, Any]] = self.page.evaluate("() => window.__cspViolations")
        assert all(v in self.reported for v in here)
        return self.reported


@pytest.fixture
def watched(page: Page) -> Iterator[Watched]:
    yield Watched(page)


def test_the_page_is_served_with_the_policy(page: Page, server: Server, watched: Watched) -> None:
    response = page.goto(server.url + "/")
    assert response is not None and response.ok
    csp = response.headers["content-security-policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";")}
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert response.headers["x-frame-options"] == "DENY"
    ChatApp(page, server.url).wait_ready()
    # The browser applies the permissions policy: off what is turned off, copying kept.
    allows = page.evaluate(
        "() => Object.fromEntries(['clipboard-write', 'camera', 'microphone', 'geolocation']"
        ".map((f) => [f, document.featurePolicy.allowsFeature(f)]))"
    )
    assert allows == {"clipboard-write": True, "camera": False, "microphone": False, "geolocation": False}
    assert watched.violations() == []
    assert watched.console == []


def test_chat_render_settings_and_export_raise_no_violation(
    page: Page, server: Server, upstream: FakeUpstream, watched: Watched
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    app = ChatApp(page, server.url).open()
    # Registered after load: the worker's script must be allowed too.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15_000)

    # Answers may show remote images (the sanitizer keeps http(s) sources).
    image = f"{upstream.url}/csp-pixel.png"
    upstream.replies[MODEL] = Reply(ANSWER.format(image=image), piece=40)
    with page.expect_request(image):
        answer = app.ask("Show me a formula, code and a diagram")
    md = answer.locator(".markdown")
    expect(md.locator(".math-display .katex-display")).to_have_count(1)
    expect(md.locator(".math-inline .katex")).to_have_count(1)
    expect(md.locator("pre code.language-python.hljs .hljs-keyword").first).to_have_text("def")
    expect(md.locator(".mermaid-block svg")).to_contain_text("Answer")
    expect(md.locator(".mermaid-error")).to_have_count(0)
    # KaTeX's fonts come from our own files and are in use.
    assert page.evaluate("() => document.fonts.check('16px KaTeX_Main')")

    copy = md.locator("button.code-copy")
    copy.click()
    expect(copy).to_have_text("Copied")
    assert page.evaluate("() => navigator.clipboard.readText()") == "def square(x):\n    return x ** 2"

    settings = app.open_settings()
    expect(settings.locator("#model")).to_be_visible()
    app.back()

    app.button("Export").click()
    box = page.get_by_role("dialog", name="Export conversation")
    expect(box).to_be_visible()
    name, data = download(page, box.get_by_role("button", name="Image (PNG)").click, timeout=30_000)
    assert name.endswith(".png") and data[:8] == b"\x89PNG\r\n\x1a\n"
    expect(box.get_by_role("status")).to_have_text(f"Saved {name}")

    app.reload()  # a second load comes through the service worker
    assert app.errors == []
    assert watched.violations() == []
    assert watched.console == []


def test_the_policy_is_enforced(page: Page, server: Server, watched: Watched) -> None:
    ChatApp(page, server.url).open()
    page.evaluate(
        """() => {
            const s = document.createElement('script');
            s.textContent = 'window.__inlineRan = true';
            document.body.append(s);
        }"""
    )
    # Playwright's own evaluate may eval; a timer fired later runs as the page would.
    page.evaluate(
        """() => setTimeout(() => {
            try { eval('1'); window.__evalResult = 'ran'; } catch (e) { window.__evalResult = e.name; }
        })"""
    )
    page.wait_for_function("() => window.__evalResult !== undefined")
    assert page.evaluate("() => window.__evalResult") == "EvalError"
    assert page.evaluate("() => window.__inlineRan") is None
    page.wait_for_function("() => window.__cspViolations.length >= 2")
    assert {v["directive"] for v in watched.violations()} == {"script-src-elem", "script-src"}
