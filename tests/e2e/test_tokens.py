"""Token counts under each answer, and the chat's total and cost in its header."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Route, expect

from tests.conftest import Server
from tests.e2e.conftest import ChatApp, chat_requests
from tests.fake_upstream import REPLY, FakeUpstream, Reply

AUTO_TITLE = False
MODEL = "gpt-4o-mini"  # the page's default model, in the pricing table

# What the fake reports when asked for usage (see fake_upstream._chunk).
PROMPT_TOKENS = 5
COMPLETION_TOKENS = len(REPLY)


def expected_cost(server: Server, model: str, turns: int) -> str:
    """The header's cost: prices per 1M tokens from /api/pricing, 4 decimals under a cent."""
    table = httpx.get(server.url + "/api/pricing").json()
    assert table["currency"] == "USD"
    price = table["models"][model]
    cost = turns * (PROMPT_TOKENS * price["input"] + COMPLETION_TOKENS * price["output"]) / 1_000_000
    if 0 < cost < 0.0001:
        return "< $0.0001"  # the page says so rather than "$0.0000", which reads as free
    return f"${cost:.4f}" if cost < 0.01 else f"${cost:.2f}"


def test_usage_from_the_upstream_with_total_and_cost(app: ChatApp, upstream: FakeUpstream, server: Server) -> None:
    total = app.page.locator(".chat-heading .chat-total")
    expect(total).to_have_count(0)

    answer = app.ask("Hello there")
    body = chat_requests(upstream)[-1].body
    assert body["stream_options"] == {"include_usage": True}
    # The upstream's own numbers, not an estimate.
    expect(answer.locator(".message-usage")).to_have_text(f"{PROMPT_TOKENS} in · {COMPLETION_TOKENS} out tokens")
    turn = PROMPT_TOKENS + COMPLETION_TOKENS
    expect(total).to_have_text(f" · {turn} tokens · {expected_cost(server, MODEL, 1)}")
    expect(total).to_have_attribute("title", "estimated cost")

    app.ask("Again, please")
    expect(app.answers.nth(1).locator(".message-usage")).to_have_text(
        f"{PROMPT_TOKENS} in · {COMPLETION_TOKENS} out tokens"
    )
    expect(total).to_have_text(f" · {2 * turn} tokens · {expected_cost(server, MODEL, 2)}")

    # Kept with the messages.
    app.reload()
    expect(app.answers.first.locator(".message-usage")).to_have_text(
        f"{PROMPT_TOKENS} in · {COMPLETION_TOKENS} out tokens"
    )
    expect(total).to_have_text(f" · {2 * turn} tokens · {expected_cost(server, MODEL, 2)}")


# page.route does not see requests from a page its service worker controls,
# and the worker may take control at any moment after the first load.
@pytest.mark.browser_context_args(service_workers="block")
def test_without_upstream_usage_the_page_estimates(app: ChatApp, upstream: FakeUpstream) -> None:
    """An answer that comes without usage gets an estimate, marked ≈."""

    def no_usage(route: Route) -> None:
        # The server asks OpenAI-compatible upstreams for their usage whatever
        # the page sends (it meters with it), so the usage chunk is taken out
        # of the answer on its way to the page.
        response = route.fetch()
        events = response.text().split("\n\n")
        route.fulfill(response=response, body="\n\n".join(e for e in events if '"usage": {' not in e))

    app.page.route("**/api/openai/v1/chat/completions", no_usage)
    # 40 short English words: about 40-50 tokens with any GPT tokenizer.
    text = " ".join(["The quick brown fox jumps over the lazy dog."] * 4) + " And the cat sleeps all day long."
    upstream.replies[MODEL] = Reply(text)
    answer = app.ask("Tell me a short story about a fox and a dog, please.")
    assert chat_requests(upstream)[-1].body["stream_options"] == {"include_usage": True}

    usage = answer.locator(".message-usage")
    expect(usage).to_have_text(re.compile(r"^≈\d+ in · \d+ out tokens$"))
    m = re.match(r"^≈(\d+) in · (\d+) out tokens$", usage.inner_text())
    assert m, usage.inner_text()
    prompt, completion = int(m[1]), int(m[2])
    assert 10 <= prompt <= 30, prompt  # 13 words and the message's own overhead
    assert 38 <= completion <= 60, completion
    assert (prompt, completion) != (PROMPT_TOKENS, COMPLETION_TOKENS)
    expect(app.page.locator(".chat-heading .chat-total")).to_contain_text(f"{prompt + completion} tokens · < $0.0001")
