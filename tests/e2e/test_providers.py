"""Browser: pick a model of each provider in the picker and chat with it.

The page only speaks OpenAI's protocol; the server behind it reaches the
fake upstream in OpenAI's, Azure's, Anthropic's and Gemini's wire formats.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ChatApp, wait_for
from tests.fake_upstream import FakeUpstream, Reply

SERVER_ENV = {
    "OPENAI_API_KEY": "sk-e2e-server",
    "CUSTOM_MODELS": "gpt-4o@azure=prod",
    "AZURE_API_KEY": "az-key",
    "ANTHROPIC_API_KEY": "ant-key",
    "GOOGLE_API_KEY": "goog-key",
    "DEEPSEEK_API_KEY": "ds-key",
    "DISABLE_MODEL_FETCH": "1",
}

# picker value -> (model name the upstream sees, path it is asked on)
PROVIDERS = {
    "gpt-4o": ("gpt-4o", "/v1/chat/completions"),
    "gpt-4o@azure": ("gpt-4o", "/openai/deployments/prod/chat/completions"),
    "claude-sonnet-4-5@anthropic": ("claude-sonnet-4-5", "/v1/messages"),
    "gemini-2.5-flash@google": ("gemini-2.5-flash", "/v1beta/models/gemini-2.5-flash:streamGenerateContent"),
    "deepseek-chat@deepseek": ("deepseek-chat", "/v1/chat/completions"),
}


@pytest.fixture(scope="module", autouse=True)
def _upstream_urls(upstream: FakeUpstream) -> None:
    # Every provider's URL points at the one fake; set before the module's server starts.
    SERVER_ENV.update(
        AZURE_URL=f"{upstream.url}/openai",
        ANTHROPIC_URL=upstream.url,
        GOOGLE_URL=upstream.url,
        DEEPSEEK_URL=f"{upstream.url}/v1",
    )


@pytest.mark.parametrize("model", list(PROVIDERS))
def test_chat_with_a_model_of_each_provider(app: ChatApp, upstream: FakeUpstream, model: str) -> None:
    name, path = PROVIDERS[model]
    upstream.replies[name] = Reply(f"**{name}** answers through {path}.", piece=6)
    # An Azure model's label is its deployment (NextChat's rule).
    app.use_model(model, label="prod" if model.endswith("@azure") else name)
    answer = app.ask("Which provider are you?")
    expect(answer.locator("strong")).to_have_text(name)
    expect(answer).to_contain_text(f"answers through {path}.")
    wait_for(lambda: any(s.path == path for s in upstream.seen), what=f"a request on {path}")


def test_the_picker_groups_models_by_provider(app: ChatApp) -> None:
    app.open_settings()
    groups = app.page.locator("#model optgroup")
    labels = groups.evaluate_all("gs => gs.map(g => g.label)")
    assert labels[:1] == ["OpenAI"]
    assert {"Azure OpenAI", "Anthropic", "Google", "DeepSeek"} <= set(labels)
    claude = app.page.locator('#model optgroup[label="Anthropic"] option[value="claude-sonnet-4-5@anthropic"]')
    expect(claude).to_have_count(1)
