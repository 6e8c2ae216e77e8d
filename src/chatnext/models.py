"""The model table: built-in defaults edited by CUSTOM_MODELS and DISABLE_GPT4.

CUSTOM_MODELS follows NextChat's syntax: comma-separated entries, `+name` or
`name` shows a model, `-name` hides it, `-all`/`+all` hide/show every model
so far, `name=Display` sets the picker label, `name@provider` binds it to a
provider (text after the last `@`, lower-cased). For Azure the display name
is the deployment: `gpt-4o@azure=my-deploy`.
"""

from __future__ import annotations

from dataclasses import dataclass

OPENAI = "openai"
AZURE = "azure"

DEFAULT_OPENAI_MODELS: tuple[str, ...] = (
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
)

_GPT4_PREFIXES = ("gpt-4", "chatgpt-4o", "o1", "o3")


def is_gpt4_class(name: str) -> bool:
    """What DISABLE_GPT4 refuses; gpt-4o-mini is cheap and stays."""
    name = name.lower()
    return name.startswith(_GPT4_PREFIXES) and not name.startswith("gpt-4o-mini")


@dataclass
class Model:
    name: str
    provider: str
    available: bool = True
    display_name: str = ""

    @property
    def label(self) -> str:
        return self.display_name or self.name

    @property
    def key(self) -> str:
        return f"{self.name}@{self.provider}"


def split_provider(name: str) -> tuple[str, str]:
    model, at, provider = name.rpartition("@")
    return (model, provider.lower()) if at and model else (name, "")


class ModelTable:
    def __init__(self, custom_models: str = "", *, disable_gpt4: bool = False) -> None:
        self.custom = bool(custom_models.strip())
        self.disable_gpt4 = disable_gpt4
        self.models: dict[str, Model] = {}
        for name in DEFAULT_OPENAI_MODELS:
            self._add(Model(name, OPENAI))
        self._apply(custom_models)

    def _add(self, model: Model) -> None:
        self.models[model.key] = model

    def _apply(self, custom_models: str) -> None:
        for entry in (e.strip() for e in custom_models.split(",")):
            if not entry:
                continue
            available = not entry.startswith("-")
            name = entry[1:] if entry[0] in "+-" else entry
            name, _, display = name.partition("=")
            name, display = name.strip(), display.strip()
            if name == "all":
                for model in self.models.values():
                    model.available = available
                continue
            model_name, provider = split_provider(name)
            if provider:
                targets = [m for m in self.models.values() if m.key == f"{model_name}@{provider}"]
            else:
                targets = [m for m in self.models.values() if m.name == model_name]
            if not targets:
                # An unknown name without a provider is served by the OpenAI upstream.
                targets = [Model(model_name, provider or OPENAI)]
                self._add(targets[0])
            for model in targets:
                model.available = available
                if display:
                    model.display_name = display

    def allowed(self, model: Model) -> bool:
        return model.available and not (self.disable_gpt4 and is_gpt4_class(model.name))

    def visible(self) -> list[Model]:
        return [m for m in self.models.values() if self.allowed(m)]

    def resolve(self, requested: str, providers: tuple[str, ...] = (OPENAI, AZURE)) -> Model | None:
        """The model a request may use, or None when it is refused.

        `requested` is a model name, optionally `name@provider`. Without
        CUSTOM_MODELS an unknown name passes (the upstream judges it), as in
        NextChat; with CUSTOM_MODELS only the table's visible models do.
        """
        name, provider = split_provider(requested)
        if self.disable_gpt4 and is_gpt4_class(name):
            return None
        wanted = (provider,) if provider else providers
        for p in wanted:
            model = self.models.get(f"{name}@{p}")
            if model is not None and self.allowed(model):
                return model
        if self.custom or provider not in ("", *providers):
            return None
        return Model(name, provider or providers[0])

    def azure_deployment(self, deployment: str) -> Model | None:
        """The Azure model whose deployment (display name, else name) this is."""
        for model in self.models.values():
            if model.provider == AZURE and model.label == deployment:
                return model
        return None

    def has_provider(self, provider: str) -> bool:
        return any(m.provider == provider for m in self.models.values())
