"""The prompt library: "/" at the start of a message searches it."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Locator, expect

from tests.e2e.conftest import ChatApp, chat_requests
from tests.fake_upstream import FakeUpstream

AUTO_TITLE = False

BUILTIN = {
    p["title"]: p["content"]
    for p in json.loads((Path(__file__).parents[2] / "web/src/data/prompts-en.json").read_text())["prompts"]
}


def picker(app: ChatApp) -> Locator:
    return app.page.locator("form.composer #prompt-picker")


def options(app: ChatApp) -> Locator:
    return picker(app).get_by_role("option")


def test_slash_searches_prompts_and_inserts_one(app: ChatApp, upstream: FakeUpstream) -> None:
    expect(picker(app)).to_have_count(0)
    app.composer.press_sequentially("/")
    expect(picker(app)).to_be_visible()
    expect(app.composer).to_have_attribute("aria-expanded", "true")
    expect(options(app)).to_have_count(8)  # the list shows the best 8

    # Letters in order, not together: "gtcmt" finds "Git Commit Message".
    app.composer.press_sequentially("gtcmt")
    expect(options(app).first.locator("strong")).to_have_text("Git Commit Message")
    expect(options(app).first).to_have_attribute("aria-selected", "true")

    app.composer.press("ArrowDown")
    second = options(app).nth(1)
    expect(second).to_have_attribute("aria-selected", "true")
    expect(options(app).first).to_have_attribute("aria-selected", "false")
    title = second.locator("strong").inner_text()
    assert title in BUILTIN and title != "Git Commit Message"

    app.composer.press("Enter")
    expect(app.composer).to_have_value(BUILTIN[title])
    expect(picker(app)).to_have_count(0)
    # Inserted, not sent.
    expect(app.send_button).to_be_enabled()
    expect(app.questions).to_have_count(0)
    assert chat_requests(upstream) == []

    # Escape closes the list and keeps what was typed.
    app.composer.fill("")
    app.composer.press_sequentially("/flshcrd")
    expect(options(app).first.locator("strong")).to_have_text("Make Flashcards")
    app.composer.press("Escape")
    expect(picker(app)).to_have_count(0)
    expect(app.composer).to_have_value("/flshcrd")
    expect(app.composer).to_have_attribute("aria-expanded", "false")

    # Nothing matches: the list says so.
    app.composer.fill("")
    app.composer.press_sequentially("/qqqzzzxx")
    expect(picker(app)).to_contain_text("No prompt matches")
    expect(options(app)).to_have_count(0)


def test_own_prompt_ranks_first(app: ChatApp, upstream: FakeUpstream) -> None:
    mine = "Review this diff as a kind senior engineer, pointing at risks first."
    settings = app.open_settings()
    settings.get_by_role("button", name="Add prompt").click()
    app.page.locator("#promptTitle").fill("Kind review")
    app.page.locator("#promptContent").fill(mine)
    settings.locator("form.prompt-form").get_by_role("button", name="Save", exact=True).click()
    expect(settings.locator(".prompt-list li")).to_have_count(1)
    expect(settings.locator(".prompt-list li strong")).to_have_text("Kind review")
    app.back()

    # "review" is in built-in titles ("Code Review", "Weekly Review"); the user's own comes first.
    app.composer.press_sequentially("/review")
    expect(options(app).first.locator("strong")).to_have_text("Kind review")
    expect(options(app).nth(1).locator("strong")).to_have_text("Code Review")
    app.composer.press("Enter")
    expect(app.composer).to_have_value(mine)

    # Still there, still first, after a reload.
    app.reload()
    app.composer.fill("")
    app.composer.press_sequentially("/rvw")
    expect(options(app).first.locator("strong")).to_have_text("Kind review")
    assert chat_requests(upstream) == []
