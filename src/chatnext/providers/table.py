"""Every upstream chatnext knows, one row each.

OpenAI-compatible providers differ only in where they live, how the key is
presented and which models they offer, so they are rows here rather than
modules. Anthropic and Gemini speak their own protocols: their rows name the
adapter that translates. Environment variables follow NextChat's names:
`{PREFIX}_API_KEY` (comma-separated keys) and `{PREFIX}_URL`.

This module imports nothing from chatnext, so config.py can read it.
"""

from __future__ import annotations

from dataclasses import dataclass

OPENAI_PROTOCOL = "openai"
AZURE_PROTOCOL = "azure"
ANTHROPIC_PROTOCOL = "anthropic"
GOOGLE_PROTOCOL = "google"


@dataclass(frozen=True)
class ProviderSpec:
    id: str  # what follows `@` in CUSTOM_MODELS, lower case
    label: str  # shown in the model picker
    prefix: str  # environment prefix: {prefix}_API_KEY, {prefix}_URL
    default_url: str  # host-level, like NextChat's defaults
    chat_path: str  # below the URL, no leading slash
    models_path: str  # the live model list ("" when there is none)
    protocol: str = OPENAI_PROTOCOL
    auth_header: str = "Authorization"
    auth_prefix: str = "Bearer "
    models: tuple[str, ...] = ()  # built-in defaults, shown once the provider is configured
    custom: bool = False  # added by CUSTOM_PROVIDERS; may need no key (Ollama)
    # Accepts stream_options.include_usage, so a streamed answer ends with its
    # token counts. Others may refuse the unknown field: their usage is estimated.
    stream_usage: bool = False


SPECS: tuple[ProviderSpec, ...] = (
    ProviderSpec(
        "openai",
        "OpenAI",
        "OPENAI",
        "https://api.openai.com",
        "v1/chat/completions",
        "v1/models",
        models=(
            "gpt-5",
            "gpt-5-mini",
            "gpt-5-nano",
            "gpt-4.1",
            "gpt-4.1-mini",
            "gpt-4.1-nano",
            "gpt-4o",
            "gpt-4o-mini",
            "chatgpt-4o-latest",
            "gpt-4-turbo",
            "gpt-4",
            "gpt-3.5-turbo",
            "o1",
            "o1-mini",
            "o3",
            "o3-mini",
            "o4-mini",
            "dall-e-3",
        ),
        stream_usage=True,
    ),
    ProviderSpec(
        "azure",
        "Azure OpenAI",
        "AZURE",
        "",
        "deployments/{model}/chat/completions",
        "",
        protocol=AZURE_PROTOCOL,
        auth_header="api-key",
        auth_prefix="",
        stream_usage=True,
    ),
    ProviderSpec(
        "anthropic",
        "Anthropic",
        "ANTHROPIC",
        "https://api.anthropic.com",
        "v1/messages",
        "v1/models",
        protocol=ANTHROPIC_PROTOCOL,
        auth_header="x-api-key",
        auth_prefix="",
        models=(
            "claude-opus-4-1",
            "claude-sonnet-4-5",
            "claude-sonnet-4-0",
            "claude-3-7-sonnet-latest",
            "claude-3-5-haiku-latest",
        ),
    ),
    ProviderSpec(
        "google",
        "Google",
        "GOOGLE",
        "https://generativelanguage.googleapis.com",
        "v1beta/models/{model}:{method}",
        "v1beta/models",
        protocol=GOOGLE_PROTOCOL,
        auth_header="x-goog-api-key",
        auth_prefix="",
        models=("gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-2.0-flash"),
    ),
    ProviderSpec(
        "deepseek",
        "DeepSeek",
        "DEEPSEEK",
        "https://api.deepseek.com",
        "chat/completions",
        "models",
        models=("deepseek-chat", "deepseek-reasoner"),
        stream_usage=True,
    ),
    ProviderSpec(
        "moonshot",
        "Moonshot",
        "MOONSHOT",
        "https://api.moonshot.cn",
        "v1/chat/completions",
        "v1/models",
        models=("kimi-k2-0905-preview", "kimi-latest", "moonshot-v1-8k", "moonshot-v1-32k", "moonshot-v1-128k"),
    ),
    ProviderSpec(
        "alibaba",
        "Alibaba",
        "ALIBABA",
        "https://dashscope.aliyuncs.com",
        "compatible-mode/v1/chat/completions",
        "compatible-mode/v1/models",
        models=("qwen-max", "qwen-plus", "qwen-turbo", "qwen-vl-plus", "qwq-plus"),
        stream_usage=True,
    ),
    ProviderSpec(
        "bytedance",
        "ByteDance",
        "BYTEDANCE",
        "https://ark.cn-beijing.volces.com",
        "api/v3/chat/completions",
        "api/v3/models",
        models=("doubao-seed-1-6-250615", "doubao-1-5-pro-32k-250115", "doubao-1-5-lite-32k-250115"),
    ),
    ProviderSpec(
        "chatglm",
        "ChatGLM",
        "CHATGLM",
        "https://open.bigmodel.cn",
        "api/paas/v4/chat/completions",
        "",
        models=("glm-4.5", "glm-4-plus", "glm-4-flash", "glm-4v-plus"),
    ),
    ProviderSpec(
        "siliconflow",
        "SiliconFlow",
        "SILICONFLOW",
        "https://api.siliconflow.cn",
        "v1/chat/completions",
        "v1/models",
        models=("deepseek-ai/DeepSeek-V3", "deepseek-ai/DeepSeek-R1", "Qwen/Qwen2.5-72B-Instruct"),
        stream_usage=True,
    ),
    ProviderSpec(
        "xai",
        "xAI",
        "XAI",
        "https://api.x.ai",
        "v1/chat/completions",
        "v1/models",
        models=("grok-4", "grok-3", "grok-3-mini"),
        stream_usage=True,
    ),
)

BY_ID = {spec.id: spec for spec in SPECS}

# Rows configured by {PREFIX}_API_KEY / {PREFIX}_URL through the generic table
# in config.py; OpenAI and Azure have their own NextChat-named variables.
TABLE_PROVIDERS = tuple(spec for spec in SPECS if spec.id not in ("openai", "azure"))


def custom_spec(name: str, url: str) -> ProviderSpec:
    """A provider added by CUSTOM_PROVIDERS: any OpenAI-compatible server."""
    return ProviderSpec(name, name, name.upper(), url, "v1/chat/completions", "v1/models", custom=True)
