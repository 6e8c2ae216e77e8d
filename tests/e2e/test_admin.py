"""The admin page: sign in, the usage chart, top models, a lockout unlocked, sign out."""

from __future__ import annotations

import tempfile
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import Server
from tests.e2e.conftest import ChatApp
from tests.routes.test_admin import record, seed

ADMIN = "e2e-admin-Code-91"
CODE = "e2e-user-code"
DATA_DIR = tempfile.mkdtemp(prefix="chatnext-e2e-admin-")
SERVER_ENV = {"OPENAI_API_KEY": "sk-e2e-server", "CODE": CODE, "ADMIN_CODE": ADMIN, "DATA_DIR": DATA_DIR}


@pytest.fixture(scope="module", autouse=True)
def usage(server: Server) -> None:
    seed(
        Path(DATA_DIR),
        [
            record("team-alpha", "gpt-4o", days_ago=0, prompt=12_000, completion=3_000, cost=1.25),
            record("team-alpha", "gpt-4o", days_ago=3, prompt=8_000, completion=2_000, cost=0.8),
            record("team-beta", "claude-3-5-sonnet", provider="anthropic", days_ago=1, prompt=20_000, cost=0.6),
            record("team-beta", "gpt-4o-mini", days_ago=10, prompt=50_000, completion=9_000, cost=0.04),
            record("", "gpt-4o-mini", days_ago=2, prompt=500, completion=100, cost=0.001),
        ],
    )


def open_admin(page: Page, server: Server) -> ChatApp:
    admin = ChatApp(page, server.url).open("/admin")
    expect(page.locator("main.admin-page")).to_be_visible()
    return admin


def sign_in(page: Page, label: str = "Sign in") -> None:
    page.locator("#adminCode").fill(ADMIN)
    page.get_by_role("button", name=label).click()
    expect(page.locator("#adminCode")).to_have_count(0)


def lock_out(server: Server) -> None:
    """Five wrong access codes from this machine (127.0.0.1, like the browser)."""
    with httpx.Client(base_url=server.url, timeout=10) as client:
        answers = [client.post("/api/auth", json={"code": f"wrong-{n}"}).status_code for n in range(5)]
    assert answers == [401, 401, 401, 401, 429]


def test_sign_in_see_usage_and_unlock_a_lockout(page: Page, server: Server, artifacts: Path) -> None:
    admin = open_admin(page, server)
    expect(page.get_by_role("heading", name="Admin")).to_be_visible()
    code = page.locator("#adminCode")
    expect(code).to_have_attribute("type", "password")

    code.fill("not-the-admin-code")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#adminCodeError")).to_have_text("The admin code is wrong.")
    sign_in(page)

    # The chart: one stacked bar segment per day a code was used, titled and described.
    chart = page.locator("svg.admin-svg")
    expect(chart).to_have_attribute("role", "img")
    expect(chart.locator("title").first).to_have_text("Usage per access code (Cost)")
    expect(chart.locator("desc")).to_contain_text("team-alpha")
    expect(chart.locator('g[data-code="team-alpha"] rect.bar')).to_have_count(2)
    expect(chart.locator('g[data-code="team-beta"] rect.bar')).to_have_count(2)
    expect(chart.locator('g[data-code=""] rect.bar')).to_have_count(1)
    expect(page.locator(".admin-legend")).to_contain_text("(no code)")
    page.get_by_role("button", name="Tokens").click()
    expect(chart).to_have_attribute("data-metric", "tokens")
    expect(page.get_by_role("button", name="Tokens")).to_have_attribute("aria-pressed", "true")
    page.locator(".admin-chart-table summary").click()
    expect(page.locator(".admin-chart-table tbody tr")).to_have_count(5)

    models = page.locator(".admin-models tbody tr")
    expect(models).to_have_count(3)
    expect(models.first).to_contain_text("gpt-4o")
    expect(models.first).to_contain_text("$2.05")
    expect(page.locator(".admin-total-cost")).to_have_text("$2.691")
    expect(page.locator(".admin-codes tbody tr").first).to_contain_text("team-alpha")
    expect(page.locator(".admin-lockouts")).to_contain_text("No address is locked out.")

    # A lockout made now shows on refresh, with the wrong attempts behind it.
    lock_out(server)
    page.get_by_role("button", name="Refresh").click()
    lockouts = page.locator(".admin-lockouts tbody tr")
    expect(lockouts).to_have_count(1)
    expect(lockouts.first).to_contain_text("127.0.0.1")
    expect(lockouts.first).to_contain_text("min")
    failures = page.locator(".admin-failures tbody tr")
    expect(failures).to_have_count(6)  # the wrong admin code counts too
    expect(failures.first).to_contain_text("127.0.0.1")
    expect(page.locator(".admin-keys")).to_contain_text("No key is resting.")
    page.screenshot(path=artifacts / "admin.png", full_page=True)

    page.get_by_role("button", name="Unlock 127.0.0.1").click()
    expect(page.locator(".admin-note-live")).to_have_text("127.0.0.1 is unlocked.")
    expect(lockouts).to_have_count(0)
    expect(page.locator(".admin-lockouts")).to_contain_text("No address is locked out.")
    with httpx.Client(base_url=server.url, timeout=10) as client:
        assert client.post("/api/auth", json={"code": CODE}).status_code == 200

    # Nothing secret reached the page.
    html = page.content()
    for secret in (ADMIN, CODE, "sk-e2e-server", "wrong-0"):
        assert secret not in html

    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("#adminCode")).to_be_visible()
    page.reload()
    expect(page.locator("#adminCode")).to_be_visible()
    assert admin.errors == []


@pytest.mark.browser_context_args(locale="zh-CN")
def test_in_chinese(page: Page, server: Server, artifacts: Path) -> None:
    admin = open_admin(page, server)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", name="管理")).to_be_visible()
    sign_in(page, "登录")
    expect(page.locator("svg.admin-svg title").first).to_have_text("各访问密码的用量 (费用)")
    expect(page.get_by_role("heading", name="用量最多的模型")).to_be_visible()
    expect(page.locator(".admin-legend")).to_contain_text("（无访问密码）")
    expect(page.locator(".admin-models tbody tr")).to_have_count(3)
    page.screenshot(path=artifacts / "admin-zh-CN.png", full_page=True)
    page.get_by_role("button", name="退出登录").click()
    expect(page.locator("#adminCode")).to_be_visible()
    assert admin.errors == []


def test_the_chat_page_does_not_load_the_admin_page(page: Page, server: Server) -> None:
    scripts: list[str] = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type in ("script", "stylesheet") else None)
    ChatApp(page, server.url).open("/")
    assert scripts and not [u for u in scripts if "AdminPage" in u]
