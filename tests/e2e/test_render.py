"""Markdown answers: code, tables, task lists, formulas, diagrams; sanitising; lazy loading."""

from __future__ import annotations

from playwright.sync_api import Page, Request, Response, expect

from tests.e2e.conftest import ChatApp
from tests.fake_upstream import FakeUpstream, Reply

MODEL = "gpt-4o-mini"

RICH = """\
Here is some code:

```python
def greet(name):
    return f"Hello, {name}!"
```

| Fruit | Colour |
| --- | --- |
| apple | red |
| banana | yellow |

- [x] write the tests
- [ ] fix the bugs

Inline math $E = mc^2$ and a display formula:

$$
\\int_0^1 x^2 \\, dx = \\frac{1}{3}
$$

```mermaid
flowchart LR
    A[Start] --> B{Ready?}
    B -->|yes| C[Go]
```
"""

XSS = """\
Dangerous things follow.

<img src=x onerror="window.__pwned=1">

<script>window.__pwned=2</script>

[click me](javascript:window.__pwned=3)

<a href="data:text/html,<script>alert(1)</script>">data link</a>

<iframe src="javascript:window.__pwned=5"></iframe>

<a href="https://example.com/ok">fine link</a> and <a href="mailto:someone@example.com">mail</a>

[spaced](  jAvAsCrIpT:window.__pwned=6)

```mermaid
%%{init: {"securityLevel":"loose"}}%%
flowchart LR
    A[Click me] --> B[Target]
    click A href "javascript:window.__pwned=4"
    click B call alert(7)
```
"""

# Text found only in each heavy library's own code (checked against the build).
LIBRARY_MARKERS = {"highlight.js": "highlightAuto", "KaTeX": "KaTeX parse error", "mermaid": "mermaidAPI"}


def test_rich_answer_renders(app: ChatApp, upstream: FakeUpstream) -> None:
    upstream.replies[MODEL] = Reply(RICH, piece=40)
    answer = app.ask("Show me everything")
    md = answer.locator(".markdown")

    # Code: highlighted, with a copy button and the language named.
    code = md.locator("pre code.language-python")
    expect(code).to_have_class("language-python hljs")
    expect(code.locator(".hljs-keyword").first).to_have_text("def")
    expect(code).to_contain_text('return f"Hello, {name}!"')
    expect(md.locator(".code-block button.code-copy")).to_have_count(1)
    expect(md.locator(".code-block button.code-copy")).to_have_text("Copy code")
    expect(md.locator(".code-block .code-lang")).to_have_text("python")

    # GFM table.
    expect(md.locator("table thead th")).to_have_text(["Fruit", "Colour"])
    expect(md.locator("table tbody tr")).to_have_count(2)
    expect(md.locator("table tbody tr").nth(1).locator("td")).to_have_text(["banana", "yellow"])

    # Task list: checkboxes that show the state and cannot be changed.
    boxes = md.locator("li input[type=checkbox]")
    expect(boxes).to_have_count(2)
    expect(boxes.nth(0)).to_be_checked()
    expect(boxes.nth(1)).not_to_be_checked()
    expect(boxes.nth(0)).to_be_disabled()

    # Formulas: KaTeX output, inline and display.
    expect(md.locator(".math-inline .katex")).to_have_count(1)
    expect(md.locator(".math-display .katex-display")).to_have_count(1)
    expect(md.locator(".math-inline .katex-mathml annotation")).to_have_text("E = mc^2")

    # Mermaid: the flowchart becomes an SVG with the node labels.
    svg = md.locator(".mermaid-block svg")
    expect(svg).to_have_count(1)
    expect(svg).to_contain_text("Start")
    expect(svg).to_contain_text("Ready?")
    expect(md.locator(".mermaid-error")).to_have_count(0)


def test_hostile_markdown_is_defused(app: ChatApp, upstream: FakeUpstream) -> None:
    dialogs: list[str] = []
    app.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    upstream.replies[MODEL] = Reply(XSS, piece=16)
    answer = app.ask("Try to hack me")
    md = answer.locator(".markdown")
    expect(md.locator(".mermaid-block")).to_have_class("mermaid-block mermaid-rendered")
    expect(md.locator(".mermaid-block svg")).to_contain_text("Click me")
    expect(md).to_contain_text("Dangerous things follow.")

    # Click every link and diagram node a user could click.
    for link in md.locator("a:not([href^='http']):not([href^='mailto'])").all():
        link.click()
    for node in md.locator(".mermaid-block svg .node").all():
        node.click()
    app.page.wait_for_timeout(200)  # let any handler that slipped through run
    assert app.page.evaluate("() => window.__pwned") is None
    assert dialogs == []
    assert len(app.page.context.pages) == 1  # nothing opened a window

    assert md.locator("script, iframe, object, embed, [onerror], [onclick], [onload]").count() == 0
    hrefs = app.page.evaluate(
        """() => Array.from(document.querySelectorAll('.markdown [href], .markdown [*|href]'))
                 .map((e) => e.getAttribute('href') ?? e.getAttribute('xlink:href'))"""
    )
    assert hrefs, "the safe links should have kept their hrefs"
    for href in hrefs:
        assert href.startswith(("http://", "https://", "mailto:")), href
    expect(md.locator("a", has_text="fine link")).to_have_attribute("href", "https://example.com/ok")
    expect(md.locator("a", has_text="fine link")).to_have_attribute("rel", "noopener noreferrer nofollow")
    # Nothing anywhere in the page points at javascript: or data:.
    assert (
        app.page.evaluate(
            """() => Array.from(document.querySelectorAll('*')).flatMap((e) => Array.from(e.attributes))
                 .filter((a) => /^\\s*(javascript|data):/i.test(a.value) && /href|src|action/i.test(a.name)).length"""
        )
        == 0
    )


def test_heavy_libraries_load_only_when_needed(page: Page, app: ChatApp, upstream: FakeUpstream) -> None:
    # `app` has already opened the page; open it again with a clean record and no HTTP cache.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    requests: list[Request] = []
    bodies: dict[str, str] = {}

    def keep(response: Response) -> None:
        if response.request.resource_type in ("script", "stylesheet") and response.ok:
            bodies[response.url] = response.text()

    page.on("request", lambda r: requests.append(r))
    page.on("response", keep)
    app.reload()
    page.wait_for_load_state("networkidle")
    first = [r.url for r in requests]
    assert any("/assets/index-" in u for u in first), first
    for url in first:
        assert "katex" not in url.lower() and "mermaid" not in url.lower(), url
    for lib, marker in LIBRARY_MARKERS.items():
        loaded = [u for u in first if marker in bodies.get(u, "")]
        assert loaded == [], f"{lib} was loaded on the first screen: {loaded}"

    # An answer that needs all three loads them.
    upstream.replies[MODEL] = Reply(RICH, piece=40)
    answer = app.ask("Now render it all")
    expect(answer.locator(".mermaid-block svg")).to_have_count(1)
    expect(answer.locator(".katex")).to_have_count(2)
    expect(answer.locator("code.hljs")).to_have_count(1)
    later = [r.url for r in requests[len(first) :]]
    for lib, marker in LIBRARY_MARKERS.items():
        assert any(marker in bodies.get(u, "") for u in later), f"{lib} never loaded: {later}"
    cdp.detach()
