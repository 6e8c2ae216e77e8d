"""models.py: CUSTOM_MODELS and DISABLE_GPT4, table-driven from NextChat's rules."""

from __future__ import annotations

import pytest

from chatnext.models import ModelTable, is_gpt4_class, split_provider


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
