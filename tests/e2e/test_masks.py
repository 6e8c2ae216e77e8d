"""Masks: make one, chat with it, change a chat without touching its mask,
clone and hide built-ins, export and import, filter by language."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Locator, expect

from tests.e2e.conftest import ChatApp, chat_requests, download
from tests.fake_upstream import FakeUpstream, Reply

AUTO_TITLE = False  # no side requests: every request here is a chat turn
PRESET = "You are Captain Hook. Answer every question like a pirate."


def open_masks(app: ChatApp) -> Locator:
    app.button("Masks").click()
    page = app.page.locator("main.masks-page")
    expect(page).to_be_visible()
    # Built-ins load after the first screen.
    expect(page.locator("li.mask-card").first).to_be_visible()
    return page


def card(app: ChatApp, name: str) -> Locator:
    title = app.page.locator("h3", has_text=re.compile(rf"^{re.escape(name)}$"))
    return app.page.locator("main.masks-page li.mask-card").filter(has=title)


def dialog(app: ChatApp, title: str) -> Locator:
    box = app.page.get_by_role("dialog", name=title)
    expect(box).to_be_visible()
    return box


def preset_box(box: Locator, n: int = 1) -> Locator:
    return box.locator(f'textarea[aria-label="Preset messages {n}"]')


def create_mask(app: ChatApp, name: str, preset: str, model: str = "", temperature: str = "") -> None:
    app.page.get_by_role("button", name="New mask").click()
    editor = dialog(app, "New mask")
    editor.locator("#mask-name").fill(name)
    editor.get_by_role("button", name="Add message").click()
    expect(editor.locator('select[aria-label="Preset messages 1"]')).to_have_value("system")
    preset_box(editor).fill(preset)
    if model:
        editor.locator("#mask-model").select_option(model)
    if temperature:
        editor.locator("#mask-temperature").fill(temperature)
        editor.locator("#mask-temperature").press("Tab")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor).to_have_count(0)


def test_mask_context_is_sent_and_chat_settings_leave_the_mask_alone(app: ChatApp, upstream: FakeUpstream) -> None:
    upstream.replies["gpt-4o"] = Reply("Arr, ahoy!")
    open_masks(app)
    create_mask(app, "Pirate", PRESET, model="gpt-4o", temperature="1.2")
    pirate = card(app, "Pirate")
    expect(pirate).to_have_count(1)
    expect(pirate).to_contain_text("1 preset message")
    expect(pirate).not_to_contain_text("Built-in")

    pirate.get_by_role("button", name="Chat", exact=True).click()
    expect(app.page.locator("main.chat-view")).to_be_visible()
    expect(app.page.locator(".chat-heading p")).to_contain_text("gpt-4o")
    app.ask("Where is the treasure?")
    body = chat_requests(upstream)[-1].body
    # The mask's model settings apply to its chats.
    assert (body["model"], body["temperature"]) == ("gpt-4o", 1.2)
    sent = body["messages"]
    assert sent == [
        {"role": "system", "content": PRESET},
        {"role": "user", "content": "Where is the treasure?"},
    ]

    # This chat's own settings: its copy of the preset changes, the mask does not.
    app.button("Chat settings").click()
    settings = dialog(app, "Chat settings")
    expect(preset_box(settings)).to_have_value(PRESET)
    preset_box(settings).fill("Answer in haiku.")
    settings.get_by_role("button", name="Save", exact=True).click()
    expect(settings).to_have_count(0)
    app.ask("And the map?")
    sent = chat_requests(upstream)[-1].body["messages"]
    assert sent[0] == {"role": "system", "content": "Answer in haiku."}
    assert sent[-1] == {"role": "user", "content": "And the map?"}
    assert PRESET not in json.dumps(sent)

    open_masks(app)
    card(app, "Pirate").get_by_role("button", name="Edit", exact=True).click()
    editor = dialog(app, "Pirate")
    expect(preset_box(editor)).to_have_value(PRESET)
    editor.get_by_role("button", name="Cancel").first.click()
    expect(editor).to_have_count(0)

    # A new chat with the mask starts from the mask, not from the edited chat.
    card(app, "Pirate").get_by_role("button", name="Chat", exact=True).click()
    app.ask("Who are you?")
    assert chat_requests(upstream)[-1].body["messages"] == [
        {"role": "system", "content": PRESET},
        {"role": "user", "content": "Who are you?"},
    ]


def test_builtin_masks_clone_hide_and_languages(app: ChatApp) -> None:
    masks = open_masks(app)
    cards = masks.locator("li.mask-card")
    language = masks.locator(".masks-tools select")

    # Every built-in of both languages is there.
    language.select_option("")
    expect(cards.filter(has_text="Translator")).not_to_have_count(0)
    ids = cards.evaluate_all("els => els.map(e => e.dataset.maskId)")
    assert len([i for i in ids if i.endswith("-en")]) >= 12, ids
    assert len([i for i in ids if i.endswith("-zh-CN")]) >= 12, ids

    # Only Chinese masks when Chinese is chosen.
    language.select_option("zh-CN")
    expect(card(app, "中英互译")).to_be_visible()
    expect(card(app, "Translator")).to_have_count(0)
    ids = cards.evaluate_all("els => els.map(e => e.dataset.maskId)")
    assert len(ids) >= 12
    assert all(re.fullmatch(r"builtin-.+-zh-CN", i) for i in ids), ids
    language.select_option("en")
    expect(card(app, "中英互译")).to_have_count(0)

    # Clone a built-in: a copy of your own, with the same preset messages.
    translator = card(app, "Translator")
    presets = translator.locator("p.muted").inner_text()
    translator.get_by_role("button", name="Clone").click()
    editor = dialog(app, "Translator (copy)")
    expect(preset_box(editor)).not_to_have_value("")
    editor.locator("#mask-name").fill("My translator")
    editor.get_by_role("button", name="Save", exact=True).click()
    mine = card(app, "My translator")
    expect(mine).to_have_count(1)
    expect(mine).not_to_contain_text("Built-in")
    expect(mine.locator("p.muted")).to_have_text(presets.replace("Built-in · ", ""))
    expect(card(app, "Translator (copy)")).to_have_count(0)
    expect(card(app, "Translator")).to_contain_text("Built-in")

    # Hide a built-in: gone, until "Show hidden masks"; it stays hidden after a reload.
    card(app, "SQL Helper").get_by_role("button", name="Hide").click()
    expect(card(app, "SQL Helper")).to_have_count(0)
    show_hidden = masks.get_by_label("Show hidden masks")
    show_hidden.check()
    expect(card(app, "SQL Helper")).to_be_visible()
    app.reload()
    masks = open_masks(app)
    expect(card(app, "Regex Helper")).to_be_visible()
    expect(card(app, "SQL Helper")).to_have_count(0)
    masks.get_by_label("Show hidden masks").check()
    card(app, "SQL Helper").get_by_role("button", name="Show", exact=True).click()
    masks.get_by_label("Show hidden masks").uncheck()
    expect(card(app, "SQL Helper")).to_be_visible()


def test_export_a_mask_and_import_it_back(app: ChatApp, tmp_path: Path) -> None:
    open_masks(app)
    create_mask(app, "Pirate", PRESET)
    pirate = card(app, "Pirate")
    name, data = download(app.page, pirate.get_by_role("button", name="Export", exact=True).click)
    assert name == "Pirate.json"
    exported = json.loads(data)
    assert [m["name"] for m in exported["masks"]] == ["Pirate"]
    assert exported["masks"][0]["context"] == [{"role": "system", "content": PRESET}]

    path = tmp_path / name
    path.write_bytes(data)
    app.page.locator(".masks-tools input[type=file]").set_input_files(path)
    expect(app.page.locator(".toast")).to_have_text("Imported 1 mask")
    expect(card(app, "Pirate")).to_have_count(2)
    copies = card(app, "Pirate").evaluate_all("els => els.map(e => e.dataset.maskId)")
    assert len(set(copies)) == 2
    for copy in card(app, "Pirate").all():
        expect(copy).to_contain_text("1 preset message")

    # The copy survives a reload, with its preset message.
    app.reload()
    open_masks(app)
    expect(card(app, "Pirate")).to_have_count(2)
    card(app, "Pirate").first.get_by_role("button", name="Edit", exact=True).click()
    expect(preset_box(dialog(app, "Pirate"))).to_have_value(PRESET)
