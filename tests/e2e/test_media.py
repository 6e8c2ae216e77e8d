"""Images for vision models (attach, paste, drop, compress, send, keep), reasoning blocks, and the grouped model picker."""

from __future__ import annotations

import base64
import re
import struct
import zlib
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, expect

from tests.e2e.conftest import ChatApp, chat_requests, status_class
from tests.fake_upstream import FakeUpstream, Reply

AUTO_TITLE = False

SERVER_ENV = {"OPENAI_API_KEY": "sk-e2e-server", "CUSTOM_MODELS": "+claude-test@anthropic,+gemini-test@google"}
MODEL = "gpt-4o-mini"  # the page's default model, and a vision model
TEXT_ONLY = "gpt-3.5-turbo"


# --- images made here, read back here -----------------------------------------


def make_png(width: int, height: int, alpha: bool = False) -> bytes:
    """A real PNG: 16 bands of colour from blue to orange, half see-through with `alpha` (RGBA)."""
    band = max(1, height // 16)
    rows = []
    for y in range(0, height, band):
        shade = (y * 255) // height
        pixel = bytes([shade, 120, 255 - shade] + ([128] if alpha else []))
        rows.append(b"\x00" + pixel * width)  # filter byte, then the pixels
    raw = b"".join(rows[min(y // band, len(rows) - 1)] for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6 if alpha else 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")


def image_size(data: bytes) -> tuple[str, int, int]:
    """Format, width and height of a PNG or JPEG, from its header."""
    if data.startswith(b"\x89PNG"):
        width, height = struct.unpack(">II", data[16:24])
        return "png", width, height
    assert data[:2] == b"\xff\xd8", data[:8]
    i = 2
    while i < len(data):
        assert data[i] == 0xFF, f"bad JPEG marker at {i}"
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # a start-of-frame segment
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return "jpeg", width, height
        i += 2 + length
    raise AssertionError("no JPEG frame header")


BIG = make_png(3000, 2000)  # a phone photo's size: must be scaled down
SMALL = make_png(120, 80)  # small enough to go as it is


def data_url_bytes(url: str) -> bytes:
    assert re.match(r"^data:image/[a-z]+;base64,", url), url[:40]
    return base64.b64decode(url.split(",", 1)[1])


def image_parts(message: dict[str, Any]) -> list[str]:
    content = message["content"]
    assert isinstance(content, list), content
    return [p["image_url"]["url"] for p in content if p["type"] == "image_url"]


# --- page helpers -----------------------------------------------------------

# A File in a DataTransfer, as the browser hands it to a paste or a drop.
_DISPATCH = """([kind, files]) => {
    const dt = new DataTransfer();
    for (const [name, type, b64, size] of files) {
        const bytes = b64 ? Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)) : new Uint8Array(size);
        dt.items.add(new File([bytes], name, { type }));
    }
    if (kind === 'paste') {
        const area = document.querySelector('form.composer textarea');
        area.focus();
        area.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    } else {
        const target = document.querySelector('.message-list');
        for (const type of ['dragenter', 'dragover', 'drop']) {
            target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
        }
    }
}"""


def paste(app: ChatApp, *files: tuple[str, str, bytes]) -> None:
    app.page.evaluate(_DISPATCH, ["paste", [[n, t, base64.b64encode(b).decode(), 0] for n, t, b in files]])


def drop(app: ChatApp, *files: tuple[str, str, bytes | int]) -> None:
    """Drop files on the chat; an int instead of bytes makes a file of that many zero bytes."""
    spec = [[n, t, "", b] if isinstance(b, int) else [n, t, base64.b64encode(b).decode(), 0] for n, t, b in files]
    app.page.evaluate(_DISPATCH, ["drop", spec])


def thumbnails(app: ChatApp) -> Locator:
    return app.page.locator("form.composer .attachment img")


# --- images -------------------------------------------------------------------


def test_attached_image_is_compressed_sent_and_kept(app: ChatApp, upstream: FakeUpstream, artifacts: Path) -> None:
    upstream.replies[MODEL] = Reply("Stripes from blue to orange.")
    assert len(BIG) > 20_000
    app.page.locator("form.composer input[type=file]").set_input_files(
        files=[{"name": "photo.png", "mimeType": "image/png", "buffer": BIG}]
    )
    expect(thumbnails(app)).to_have_count(1)
    expect(thumbnails(app).first).to_have_attribute("src", re.compile(r"^data:image/jpeg;base64,"))

    answer = app.ask("What is in this picture?")
    expect(answer.locator(".markdown")).to_have_text("Stripes from blue to orange.")
    expect(thumbnails(app)).to_have_count(0)  # sent: the composer is empty again

    sent = chat_requests(upstream)[-1].body["messages"]
    assert sent[-1]["content"][0] == {"type": "text", "text": "What is in this picture?"}
    [url] = image_parts(sent[-1])
    data = data_url_bytes(url)
    kind, width, height = image_size(data)
    # No transparency: JPEG, scaled so the longest side is 1568 px, well under 1 MB.
    assert (kind, width, height) == ("jpeg", 1568, 1045)
    assert len(data) < 1_000_000

    question = app.questions.first
    expect(question.locator(".message-images img")).to_have_count(1)
    expect(question.locator(".bubble > .markdown")).to_have_text("What is in this picture?")
    app.page.screenshot(path=artifacts / "image-message.png")

    # Clicking the thumbnail shows it at full size; Escape closes it.
    question.locator(".message-images button").click()
    viewer = app.page.locator("dialog.image-viewer")
    expect(viewer).to_be_visible()
    assert viewer.locator("img").evaluate("(img) => img.naturalWidth") == 1568
    app.page.keyboard.press("Escape")
    expect(viewer).to_have_count(0)

    # The next question sends the earlier image again, in the history; text-only questions stay strings.
    upstream.replies[MODEL] = Reply("Orange.")
    app.ask("And which colour is at the bottom?")
    sent = chat_requests(upstream)[-1].body["messages"]
    assert image_parts(sent[0]) == [url]
    assert sent[1] == {"role": "assistant", "content": "Stripes from blue to orange."}
    assert sent[2] == {"role": "user", "content": "And which colour is at the bottom?"}

    # Kept with the chat.
    app.reload()
    kept = app.questions.first.locator(".message-images img")
    expect(kept).to_have_count(1)
    expect(kept).to_have_attribute("src", url)
    expect(app.questions.nth(1).locator(".message-images img")).to_have_count(0)


def test_small_png_goes_as_it_is_and_can_be_removed(app: ChatApp, upstream: FakeUpstream) -> None:
    paste(app, ("screenshot.png", "image/png", SMALL), ("second.png", "image/png", SMALL))
    expect(thumbnails(app)).to_have_count(2)
    app.page.get_by_role("button", name="Remove image 1").click()
    expect(thumbnails(app)).to_have_count(1)

    upstream.replies[MODEL] = Reply("Seen.")
    app.ask("")  # an image alone may be sent
    [url] = image_parts(chat_requests(upstream)[-1].body["messages"][-1])
    assert data_url_bytes(url) == SMALL
    assert chat_requests(upstream)[-1].body["messages"][-1]["content"][0]["type"] == "image_url"


def test_pasted_image_shows_a_thumbnail(app: ChatApp) -> None:
    app.composer.fill("Look:")
    paste(app, ("pasted.png", "image/png", make_png(2000, 1600, alpha=True)))
    expect(thumbnails(app)).to_have_count(1)
    # Transparent and small once scaled: stays PNG.
    src = thumbnails(app).first.get_attribute("src") or ""
    kind, width, height = image_size(data_url_bytes(src))
    assert (kind, width, height) == ("png", 1568, 1254)
    expect(app.composer).to_have_value("Look:")  # the paste added no text


def test_drop_attaches_images_and_refuses_the_rest(app: ChatApp, artifacts: Path) -> None:
    drop(app, ("a.png", "image/png", SMALL))
    expect(thumbnails(app)).to_have_count(1)
    app.composer.fill("Which of these is the odd one out?")
    drop(app, ("b.png", "image/png", make_png(300, 200, alpha=True)))
    expect(thumbnails(app)).to_have_count(2)
    app.page.locator("form.composer").screenshot(path=artifacts / "image-attachments.png")

    toast = app.page.locator(".toast")
    drop(app, ("notes.txt", "text/plain", b"not a picture"))
    expect(toast).to_have_text("Not an image: notes.txt")
    drop(app, ("huge.png", "image/png", 21 * 1024 * 1024))
    expect(toast).to_have_text("Larger than 20 MB: huge.png")
    expect(thumbnails(app)).to_have_count(2)

    drop(app, *[(f"{i}.png", "image/png", SMALL) for i in range(7)])
    expect(toast).to_have_text("At most 6 images per message.")
    expect(thumbnails(app)).to_have_count(6)


def test_text_only_model_has_no_attach_button_and_refuses_images(app: ChatApp) -> None:
    expect(app.page.locator("form.composer .attach-button")).to_be_visible()
    app.use_model(TEXT_ONLY)
    expect(app.page.locator("form.composer .attach-button")).to_have_count(0)
    expect(app.page.locator("form.composer input[type=file]")).to_have_count(0)
    paste(app, ("pasted.png", "image/png", SMALL))
    expect(app.page.locator(".toast")).to_contain_text("can't see images.")
    expect(thumbnails(app)).to_have_count(0)


# --- reasoning ------------------------------------------------------------------

THOUGHT = "Let me think step by step. First, **two** and two make four; then I check it again."


def test_reasoning_streams_open_then_folds_away(app: ChatApp, upstream: FakeUpstream, artifacts: Path) -> None:
    upstream.replies[MODEL] = Reply("The answer is **4**.", piece=4, delay=0.08, reasoning=THOUGHT)
    app.send("What is 2 + 2?")
    answer = app.answers.first
    block = answer.locator("details.reasoning")
    # While thinking: open, saying so, the thought growing, no answer yet.
    expect(block).to_have_attribute("open", "")
    expect(block.locator("summary")).to_have_text("Thinking…")
    expect(block.locator(".markdown")).to_contain_text("Let me think")
    expect(answer.locator(".bubble > .markdown")).to_have_count(0)
    expect(answer).to_have_class(status_class("streaming"))

    # The answer starts: the block closes and says how long it took.
    expect(answer.locator(".bubble > .markdown")).to_contain_text("The answer")
    expect(block).not_to_have_attribute("open", re.compile(".*"))
    expect(block.locator("summary")).to_have_text(re.compile(r"^Thought for \d+ s$"))
    expect(answer).to_have_class(status_class("done"))
    expect(answer.locator(".bubble > .markdown")).to_have_text("The answer is 4.")
    expect(block.locator(".markdown")).not_to_be_visible()

    block.locator("summary").click()
    expect(block.locator(".markdown")).to_be_visible()
    expect(block.locator(".markdown")).to_have_text(THOUGHT.replace("**", ""))
    expect(block.locator(".markdown strong")).to_have_text("two")
    block.screenshot(path=artifacts / "reasoning-block.png")
    app.page.screenshot(path=artifacts / "reasoning.png")

    # Kept with the message, and never sent back.
    stored = app.page.evaluate(
        "() => document.querySelector('article.message.from-assistant details.reasoning summary').textContent"
    )
    upstream.replies[MODEL] = Reply("Six.")
    app.ask("And 3 + 3?")
    sent = chat_requests(upstream)[-1].body["messages"]
    assert sent[1] == {"role": "assistant", "content": "The answer is **4**."}
    assert "step by step" not in str(sent)
    app.reload()
    expect(app.answers.first.locator("details.reasoning summary")).to_have_text(stored)
    expect(app.answers.first.locator("details.reasoning")).not_to_have_attribute("open", re.compile(".*"))
    expect(app.answers.nth(1).locator("details.reasoning")).to_have_count(0)


def test_think_tags_in_the_content_become_a_reasoning_block(app: ChatApp, upstream: FakeUpstream) -> None:
    upstream.replies[MODEL] = Reply(
        "<think>\nThe user greets me; I should greet back.\n</think>\n\nHello there!", piece=6, delay=0.05
    )
    app.send("Hi")
    answer = app.answers.first
    block = answer.locator("details.reasoning")
    expect(block).to_have_attribute("open", "")
    expect(block.locator("summary")).to_have_text("Thinking…")
    expect(answer).to_have_class(status_class("done"))
    expect(answer.locator(".bubble > .markdown")).to_have_text("Hello there!")
    expect(block.locator("summary")).to_have_text(re.compile(r"^Thought for \d+ s$"))
    assert "think" not in answer.locator(".bubble > .markdown").inner_text()
    block.locator("summary").click()
    expect(block.locator(".markdown")).to_have_text("The user greets me; I should greet back.")

    # Copy copies the answer only.
    app.page.evaluate("() => { navigator.clipboard.writeText = async (text) => { window.__copied = text; }; }")
    answer.hover()
    app.button("Copy", answer).click()
    expect(app.page.locator(".toast")).to_have_text("Copied")
    assert app.page.evaluate("() => window.__copied") == "Hello there!"

    upstream.replies[MODEL] = Reply("Fine, thanks.")
    app.ask("How are you?")
    assert chat_requests(upstream)[-1].body["messages"][1] == {"role": "assistant", "content": "Hello there!"}


def test_think_later_in_the_text_is_left_alone(app: ChatApp, upstream: FakeUpstream) -> None:
    upstream.replies[MODEL] = Reply("Models write `<think>` tags before answering.")
    answer = app.ask("What do R1 models do?")
    expect(answer.locator("details.reasoning")).to_have_count(0)
    expect(answer.locator(".bubble > .markdown")).to_have_text("Models write <think> tags before answering.")


def test_reasoning_labels_in_chinese(app: ChatApp, upstream: FakeUpstream) -> None:
    app.open_settings()
    app.choose("lang", "zh-CN")
    app.back("返回")
    upstream.replies[MODEL] = Reply("答案是 4。", piece=4, delay=0.08, reasoning="先想一想：二加二等于四。")
    app.send("2 + 2 等于几？")
    block = app.answers.first.locator("details.reasoning")
    expect(block.locator("summary")).to_have_text("思考中…")
    expect(app.answers.first).to_have_class(status_class("done"))
    expect(block.locator("summary")).to_have_text(re.compile(r"^已深度思考（用时 \d+ 秒）$"))


# --- the model picker ---------------------------------------------------------------

GROUPS = """(select) => {
    const group = (value) => select.querySelector(`option[value="${value}"]`).parentElement;
    return {
        groups: [...select.querySelectorAll('optgroup')].map((g) => g.label),
        gpt: [group('gpt-4o').tagName, group('gpt-4o').label],
        claude: [group('claude-test@anthropic').tagName, group('claude-test@anthropic').label],
        gemini: group('gemini-test@google').label,
        claudeText: select.querySelector('option[value="claude-test@anthropic"]').textContent,
        loose: select.querySelectorAll(':scope > option').length,
    };
}"""


def test_model_picker_groups_models_by_provider(app: ChatApp) -> None:
    app.open_settings()
    picker = app.page.locator("#model")
    got = picker.evaluate(GROUPS)
    assert len(got["groups"]) >= 3, got
    assert got["groups"][0].lower() == "openai"  # OpenAI first
    assert got["gpt"][0] == got["claude"][0] == "OPTGROUP"
    assert got["gpt"][1] != got["claude"][1] != got["gemini"]
    assert got["claude"][1].lower() == "anthropic"
    assert got["claudeText"] == "claude-test"  # the display name, no provider suffix: the group says it
    assert got["loose"] == 0
    # The value still works as before.
    app.choose("model", "claude-test@anthropic")
    expect(picker).to_have_value("claude-test@anthropic")
    app.back()
    expect(app.page.locator(".chat-heading p")).to_contain_text("claude-test")

    # The summary model picker is grouped too.
    app.open_settings()
    assert len(app.page.locator("#compressModel").evaluate(GROUPS)["groups"]) >= 3
