"""models.py: CUSTOM_MODELS and DISABLE_GPT4, table-driven from NextChat's rules."""

from __future__ import annotations

import pytest

from chatnext.models import ModelTable, is_gpt4_class, is_vision, split_provider


def visible(custom: str, disable_gpt4: bool = False) -> dict[str, str]:
    """key -> label of every model the picker would show."""
    return {m.key: m.label for m in ModelTable(custom, disable_gpt4=disable_gpt4).visible()}


@pytest.mark.parametrize(
    ("name", "refused"),
    [
        ("gpt-4", True),
        ("gpt-4o", True),
        ("gpt-4-turbo", True),
        ("gpt-4.1-mini", True),
        ("chatgpt-4o-latest", True),
        ("o1", True),
        ("o1-mini", True),
        ("o3-mini", True),
        ("gpt-4o-mini", False),
        ("gpt-4o-mini-2024-07-18", False),
        ("gpt-3.5-turbo", False),
        ("o4-mini", False),
        ("gpt-5", False),
    ],
)
def test_disable_gpt4_family(name: str, refused: bool) -> None:
    assert is_gpt4_class(name) is refused
    assert (ModelTable(disable_gpt4=True).resolve(name) is None) is refused


@pytest.mark.parametrize(
    ("custom", "present", "absent"),
    [
        ("", ["gpt-4o@openai", "gpt-4o-mini@openai"], []),
        ("-gpt-4o", ["gpt-4o-mini@openai"], ["gpt-4o@openai"]),
        ("-all", [], ["gpt-4o@openai", "gpt-4o-mini@openai"]),
        ("-all,+gpt-4o-mini", ["gpt-4o-mini@openai"], ["gpt-4o@openai"]),
        ("-all,gpt-4o-mini", ["gpt-4o-mini@openai"], ["gpt-4o@openai"]),
        ("-all,+all", ["gpt-4o@openai", "gpt-4o-mini@openai"], []),
        ("+my-model", ["my-model@openai", "gpt-4o@openai"], []),
        ("my-model@ollama", ["my-model@ollama"], ["my-model@openai"]),
        ("llama3@OLLAMA", ["llama3@ollama"], []),
        (" , ,+x, ", ["x@openai"], []),
        ("gpt-4o@azure=prod", ["gpt-4o@azure", "gpt-4o@openai"], []),
        ("-gpt-4o@openai,gpt-4o@azure=prod", ["gpt-4o@azure"], ["gpt-4o@openai"]),
        ("+gpt-4o,-all", [], ["gpt-4o@openai"]),
        ("org/model@vendor@custom", ["org/model@vendor@custom"], []),
    ],
)
def test_custom_models_show_and_hide(custom: str, present: list[str], absent: list[str]) -> None:
    shown = visible(custom)
    for key in present:
        assert key in shown
    for key in absent:
        assert key not in shown


@pytest.mark.parametrize(
    ("custom", "key", "label"),
    [
        ("gpt-4o=GPT-4 Omni", "gpt-4o@openai", "GPT-4 Omni"),
        ("+my-model=My Model", "my-model@openai", "My Model"),
        ("gpt-4o@azure=my-deploy", "gpt-4o@azure", "my-deploy"),
        ("gpt-4o", "gpt-4o@openai", "gpt-4o"),
    ],
)
def test_display_names(custom: str, key: str, label: str) -> None:
    assert visible(custom)[key] == label


def test_without_a_provider_every_entry_of_that_name_changes() -> None:
    shown = visible("gpt-4o@azure=prod,-gpt-4o")
    assert "gpt-4o@openai" not in shown and "gpt-4o@azure" not in shown


def test_resolve_prefers_openai_then_azure_and_follows_explicit_providers() -> None:
    table = ModelTable("-all,gpt-4o@azure=prod,+gpt-4o-mini")
    azure = table.resolve("gpt-4o")
    assert azure is not None and azure.provider == "azure" and azure.label == "prod"
    mini = table.resolve("gpt-4o-mini")
    assert mini is not None and mini.provider == "openai"
    assert table.resolve("gpt-4o@openai") is None
    assert table.resolve("unknown") is None


def test_unknown_models_pass_only_without_custom_models() -> None:
    assert ModelTable().resolve("deepseek-chat") is not None
    assert ModelTable("+x").resolve("deepseek-chat") is None
    assert ModelTable().resolve("x@someprovider") is None


def test_azure_deployment_lookup() -> None:
    table = ModelTable("gpt-4o@azure=prod,gpt-35@azure")
    prod = table.azure_deployment("prod")
    assert prod is not None and prod.name == "gpt-4o"
    assert table.azure_deployment("gpt-35") is not None
    assert table.azure_deployment("gpt-4o") is None
    assert table.has_provider("azure") and not ModelTable().has_provider("azure")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("a@b", ("a", "b")), ("a@b@C", ("a@b", "c")), ("plain", ("plain", "")), ("@x", ("@x", ""))],
)
def test_split_provider(raw: str, expected: tuple[str, str]) -> None:
    assert split_provider(raw) == expected


def table_with(custom: str = "", **providers: tuple[str, ...]) -> ModelTable:
    """A table whose configured providers offer the given default models."""
    defaults = [(name, pid) for pid, names in providers.items() for name in names]
    return ModelTable(custom, defaults=defaults, providers=("openai", "azure", *providers))


@pytest.mark.parametrize(
    ("custom", "present", "absent"),
    [
        # Every configured provider's defaults show; -all hides all of them.
        ("", ["gpt-4o@openai", "claude-x@anthropic", "deepseek-chat@deepseek"], []),
        ("-all", [], ["gpt-4o@openai", "claude-x@anthropic", "deepseek-chat@deepseek"]),
        ("-all,+claude-x", ["claude-x@anthropic"], ["gpt-4o@openai"]),
        ("-deepseek-chat@deepseek", ["claude-x@anthropic"], ["deepseek-chat@deepseek"]),
        # A name of two providers: without @ both change, with @ only one.
        ("-shared", [], ["shared@deepseek", "shared@anthropic"]),
        ("-shared@deepseek", ["shared@anthropic"], ["shared@deepseek"]),
        ("+new@deepseek=New One", ["new@deepseek"], []),
    ],
)
def test_custom_models_over_several_providers(custom: str, present: list[str], absent: list[str]) -> None:
    shown = {
        m.key
        for m in table_with(
            custom, openai=("gpt-4o",), anthropic=("claude-x", "shared"), deepseek=("deepseek-chat", "shared")
        ).visible()
    }
    for key in present:
        assert key in shown
    for key in absent:
        assert key not in shown


@pytest.mark.parametrize(
    ("custom", "key", "label"),
    [
        # ByteDance: the display name is the endpoint id the request sends; the picker shows the model.
        ("+Doubao-lite-4k@bytedance=ep-20240101-abc", "ep-20240101-abc@bytedance", "Doubao-lite-4k"),
        ("doubao-pro@bytedance=ep-9", "ep-9@bytedance", "doubao-pro"),
        ("+new@deepseek=New One", "new@deepseek", "New One"),
    ],
)
def test_bytedance_endpoints_swap_name_and_label(custom: str, key: str, label: str) -> None:
    shown = {m.key: m.label for m in table_with(custom, bytedance=("doubao-pro",)).visible()}
    assert shown[key] == label


def test_bare_names_find_their_provider_and_explicit_ones_are_honoured() -> None:
    table = table_with(anthropic=("claude-x",), deepseek=("deepseek-chat",))
    claude = table.resolve("claude-x")
    assert claude is not None and claude.provider == "anthropic"
    ep = table_with("+Doubao@bytedance=ep-1", bytedance=()).resolve("ep-1@bytedance")
    assert ep is not None and ep.name == "ep-1"
    # Configured but unlisted names still pass to that provider; unknown providers never.
    assert (m := table.resolve("deepseek-coder@deepseek")) is not None and m.provider == "deepseek"
    assert table.resolve("x@nowhere") is None


@pytest.mark.parametrize(
    ("name", "vision"),
    [
        ("gpt-4o", True),
        ("gpt-4o-mini", True),
        ("gpt-5", True),
        ("claude-sonnet-4-5", True),
        ("claude-3-5-haiku-latest", False),
        ("gemini-2.5-flash", True),
        ("qwen-vl-plus", True),
        ("glm-4v-plus", True),
        ("gpt-3.5-turbo", False),
        ("deepseek-chat", False),
        ("o3-mini", True),
    ],
)
def test_vision_models(name: str, vision: bool) -> None:
    assert is_vision(name) is vision


def test_vision_models_variable_adds_names() -> None:
    assert is_vision("deepseek-chat", ("DeepSeek-Chat",))
