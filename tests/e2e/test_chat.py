"""Chatting in the browser: streaming, stop, reload, errors, editing, the sidebar, commands, drafts."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import ChatApp, chat_requests, status_class, wait_for
from tests.fake_upstream import FakeUpstream, Reply

# These tests name chats by their first question; automatic titles are tested on their own.
AUTO_TITLE = False

SERVER_ENV = {"OPENAI_API_KEY": "sk-e2e-server", "CUSTOM_MODELS": "+no-done"}
MODEL = "gpt-4o-mini"  # the page's default model

GROWING = " ".join(f"word{i}" for i in range(60)) + " **the end**"


def sent_messages(upstream: FakeUpstream, index: int = -1) -> list[dict[str, str]]:
    body = chat_requests(upstream)[index].body
    assert isinstance(body, dict), body
    return body["messages"]


def test_answer_streams_in_with_stop_button(app: ChatApp, upstream: FakeUpstream) -> None:
    upstream.replies[MODEL] = Reply(GROWING, piece=8, delay=0.03)
    app.send("Count for me")

    answer = app.answers.first
    expect(answer).to_have_class(status_class("streaming"))
    expect(app.stop_button).to_be_visible()
    # The text grows while the answer is still being written.
    grows = """([n]) => {
        const a = document.querySelector('article.message.from-assistant');
        const md = a && a.querySelector('.markdown');
        return !!md && a.classList.contains('status-streaming') && md.textContent.length > n;
    }"""
    app.page.wait_for_function(grows, arg=[0])
    first = len(answer.locator(".markdown").inner_text())
    app.page.wait_for_function(grows, arg=[first + 20])
    expect(app.stop_button).to_be_visible()

    expect(answer).to_have_class(status_class("done"))
    expect(answer.locator(".markdown")).to_have_text(GROWING.replace("**", ""))
    expect(answer.locator(".markdown strong")).to_have_text("the end")
    expect(app.stop_button).to_have_count(0)
    expect(app.send_button).to_be_visible()
    expect(answer.locator(".message-meta")).to_contain_text(MODEL)
    expect(app.questions.first.locator(".markdown")).to_have_text("Count for me")
    assert sent_messages(upstream) == [{"role": "user", "content": "Count for me"}]


def test_stop_keeps_partial_text_and_closes_upstream(app: ChatApp, upstream: FakeUpstream) -> None:
    full = " ".join(f"token{i}" for i in range(300))
    upstream.replies[MODEL] = Reply(full, piece=8, delay=0.03)
    app.send("Write a lot")
    answer = app.answers.first
    expect(answer.locator(".markdown")).to_contain_text("token3")
    app.stop_button.click()

    expect(answer).to_have_class(status_class("stopped"))
    expect(answer.locator(".status-note")).to_have_text("Stopped")
    closed = upstream.wait_closed()
    assert not closed.finished
    partial = answer.locator(".markdown").inner_text()
    assert partial.startswith("token0 token1 token2 token3")
    assert len(partial) < len(full)
    expect(app.send_button).to_be_visible()

    # The stopped answer is kept as it stood.
    app.reload()
    expect(app.answers.first).to_have_class(status_class("stopped"))
    expect(app.answers.first.locator(".markdown")).to_have_text(partial)


def test_per_message_stop_button(app: ChatApp, upstream: FakeUpstream) -> None:
    upstream.replies[MODEL] = Reply(" ".join(f"t{i}" for i in range(300)), piece=4, delay=0.03)
    app.send("Go on")
    answer = app.answers.first
    expect(answer.locator(".markdown")).to_contain_text("t2")
    answer.locator("button.stop").click()
    expect(answer).to_have_class(status_class("stopped"))
    upstream.wait_closed()


def test_reload_keeps_conversation(app: ChatApp, upstream: FakeUpstream) -> None:
    upstream.replies[MODEL] = Reply("First answer, with *emphasis*.")
    app.ask("First question")
    upstream.replies[MODEL] = Reply("Second answer:\n\n- one\n- two")
    app.ask("Second question")
    before_q = app.questions.locator(".markdown").all_inner_texts()
    before_a = app.answers.locator(".markdown").all_inner_texts()
    assert before_q == ["First question", "Second question"]

    app.reload()
    expect(app.chat_items).to_have_count(1)
    expect(app.chat_items.first.locator(".chat-title")).to_have_text("First question")
    expect(app.page.locator(".chat-heading h1")).to_have_text("First question")
    expect(app.questions.locator(".markdown")).to_have_text(before_q)
    expect(app.answers.locator(".markdown")).to_have_text(before_a)
    expect(app.answers).to_have_class([status_class("done")] * 2)
    expect(app.answers.nth(1).locator(".markdown li")).to_have_text(["one", "two"])


def test_stream_without_done_is_an_error_that_keeps_the_text(app: ChatApp, upstream: FakeUpstream) -> None:
    upstream.replies["no-done"] = Reply("This answer never says it is done.")
    app.use_model("no-done")
    answer = app.ask("Finish properly", status="error")
    expect(answer.locator(".markdown")).to_have_text("This answer never says it is done.")
    expect(answer.locator(".error-headline")).to_have_text(
        "The answer was cut off midway; what arrived is kept. Retry to get a full answer."
    )
    expect(answer.locator(".error-detail")).to_be_visible()


def test_retry_regenerates_the_answer(app: ChatApp, upstream: FakeUpstream) -> None:
    upstream.replies[MODEL] = Reply("First try.")
    answer = app.ask("Tell me a joke")
    expect(answer.locator(".markdown")).to_have_text("First try.")

    upstream.replies[MODEL] = Reply("Second try.")
    app.button("Retry", within=answer).click()
    expect(app.answers).to_have_count(1)
    expect(app.answers.first).to_have_class(status_class("done"))
    expect(app.answers.first.locator(".markdown")).to_have_text("Second try.")
    expect(app.questions).to_have_count(1)
    assert len(chat_requests(upstream)) == 2
    assert sent_messages(upstream) == [{"role": "user", "content": "Tell me a joke"}]


def test_edit_a_question_and_send_it_again(app: ChatApp, upstream: FakeUpstream) -> None:
    upstream.replies[MODEL] = Reply("Four.")
    app.ask("What is 2+2?")
    upstream.replies[MODEL] = Reply("Six.")

    question = app.questions.first
    app.button("Edit", within=question).click()
    box = question.locator(".edit-box textarea")
    expect(box).to_have_value("What is 2+2?")
    box.fill("What is 3+3?")
    question.get_by_role("button", name="Save and send").click()

    expect(app.questions).to_have_count(1)
    expect(app.questions.first.locator(".markdown")).to_have_text("What is 3+3?")
    expect(app.answers).to_have_count(1)
    expect(app.answers.first).to_have_class(status_class("done"))
    expect(app.answers.first.locator(".markdown")).to_have_text("Six.")
    assert sent_messages(upstream) == [{"role": "user", "content": "What is 3+3?"}]


def test_delete_a_message(app: ChatApp, upstream: FakeUpstream) -> None:
    upstream.replies[MODEL] = Reply("Something to delete.")
    answer = app.ask("Say something")
    app.button("Delete", within=answer).click()
    expect(app.answers).to_have_count(0)
    expect(app.questions).to_have_count(1)
    expect(app.chat_items.first.locator(".chat-meta")).to_contain_text("1 message")

    app.reload()
    expect(app.questions).to_have_count(1)
    expect(app.answers).to_have_count(0)


def test_sidebar_new_rename_delete_undo_and_search(app: ChatApp, upstream: FakeUpstream) -> None:
    upstream.replies[MODEL] = Reply("Noted. The secret word is zebra.")
    app.ask("apples are red")
    app.page.locator("aside.sidebar .new-chat").click()
    expect(app.page.locator(".chat-heading h1")).to_have_text("New conversation")
    expect(app.questions).to_have_count(0)
    upstream.replies[MODEL] = Reply("Bananas noted.")
    app.ask("bananas are yellow")
    titles = app.chat_items.locator(".chat-title")
    expect(titles).to_have_text(["bananas are yellow", "apples are red"])

    # Search finds a chat by the text of an answer, not only by its title.
    search = app.page.locator("aside.sidebar input[type=search]")
    search.fill("ZEBRA")
    expect(titles).to_have_text(["apples are red"])
    search.fill("no such words anywhere")
    expect(titles).to_have_count(0)
    expect(app.page.locator("aside.sidebar .empty")).to_have_text("Nothing matches")
    search.fill("")
    expect(titles).to_have_count(2)

    # Rename.
    app.chat_items.filter(has_text="apples are red").hover()  # the actions show on hover
    app.button("Rename: apples are red").click()
    rename = app.page.locator("aside.sidebar input.rename")
    expect(rename).to_be_focused()
    rename.fill("Fruit notes")
    rename.press("Enter")
    expect(titles).to_have_text(["bananas are yellow", "Fruit notes"])

    # Delete, then Undo brings it back with its messages.
    app.chat_items.filter(has_text="Fruit notes").hover()
    app.button("Delete: Fruit notes").click()
    expect(titles).to_have_text(["bananas are yellow"])
    toast = app.page.locator(".toast")
    expect(toast).to_contain_text("Fruit notes")
    toast.get_by_role("button", name="Undo").click()
    expect(titles).to_have_count(2)
    expect(titles).to_contain_text(["Fruit notes"])
    app.page.locator("aside.sidebar .chat-open", has_text="Fruit notes").click()
    expect(app.page.locator(".chat-heading h1")).to_have_text("Fruit notes")
    expect(app.questions.locator(".markdown")).to_have_text(["apples are red"])

    # Delete without Undo: gone for good, also after a reload.
    app.chat_items.filter(has_text="bananas are yellow").hover()
    app.button("Delete: bananas are yellow").click()
    expect(titles).to_have_text(["Fruit notes"])
    app.reload()
    expect(titles).to_have_text(["Fruit notes"])


def test_a_deleted_chat_stays_deleted_when_the_page_reloads_at_once(app: ChatApp, upstream: FakeUpstream) -> None:
    # The reload starts in the same task as the click: whatever records the
    # deletion must survive a page torn down before its writes commit.
    upstream.replies[MODEL] = Reply("Noted.")
    names = ["first note", "second note", "third note"]
    for i, name in enumerate(names):
        if i:
            app.page.locator("aside.sidebar .new-chat").click()
            expect(app.questions).to_have_count(0)
        app.ask(name)
    titles = app.chat_items.locator(".chat-title")
    expect(titles).to_have_text(names[::-1])
    for i, name in enumerate(names):
        app.page.evaluate(
            '(label) => { document.querySelector(`button[aria-label="${label}"]`).click(); location.reload(); }',
            f"Delete: {name}",
        )
        app.wait_ready()
        expect(titles).to_have_text(names[i + 1 :][::-1])


def test_commands_clear_and_new(app: ChatApp, upstream: FakeUpstream) -> None:
    upstream.replies[MODEL] = Reply("Remembered: the colour is teal.")
    app.ask("My favourite colour is teal")

    app.composer.fill(":clear")
    app.composer.press("Enter")
    expect(app.composer).to_have_value("")
    divider = app.page.locator(".context-divider")
    expect(divider).to_have_text("Context cleared: messages above are not sent")
    assert len(chat_requests(upstream)) == 1  # a command is not a message

    upstream.replies[MODEL] = Reply("I do not know your colour.")
    app.ask("What is my favourite colour?")
    assert sent_messages(upstream) == [{"role": "user", "content": "What is my favourite colour?"}]
    expect(divider).to_have_count(1)

    app.composer.fill(":new")
    app.composer.press("Enter")
    expect(app.chat_items).to_have_count(2)
    expect(app.page.locator(".chat-heading h1")).to_have_text("New conversation")
    expect(app.questions).to_have_count(0)
    expect(app.page.locator(".empty-chat")).to_be_visible()
    assert len(chat_requests(upstream)) == 2


def test_drafts_survive_switching_chats(app: ChatApp, upstream: FakeUpstream) -> None:
    app.ask("first chat")
    app.composer.fill("draft for the first chat")
    app.page.locator("aside.sidebar .new-chat").click()
    expect(app.composer).to_have_value("")
    app.composer.fill("draft for the second chat")

    items = app.page.locator("aside.sidebar .chat-open")
    items.filter(has_text="first chat").click()
    expect(app.questions.locator(".markdown")).to_have_text(["first chat"])
    expect(app.composer).to_have_value("draft for the first chat")
    items.filter(has_text="New conversation").click()
    expect(app.questions).to_have_count(0)
    expect(app.composer).to_have_value("draft for the second chat")
    assert len(chat_requests(upstream)) == 1


def test_enter_sends_and_shift_enter_breaks_the_line(app: ChatApp, upstream: FakeUpstream) -> None:
    app.composer.fill("line one")
    app.composer.press("Shift+Enter")
    app.composer.press_sequentially("line two")
    expect(app.composer).to_have_value("line one\nline two")
    expect(app.questions).to_have_count(0)

    app.composer.press("Enter")
    expect(app.questions).to_have_count(1)
    expect(app.composer).to_have_value("")
    expect(app.questions.first.locator(".markdown")).to_have_text("line one\nline two", use_inner_text=True)
    expect(app.questions.first.locator(".markdown br")).to_have_count(1)
    expect(app.answers.first).to_have_class(status_class("done"))
    wait_for(lambda: len(chat_requests(upstream)) == 1, what="the chat request")
    assert sent_messages(upstream) == [{"role": "user", "content": "line one\nline two"}]
