"""Theme, language, font size and the narrow-screen layout; screenshots of the main screens."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ChatApp, status_class
from tests.fake_upstream import FakeUpstream, Reply

MODEL = "gpt-4o-mini"

ANSWER = """\
Sure, here is a **sorting** function:

```python
def sort_numbers(xs):
    return sorted(xs)
```

| input | output |
| --- | --- |
| `[3, 1, 2]` | `[1, 2, 3]` |

The cost is $O(n \\log n)$.
"""


def luminance(css_color: str) -> float:
    """0 (black) to 1 (white) for an `rgb(...)`/`rgba(...)` computed colour."""
    r, g, b = (int(x) / 255 for x in re.findall(r"\d+(?:\.\d+)?", css_color)[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def background(app: ChatApp, selector: str = "body") -> str:
    return app.page.locator(selector).evaluate("(e) => getComputedStyle(e).backgroundColor")


def test_dark_theme_from_settings(app: ChatApp, upstream: FakeUpstream, artifacts: Path) -> None:
    upstream.replies[MODEL] = Reply(ANSWER, piece=40)
    app.ask("Sort some numbers")
    expect(app.answers.first.locator("code.hljs")).to_have_count(1)
    expect(app.answers.first.locator(".katex")).to_have_count(1)
    expect(app.page.locator("html")).to_have_attribute("data-theme", "light")
    assert luminance(background(app)) > 0.8
    app.page.screenshot(path=artifacts / "chat-light.png")

    settings = app.open_settings()
    app.choose("theme", "dark")
    expect(app.page.locator("html")).to_have_attribute("data-theme", "dark")
    assert luminance(background(app)) < 0.2
    assert luminance(settings.evaluate("(e) => getComputedStyle(e).color")) > 0.6  # light text on it
    app.page.screenshot(path=artifacts / "settings-dark.png")
    app.back()
    assert luminance(background(app, "main.chat-view")) < 0.2
    app.page.screenshot(path=artifacts / "chat-dark.png")

    # The choice is kept.
    app.reload()
    expect(app.page.locator("html")).to_have_attribute("data-theme", "dark")


@pytest.mark.browser_context_args(color_scheme="dark")
def test_auto_theme_follows_the_system(app: ChatApp) -> None:
    expect(app.page.locator("html")).to_have_attribute("data-theme", "dark")
    assert luminance(background(app)) < 0.2


def test_language_switch(app: ChatApp, artifacts: Path) -> None:
    expect(app.page.locator("aside.sidebar .new-chat")).to_have_text("New chat")
    app.open_settings()
    app.page.screenshot(path=artifacts / "settings.png")
    app.choose("lang", "zh-CN")
    expect(app.page.locator("main.settings-page h1")).to_have_text("设置")
    expect(app.page.locator("label[for=theme]")).to_have_text("主题")
    expect(app.page.locator("html")).to_have_attribute("lang", "zh-CN")
    app.back("返回")
    expect(app.page.locator("aside.sidebar .new-chat")).to_have_text("新的聊天")
    expect(app.composer).to_have_attribute("placeholder", re.compile("发送"))
    expect(app.page.locator("aside.sidebar input[type=search]")).to_have_attribute("placeholder", "搜索聊天")

    app.open_settings("设置")
    app.choose("lang", "en")
    expect(app.page.locator("main.settings-page h1")).to_have_text("Settings")


def test_font_size_setting(app: ChatApp) -> None:
    def font_px(selector: str) -> float:
        size = app.page.locator(selector).first.evaluate("(e) => getComputedStyle(e).fontSize")
        return float(size.removesuffix("px"))

    app.ask("Hello")
    before = font_px("article.from-assistant .markdown")
    assert before == 15
    app.open_settings()
    app.page.locator("#fontSize").fill("20")
    expect(app.page.get_by_label("Font size", exact=True).last).to_have_value("20")
    app.back()
    assert font_px("article.from-assistant .markdown") == 20
    assert font_px("form.composer textarea") >= 20 * 0.9


@pytest.mark.browser_context_args(viewport={"width": 375, "height": 740}, has_touch=True, is_mobile=True)
def test_narrow_screen_drawer(app: ChatApp, upstream: FakeUpstream, artifacts: Path) -> None:
    sidebar = app.page.locator("aside.sidebar")
    expect(sidebar).not_to_be_in_viewport()
    menu = app.button("Open the conversation list")
    expect(menu).to_be_visible()

    # The chat works on a phone.
    upstream.replies[MODEL] = Reply("Short answer for a small screen.")
    answer = app.ask("Hi from a phone")
    expect(answer.locator(".markdown")).to_have_text("Short answer for a small screen.")
    composer_box = app.composer.bounding_box()
    assert composer_box is not None and composer_box["x"] >= 0
    assert composer_box["x"] + composer_box["width"] <= 375
    width = app.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways: {width}px"

    menu.click()
    expect(sidebar).to_be_in_viewport(ratio=0.99)
    expect(app.chat_items).to_have_count(1)
    app.page.wait_for_timeout(250)  # the drawer slides in over 0.2 s; the picture should show it open
    app.page.screenshot(path=artifacts / "mobile-drawer.png")

    # Picking "New chat" closes the drawer and opens an empty chat.
    sidebar.locator(".new-chat").click()
    expect(sidebar).not_to_be_in_viewport()
    expect(app.questions).to_have_count(0)

    # Tapping outside the drawer closes it too.
    menu.click()
    expect(sidebar).to_be_in_viewport(ratio=0.99)
    app.page.locator(".scrim").click(position={"x": 360, "y": 400})
    expect(sidebar).not_to_be_in_viewport()
    answer = app.ask("Second chat from a phone")
    expect(answer).to_have_class(status_class("done"))


def test_model_picker_shows_the_model_in_use(app: ChatApp) -> None:
    # With no choice made and no DEFAULT_MODEL, the picker must name the model
    # new messages will use, not stand empty.
    app.open_settings()
    expect(app.page.locator("#model")).to_have_value("gpt-4o-mini")
    expect(app.page.locator("#model option:checked")).to_have_text("gpt-4o-mini")
