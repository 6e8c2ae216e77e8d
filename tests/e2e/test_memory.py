"""Work done after an answer: automatic titles and the history summary (memory prompt).

Titles and summaries are the page's own non-streamed requests; they go to a
cheap model of the chat model's provider (gpt-4o-mini for gpt-4o), so the
chat runs on gpt-4o and the fake answers the side requests as gpt-4o-mini.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator, expect

from tests.e2e.conftest import ChatApp, chat_requests, side_requests, stored, wait_for
from tests.fake_upstream import FakeUpstream, Reply, Seen

# Automatic titles stay on in this module (the default).
CHAT_MODEL = "gpt-4o"
SIDE_MODEL = "gpt-4o-mini"

SUMMARY = "The user asked about Roman history; the assistant covered the Republic and the Empire."
LONG = " ".join(
    f"Paragraph {i}: the Roman Republic grew from a small city state into a Mediterranean power, "
    "with consuls, a senate and assemblies sharing the work of government."
    for i in range(10)
)  # about 1,600 characters


def last_user(seen: Seen) -> str:
    content: str = seen.body["messages"][-1]["content"]
    return content


def titles(upstream: FakeUpstream) -> list[Seen]:
    return [s for s in side_requests(upstream) if "title" in last_user(s).lower()]


def summaries(upstream: FakeUpstream) -> list[Seen]:
    return [s for s in side_requests(upstream) if last_user(s).startswith("Summarize")]


def heading(app: ChatApp) -> Locator:
    return app.page.locator(".chat-heading h1")


def chat_settings(app: ChatApp) -> Locator:
    app.button("Chat settings").click()
    box = app.page.get_by_role("dialog", name="Chat settings")
    expect(box).to_be_visible()
    return box


def save(box: Locator) -> None:
    box.get_by_role("button", name="Save", exact=True).click()
    expect(box).to_have_count(0)


def system_messages(seen: Seen) -> list[str]:
    return [m["content"] for m in seen.body["messages"] if m["role"] == "system"]


def test_auto_title_after_the_first_exchange_and_refresh(app: ChatApp, upstream: FakeUpstream) -> None:
    upstream.replies[CHAT_MODEL] = Reply("Paris is the capital of France.")
    upstream.replies[SIDE_MODEL] = Reply("Capital of France")
    app.use_model(CHAT_MODEL)
    app.ask("What is the capital of France?")

    expect(app.chat_items.first.locator(".chat-title")).to_have_text("Capital of France")
    expect(heading(app)).to_have_text("Capital of France")
    [title] = titles(upstream)
    assert title.body["model"] == SIDE_MODEL
    assert not title.body.get("stream")
    assert title.body["messages"][:2] == [
        {"role": "user", "content": "What is the capital of France?"},
        {"role": "assistant", "content": "Paris is the capital of France."},
    ]
    assert len(chat_requests(upstream)) == 1
    assert chat_requests(upstream)[0].body["model"] == CHAT_MODEL

    # A second answer does not ask for a title again.
    app.ask("And of Italy?")
    expect(app.answers).to_have_count(2)
    assert len(titles(upstream)) == 1

    # "Refresh title" asks again, and quotes around the answer are dropped.
    upstream.replies[SIDE_MODEL] = Reply('"Capitals of Europe"')
    box = chat_settings(app)
    box.get_by_role("button", name="Refresh title").click()
    expect(app.chat_items.first.locator(".chat-title")).to_have_text("Capitals of Europe")
    assert len(titles(upstream)) == 2
    assert titles(upstream)[-1].body["model"] == SIDE_MODEL
    box.get_by_role("button", name="Cancel").last.click()
    expect(box).to_have_count(0)
    expect(heading(app)).to_have_text("Capitals of Europe")

    app.reload()
    expect(app.chat_items.first.locator(".chat-title")).to_have_text("Capitals of Europe")


def memory_of(app: ChatApp) -> dict[str, Any]:
    [chat] = stored(app.page, "chats")
    memory: dict[str, Any] = chat.get("memory") or {}
    return memory


def test_long_history_is_summarised_and_sent_as_memory(app: ChatApp, upstream: FakeUpstream) -> None:
    app.open_settings()
    app.toggle("autoTitle", False)
    app.choose("model", CHAT_MODEL)
    app.set_text("compressThreshold", "200")
    expect(app.page.locator("#compressThreshold")).to_have_value("200")
    app.back()

    # A short exchange stays under the threshold: no summary yet.
    upstream.replies[CHAT_MODEL] = Reply("Rome was founded, by legend, in 753 BC.")
    upstream.replies[SIDE_MODEL] = Reply(SUMMARY)
    app.ask("When was Rome founded?")

    upstream.replies[CHAT_MODEL] = Reply(LONG, piece=400)
    for i in range(4):
        app.ask(f"Tell me more about Rome, part {i + 1}.")
        # The summary is requested just after the answer ends: give it a moment,
        # or the next long answer would (rightly) start a second one.
        try:
            wait_for(lambda: bool(summaries(upstream)), timeout=1.5, what="a summary request")
            break
        except AssertionError:
            continue
    wait_for(lambda: len(summaries(upstream)) == 1, what="a summary request")
    [summary] = summaries(upstream)
    assert summary.body["model"] == SIDE_MODEL
    assert not summary.body.get("stream")
    assert any(m["content"] == LONG for m in summary.body["messages"])
    assert summary.body["messages"][0] == {"role": "user", "content": "When was Rome founded?"}
    assert titles(upstream) == []
    wait_for(lambda: memory_of(app).get("prompt") == SUMMARY, what="the summary to be stored")

    # The next question carries the summary as a system message.
    upstream.replies[CHAT_MODEL] = Reply("Short answer.")
    app.ask("What came after the Empire?")
    memory = system_messages(chat_requests(upstream)[-1])
    assert len(memory) == 1 and memory[0].endswith(SUMMARY), memory
    assert chat_requests(upstream)[-1].body["messages"][-1] == {
        "role": "user",
        "content": "What came after the Empire?",
    }

    # Visible and editable in the chat's settings.
    box = chat_settings(app)
    expect(box.locator("#memoryPrompt")).to_have_value(SUMMARY)
    expect(box.locator("#memoryEnabled")).to_be_checked()
    box.locator("#memoryPrompt").fill("The user loves Roman aqueducts.")
    save(box)
    app.ask("Tell me about aqueducts.")
    memory = system_messages(chat_requests(upstream)[-1])
    assert len(memory) == 1 and memory[0].endswith("The user loves Roman aqueducts."), memory
    assert SUMMARY not in str(chat_requests(upstream)[-1].body)

    # Memory off: no summary is sent, the conversation still is.
    box = chat_settings(app)
    expect(box.locator("#memoryPrompt")).to_have_value("The user loves Roman aqueducts.")
    box.locator("#memoryEnabled").uncheck()
    save(box)
    app.ask("And the roads?")
    last = chat_requests(upstream)[-1]
    assert system_messages(last) == []
    assert "aqueducts" not in str([m for m in last.body["messages"] if m["role"] == "system"])
    assert last.body["messages"][-1] == {"role": "user", "content": "And the roads?"}
    assert len(last.body["messages"]) > 1
    assert len(summaries(upstream)) == 1

    # The choice is kept with the chat.
    app.reload()
    box = chat_settings(app)
    expect(box.locator("#memoryEnabled")).not_to_be_checked()
    expect(box.locator("#memoryPrompt")).to_have_value("The user loves Roman aqueducts.")
