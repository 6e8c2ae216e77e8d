"""Browser tests: Debian's Chromium driven by Playwright against a real chatnext.

One chatnext server per test module (starting one per test would cost more
than the tests); each test gets a fresh browser context, so IndexedDB starts
empty unless a test reloads within its own context.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserType, Locator, Page, Playwright, expect, sync_playwright

from tests.conftest import Server, start_server
from tests.fake_upstream import FakeUpstream, Seen

CHROMIUM = "/usr/bin/chromium"
# Auto-waiting assertions: 5 s by default; a 2-core machine parsing mermaid
# (600 kB of JS) while the suite runs needs more headroom.
expect.set_options(timeout=10_000)
ARTIFACTS = Path(os.environ.get("CHATNEXT_ARTIFACTS", Path(__file__).parents[2] / "artifacts"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        raise RuntimeError("browser tests need Debian's chromium: apt-get install -y chromium")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


# Playwright's sync API keeps its asyncio loop marked as running on the main
# thread for as long as Playwright is started. pytest-playwright starts it for
# the whole session, so every async test collected after this package failed
# ("asyncio.run() cannot be called from a running event loop"). Here Playwright
# and the browser live only as long as this package.


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    pw = sync_playwright().start()
    yield pw
    pw.stop()


@pytest.fixture(scope="package")
def browser_type(playwright: Playwright, browser_name: str) -> BrowserType:
    browser: BrowserType = getattr(playwright, browser_name)
    return browser


@pytest.fixture(scope="package")
def launch_browser(browser_type_launch_args: dict[str, Any], browser_type: BrowserType) -> Callable[..., Browser]:
    def launch(**kwargs: Any) -> Browser:
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser: Callable[..., Browser]) -> Iterator[Browser]:
    browser = launch_browser()
    yield browser
    browser.close()


@pytest.fixture(scope="package")
def browser_context_args() -> dict[str, Any]:
    """Per test: @pytest.mark.browser_context_args(locale=..., viewport=...)."""
    return {}


@pytest.fixture(scope="session")
def artifacts() -> Iterator[Path]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield ARTIFACTS


# --- one chatnext per module, and a small driver for the page ---------------

DEFAULT_ENV = {"OPENAI_API_KEY": "sk-e2e-server"}


@pytest.fixture(scope="module")
def server(upstream: FakeUpstream, request: pytest.FixtureRequest) -> Iterator[Server]:
    """A real chatnext for the whole module; the module's SERVER_ENV configures it."""
    env = {"BASE_URL": upstream.url, **getattr(request.module, "SERVER_ENV", DEFAULT_ENV)}
    srv = start_server(env)
    yield srv
    srv.stop()


class ChatApp:
    """What a user does on the page, in the page's own terms (selectors from web/src)."""

    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.url = url
        self.errors: list[str] = []
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    # locators
    @property
    def composer(self) -> Locator:
        return self.page.locator("form.composer textarea")

    @property
    def send_button(self) -> Locator:
        return self.page.locator("button.send-button[type=submit]")

    @property
    def stop_button(self) -> Locator:
        return self.page.locator("button.send-button.stop")

    @property
    def questions(self) -> Locator:
        return self.page.locator("article.message.from-user")

    @property
    def answers(self) -> Locator:
        return self.page.locator("article.message.from-assistant")

    @property
    def chat_items(self) -> Locator:
        return self.page.locator("aside.sidebar li.chat-item")

    def button(self, label: str, within: Locator | None = None) -> Locator:
        return (within or self.page).locator(f'button[aria-label="{label}"]')

    # actions
    def open(self, path: str = "/") -> ChatApp:
        self.page.goto(self.url + path)
        self.wait_ready()
        return self

    def wait_ready(self) -> None:
        expect(self.page.locator("body[data-ready=true]")).to_be_attached()

    def reload(self) -> None:
        self.page.reload()
        self.wait_ready()

    def send(self, text: str) -> None:
        self.composer.fill(text)
        self.send_button.click()

    def ask(self, text: str, status: str = "done") -> Locator:
        """Send `text` and wait until the newest answer reaches `status`; returns that answer."""
        before = self.answers.count()
        self.send(text)
        expect(self.answers).to_have_count(before + 1)
        answer = self.answers.nth(before)
        expect(answer).to_have_class(status_class(status))
        return answer

    def open_settings(self, label: str = "Settings") -> Locator:
        self.button(label).click()
        settings = self.page.locator("main.settings-page")
        expect(settings).to_be_visible()
        return settings

    def back(self, label: str = "Back") -> None:
        self.button(label).click()
        expect(self.page.locator("main.chat-view")).to_be_visible()

    def set_text(self, field: str, value: str) -> None:
        """Fill a settings text input; it commits on change, as when the user tabs away."""
        box = self.page.locator(f"#{field}")
        box.fill(value)
        box.press("Tab")

    def toggle(self, field: str, on: bool) -> None:
        box = self.page.locator(f"#{field}")
        box.set_checked(on)
        expect(box).to_be_checked(checked=on)

    def choose(self, field: str, value: str) -> None:
        self.page.locator(f"#{field}").select_option(value)

    def sign_in(self, code: str, settings: str = "Settings", back: str = "Back") -> None:
        """Sign in with an access code on the settings page (Enter submits), then back to the chat."""
        self.open_settings(settings)
        box = self.page.locator("#accessCode")
        box.fill(code)
        box.press("Enter")
        expect(self.page.locator(".signed-in")).to_be_visible()
        self.back(back)

    def use_model(self, model: str, label: str | None = None) -> None:
        """Pick `model` (an id: name or name@provider); the heading shows its label."""
        self.open_settings()
        self.choose("model", model)
        self.back()
        expect(self.page.locator(".chat-heading p")).to_contain_text(label or model)


def status_class(status: str) -> re.Pattern[str]:
    return re.compile(rf"(^|\s)status-{status}(\s|$)")


def wait_for(predicate: Callable[[], bool], timeout: float = 5.0, what: str = "condition") -> None:
    """Poll a Python-side condition (e.g. what the fake upstream saw)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@pytest.fixture
def app(page: Page, server: Server, request: pytest.FixtureRequest) -> Iterator[ChatApp]:
    """The app opened in a fresh context; the test fails on any uncaught page error.

    A module with AUTO_TITLE = False turns automatic titles off first, through
    the settings page, when its tests are about titles taken from the first question.
    """
    chat = ChatApp(page, server.url).open()
    if getattr(request.module, "AUTO_TITLE", True) is False:
        chat.open_settings()
        chat.toggle("autoTitle", False)
        chat.back()
    yield chat
    assert chat.errors == [], f"uncaught errors in the page: {chat.errors}"


def chat_requests(upstream: FakeUpstream) -> list[Seen]:
    """The streamed chat requests: what the user asked, without the page's
    own small side requests (auto title, history summary)."""
    return [s for s in upstream.seen if isinstance(s.body, dict) and s.body.get("stream")]


# --- helpers for the masks, prompts, memory, tokens and export tests --------


def side_requests(upstream: FakeUpstream) -> list[Seen]:
    """The page's own non-streamed chat requests (auto title, history summary)."""
    return [
        s
        for s in upstream.seen
        if s.path.endswith("/chat/completions") and isinstance(s.body, dict) and not s.body.get("stream")
    ]


def download(page: Page, click: Callable[[], None], timeout: float = 20_000) -> tuple[str, bytes]:
    """Do `click` and return the file the page saves: its suggested name and bytes."""
    with page.expect_download(timeout=timeout) as info:
        click()
    saved = info.value
    failure = saved.failure()
    assert failure is None, f"download of {saved.suggested_filename} failed: {failure}"
    return saved.suggested_filename, Path(saved.path()).read_bytes()


_READ_STORE = """async (store) => {
    const db = await new Promise((ok, fail) => {
        const req = indexedDB.open('chatnext');
        req.onsuccess = () => ok(req.result);
        req.onerror = () => fail(req.error);
    });
    try {
        return await new Promise((ok, fail) => {
            const req = db.transaction(store, 'readonly').objectStore(store).getAll();
            req.onsuccess = () => ok(req.result);
            req.onerror = () => fail(req.error);
        });
    } finally {
        db.close();
    }
}"""


def stored(page: Page, store: str) -> list[Any]:
    """Every record of one of the app's IndexedDB stores (chats, messages, masks, prompts)."""
    records: list[Any] = page.evaluate(_READ_STORE, store)
    return records
