"""Export one conversation (Markdown, JSON, PNG) and back up, clear, restore everything;
import a NextChat backup."""

from __future__ import annotations

import base64
import json
import re
import struct
import zlib
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import ChatApp, chat_requests, download, stored
from tests.fake_upstream import FakeUpstream, Reply

AUTO_TITLE = False
MODEL = "gpt-4o-mini"
NEXTCHAT_BACKUP = Path(__file__).parent / "fixtures" / "nextchat-backup.json"

ANSWER_1 = (
    "Recursion is a function calling itself:\n\n"
    "- a **base case** stops it\n"
    "- each call works on a smaller problem\n\n"
    "```python\ndef fact(n):\n    return 1 if n < 2 else n * fact(n - 1)\n```"
)
ANSWER_2 = "Every call waits on the stack until the base case returns."


# --- reading a PNG without Pillow ------------------------------------------------


def png_info(data: bytes) -> tuple[int, int, bytes]:
    """(width, height, decompressed image data) of an 8-bit PNG; checks every chunk's CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:8]
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind!r}"
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6), (depth, colour)  # RGB or RGBA
    raw = zlib.decompress(idat)
    assert len(raw) == height * (1 + width * (4 if colour == 6 else 3)), "truncated image data"
    return width, height, raw


PIXEL_STATS = """async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    const colours = new Set();
    let sum = 0, sq = 0, dark = 0;
    const n = data.length / 4;
    for (let i = 0; i < data.length; i += 4) {
        const y = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
        sum += y; sq += y * y;
        if (y < 100) dark++;
        if (colours.size < 5000) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    }
    const mean = sum / n;
    return { colours: colours.size, std: Math.sqrt(sq / n - mean * mean), dark: dark / n };
}"""


# --- one conversation -----------------------------------------------------------------


def two_exchanges(app: ChatApp, upstream: FakeUpstream) -> None:
    upstream.replies[MODEL] = Reply(ANSWER_1, piece=40)
    app.ask("Explain recursion")
    upstream.replies[MODEL] = Reply(ANSWER_2, piece=40)
    app.ask("Why does it need a stack?")


def export_dialog(app: ChatApp) -> Locator:
    app.button("Export").click()
    box = app.page.get_by_role("dialog", name="Export conversation")
    expect(box).to_be_visible()
    return box


def test_export_markdown_json_and_png(app: ChatApp, upstream: FakeUpstream, artifacts: Path) -> None:
    two_exchanges(app, upstream)
    box = export_dialog(app)
    expect(box.locator(".export-count")).to_have_text("Messages to include: 4 of 4 selected")

    name, data = download(app.page, box.get_by_role("button", name="Markdown", exact=True).click)
    assert name == "Explain recursion.md"
    md = data.decode()
    assert md.startswith("# Explain recursion\n")
    order = [md.index(s) for s in ("Explain recursion\n\n---", ANSWER_1, "Why does it need a stack?", ANSWER_2)]
    assert order == sorted(order), md
    assert md.count("**You**") == 2 and md.count("**Assistant**") == 2, md
    assert MODEL in md
    expect(box.get_by_role("status")).to_have_text("Saved Explain recursion.md")

    # Leave the first answer out.
    items = box.locator(".export-list input[type=checkbox]")
    expect(items).to_have_count(4)
    items.nth(1).uncheck()
    expect(box.locator(".export-count")).to_have_text("Messages to include: 3 of 4 selected")
    name, data = download(app.page, box.get_by_role("button", name="JSON", exact=True).click)
    assert name == "Explain recursion.json"
    doc = json.loads(data)
    assert doc["app"] == "chatnext" and doc["kind"] == "chat"
    assert doc["chat"]["title"] == "Explain recursion"
    assert [(m["role"], m["content"]) for m in doc["messages"]] == [
        ("user", "Explain recursion"),
        ("user", "Why does it need a stack?"),
        ("assistant", ANSWER_2),
    ]
    assert doc["messages"][2]["model"] == MODEL
    assert ANSWER_1 not in data.decode()

    # All four again, as a picture.
    box.get_by_role("button", name="Select all").click()
    expect(box.locator(".export-count")).to_have_text("Messages to include: 4 of 4 selected")
    name, data = download(app.page, box.get_by_role("button", name="Image (PNG)").click, timeout=30_000)
    assert name == "Explain recursion.png"
    (artifacts / "export-share-card.png").write_bytes(data)  # to look at
    width, height, raw = png_info(data)
    assert width >= 600 and height >= 400, (width, height)  # drawn at 2x
    assert height > width / 3, (width, height)  # four messages stack up
    # A blank image filters down to almost all zero bytes; text and a code block do not.
    sample = raw[:: max(1, len(raw) // 200_000)]
    assert sum(1 for b in sample if b) / len(sample) > 0.003
    stats = app.page.evaluate(PIXEL_STATS, base64.b64encode(data).decode())
    assert stats["colours"] > 50, stats  # text is antialiased: many shades
    assert stats["std"] > 10, stats
    assert 0.002 < stats["dark"] < 0.5, stats  # some dark text on a light card
    expect(box.get_by_role("status")).to_have_text("Saved Explain recursion.png")

    box.get_by_role("button", name="Close").click()
    expect(box).to_have_count(0)


# --- backups ---------------------------------------------------------------------------


def open_data_settings(app: ChatApp) -> Locator:
    settings = app.open_settings()
    backup = settings.locator(".backup")
    expect(backup).to_be_visible()
    return backup


def restore(app: ChatApp, backup: Locator, path: Path, summary: str) -> None:
    backup.locator("input[type=file]").set_input_files(path)
    expect(backup.locator(".backup-status")).to_have_text(summary)
    expect(backup.locator(".backup-status")).to_have_class(re.compile(r"\bok\b"))


def counts(page: Page) -> dict[str, int]:
    return {s: len(stored(page, s)) for s in ("chats", "messages", "masks", "prompts")}


def test_backup_clear_and_restore(app: ChatApp, upstream: FakeUpstream, tmp_path: Path) -> None:
    page = app.page
    upstream.replies[MODEL] = Reply("Bring a blanket and lemonade.")
    app.ask("Plan a picnic")
    page.locator("aside.sidebar button.new-chat").click()
    expect(app.answers).to_have_count(0)
    upstream.replies[MODEL] = Reply("Pack water and a map.")
    app.ask("Plan a hike")
    expect(app.chat_items).to_have_count(2)

    app.button("Masks").click()
    page.get_by_role("button", name="New mask").click()
    editor = page.get_by_role("dialog", name="New mask")
    editor.locator("#mask-name").fill("Picnic planner")
    editor.get_by_role("button", name="Add message").click()
    editor.locator('textarea[aria-label="Preset messages 1"]').fill("You plan outdoor meals.")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("li.mask-card h3", has_text="Picnic planner")).to_have_count(1)

    settings = app.open_settings()
    settings.get_by_role("button", name="Add prompt").click()
    page.locator("#promptTitle").fill("Weekend plan")
    page.locator("#promptContent").fill("Plan my weekend around the weather:")
    settings.locator("form.prompt-form").get_by_role("button", name="Save", exact=True).click()
    expect(settings.locator(".prompt-list li strong")).to_have_text(["Weekend plan"])
    before = counts(page)
    assert before == {"chats": 2, "messages": 4, "masks": 1, "prompts": 1}

    backup = settings.locator(".backup")
    name, data = download(page, backup.get_by_role("button", name="Back up everything").click)
    assert re.fullmatch(r"chatnext-backup-\d{4}-\d\d-\d\d\.json", name), name
    expect(backup.locator(".backup-status")).to_have_text(f"Saved {name}")
    doc = json.loads(data)
    assert doc["app"] == "chatnext"
    assert sorted(c["title"] for c in doc["chats"]) == ["Plan a hike", "Plan a picnic"]
    assert len(doc["messages"]) == 4 and len(doc["masks"]) == 1 and len(doc["prompts"]) == 1
    assert "apiKey" not in doc["settings"] and "accessCode" not in doc["settings"]
    path = tmp_path / name
    path.write_bytes(data)

    # Clear everything (after confirming); the page starts over, empty.
    page.once("dialog", lambda d: d.accept())
    with page.expect_navigation(wait_until="commit"):
        settings.get_by_role("button", name="Clear all data").click()
    app.wait_ready()
    expect(app.chat_items).to_have_count(0)
    assert counts(page) == {"chats": 0, "messages": 0, "masks": 0, "prompts": 0}

    backup = open_data_settings(app)
    expect(page.locator(".prompt-list li strong")).to_have_count(0)
    restore(app, backup, path, "Restored: 2 chats, 4 messages, 1 mask, 1 prompt")
    expect(page.locator(".prompt-list li strong")).to_have_text(["Weekend plan"])
    expect(app.chat_items.locator(".chat-title")).to_have_text(["Plan a hike", "Plan a picnic"])
    assert counts(page) == before

    # Restoring the same file again duplicates nothing.
    restore(app, backup, path, "Restored: 2 chats, 4 messages, 1 mask, 1 prompt")
    assert counts(page) == before
    expect(page.locator(".prompt-list li")).to_have_count(1)
    app.back()
    expect(app.chat_items).to_have_count(2)
    app.chat_items.filter(has_text="Plan a picnic").click()
    expect(app.questions.locator(".markdown")).to_have_text(["Plan a picnic"])
    expect(app.answers.locator(".markdown")).to_have_text(["Bring a blanket and lemonade."])
    app.button("Masks").click()
    expect(page.locator("li.mask-card h3", has_text="Picnic planner")).to_have_count(1)

    # And it is all still there after a reload.
    app.reload()
    expect(app.chat_items).to_have_count(2)
    assert counts(page) == before


def test_import_a_nextchat_backup(app: ChatApp, upstream: FakeUpstream) -> None:
    page = app.page
    backup = open_data_settings(app)
    restore(app, backup, NEXTCHAT_BACKUP, "Restored: 1 chat, 4 messages, 1 mask, 1 prompt")
    expect(page.locator(".prompt-list li strong")).to_have_text(["Explain like a baker"])
    expect(page.locator("html")).to_have_attribute("data-theme", "light")  # its settings too
    restore(app, backup, NEXTCHAT_BACKUP, "Restored: 1 chat, 4 messages, 1 mask, 1 prompt")
    assert counts(page) == {"chats": 1, "messages": 4, "masks": 1, "prompts": 1}
    app.back()

    expect(app.chat_items.locator(".chat-title")).to_have_text(["Sourdough starter help"])
    app.chat_items.first.click()
    expect(page.locator(".chat-heading h1")).to_have_text("Sourdough starter help")
    expect(app.questions.locator(".markdown")).to_have_text(
        ["My sourdough starter smells like nail polish. Is it dead?", "It doubled in six hours. Ready to bake?"]
    )
    expect(app.answers).to_have_count(2)
    expect(app.answers.first.locator(".markdown li")).to_have_text(
        ["Discard all but 50 g", "Feed it 1:1:1 twice a day", "Keep it warm"]
    )
    expect(app.answers.first.locator(".message-meta")).to_contain_text("gpt-4o-mini")
    expect(app.answers.first.locator(".message-meta")).to_contain_text("11/26/2024")  # NextChat's own dates

    # The session's mask and memory came along: visible in its settings, and sent.
    app.button("Chat settings").click()
    box = page.get_by_role("dialog", name="Chat settings")
    expect(box.locator('textarea[aria-label="Preset messages 1"]')).to_have_value(
        "You are a patient artisan baker who explains fermentation simply."
    )
    expect(box.locator("#memoryPrompt")).to_have_value(
        "The user is baking their first sourdough loaf and keeps the starter at 22 °C."
    )
    expect(box.locator("#chat-temperature")).to_have_value("0.4")
    box.get_by_role("button", name="Cancel").last.click()
    upstream.replies[MODEL] = Reply("Bake at 240 °C.")
    app.ask("How hot should the oven be?")
    sent = chat_requests(upstream)[-1].body["messages"]
    assert sent[0] == {"role": "system", "content": "You are a patient artisan baker who explains fermentation simply."}
    assert sent[1]["role"] == "system" and sent[1]["content"].endswith("keeps the starter at 22 °C.")
    assert sent[-1] == {"role": "user", "content": "How hot should the oven be?"}
    assert {"role": "user", "content": "It doubled in six hours. Ready to bake?"} in sent

    # The mask-store mask is one of the user's masks; the prompt is in the "/" search.
    app.button("Masks").click()
    latin = page.locator("li.mask-card").filter(has=page.locator("h3", has_text="Latin Tutor"))
    expect(latin).to_contain_text("3 preset messages")
    expect(latin).not_to_contain_text("Built-in")
    # A chat with it sends its preset messages and its model settings.
    latin.get_by_role("button", name="Chat", exact=True).click()
    app.ask("Teach me the first declension.")
    body = chat_requests(upstream)[-1].body
    assert (body["model"], body["temperature"], body["max_tokens"]) == ("gpt-4o", 0.6, 2000)
    assert [m["content"] for m in body["messages"]] == [
        "You teach Latin grammar to beginners, one declension at a time.",
        "Salve!",
        "Salve, discipule! Quid hodie discere vis?",
        "Teach me the first declension.",
    ]
    app.composer.press_sequentially("/baker")
    expect(page.locator("#prompt-picker [role=option] strong").first).to_have_text("Explain like a baker")


def test_nextchat_avatars_show_as_emoji(app: ChatApp) -> None:
    """NextChat stores a mask's avatar as the emoji's code points, "1f35e" or
    "1f9d1-200d-1f3eb" (emoji-picker-react's `unified`); imported, they are the emoji."""
    page = app.page
    restore(app, open_data_settings(app), NEXTCHAT_BACKUP, "Restored: 1 chat, 4 messages, 1 mask, 1 prompt")
    app.back()
    app.chat_items.first.click()
    expect(page.locator(".chat-head .chat-mask")).to_have_text("\U0001f35e", timeout=3000)  # 🍞, not "1f35e"
    app.button("Masks").click()
    latin = page.locator("li.mask-card").filter(has=page.locator("h3", has_text="Latin Tutor"))
    expect(latin.locator(".mask-avatar")).to_have_text("\U0001f9d1\u200d\U0001f3eb", timeout=3000)  # 🧑‍🏫
