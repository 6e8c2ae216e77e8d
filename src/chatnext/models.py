"""The model table: built-in defaults edited by CUSTOM_MODELS and DISABLE_GPT4.

CUSTOM_MODELS follows NextChat's syntax: comma-separated entries, `+name` or
`name` shows a model, `-name` hides it, `-all`/`+all` hide/show every model
so far, `name=Display` sets the picker label, `name@provider` binds it to a
provider (text after the last `@`, lower-cased). For Azure the display name
is the deployment: `gpt-4o@azure=my-deploy`. For ByteDance the two swap:
`Doubao-pro@bytedance=ep-123` sends `ep-123` (the endpoint id) upstream and
shows `Doubao-pro` in the picker.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from chatnext.providers.table import BY_ID

OPENAI = "openai"
AZURE = "azure"
BYTEDANCE = "bytedance"

DEFAULT_OPENAI_MODELS: tuple[str, ...] = BY_ID[OPENAI].models

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


# Image-capable models by name, beside VISION_MODELS; a few text-only
# members of those families are listed as exceptions.
_VISION = re.compile(
    r"vision|gpt-4o|gpt-4\.1|gpt-4-turbo(?!.*preview)|gpt-5|chatgpt-4o|^o1$|^o1-20|^o3|^o4|claude-3|claude-(opus|sonnet)"
    r"|claude-.*-4|gemini|learnlm|qwen.*-vl|qwen-vl|glm-4v|glm-4\.5v|grok-4|grok-2-vision|-vl-|vl-|doubao.*vision"
    r"|doubao-seed|kimi-latest|llava|pixtral|llama-4|minicpm-v|internvl",
)
_NOT_VISION = re.compile(r"claude-3-5-haiku|gpt-4o-audio|gpt-4o.*realtime|gpt-4o.*transcribe|gpt-4o.*tts|search")


_PROVIDER_ORDER = {p: i for i, p in enumerate((OPENAI, AZURE, *(i for i in BY_ID if i not in (OPENAI, AZURE))))}


def is_vision(name: str, extra: Iterable[str] = ()) -> bool:
    """Whether the picker offers image attachments for this model."""
    name = name.lower()
    if name in (e.lower() for e in extra):
        return True
    return bool(_VISION.search(name)) and not _NOT_VISION.search(name)


class ModelTable:
    """Default models per provider, edited by CUSTOM_MODELS in order.

    `defaults` are (name, provider) pairs: the built-in models of every
    configured provider and whatever the live model lists added.
    """

    def __init__(
        self,
        custom_models: str = "",
        *,
        disable_gpt4: bool = False,
        defaults: Iterable[tuple[str, str]] | None = None,
        providers: Iterable[str] = (OPENAI, AZURE),
    ) -> None:
        self.providers = tuple(providers)  # ids a `name@provider` may name
        self.custom = bool(custom_models.strip())
        self.disable_gpt4 = disable_gpt4
        self.models: dict[str, Model] = {}
        pairs = ((n, OPENAI) for n in DEFAULT_OPENAI_MODELS) if defaults is None else defaults
        for name, provider in sorted(pairs, key=lambda p: _PROVIDER_ORDER.get(p[1], len(_PROVIDER_ORDER))):
            self._add(Model(name, provider))
        self._apply(custom_models)
        # A ByteDance rename changes a model's name, so its key too.
        self.models = {m.key: m for m in self.models.values()}

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
                if display and model.provider == BYTEDANCE:
                    model.name, model.display_name = display, model.name
                elif display:
                    model.display_name = display

    def allowed(self, model: Model) -> bool:
        return model.available and not (self.disable_gpt4 and is_gpt4_class(model.name))

    def visible(self) -> list[Model]:
        return [m for m in self.models.values() if self.allowed(m)]

    def resolve(self, requested: str) -> Model | None:
        """The model a request may use, or None when it is refused.

        `requested` is a model name, optionally `name@provider`; a bare name
        prefers OpenAI, then Azure, then the other providers in table order.
        Without CUSTOM_MODELS an unknown name passes (the upstream judges
        it), as in NextChat; with CUSTOM_MODELS only the table's visible
        models do.
        """
        name, provider = split_provider(requested)
        if self.disable_gpt4 and is_gpt4_class(name):
            return None
        if provider:
            model = self.models.get(f"{name}@{provider}")
            if model is not None:
                return model if self.allowed(model) else None
        else:
            for model in self.models.values():
                if model.name == name and self.allowed(model):
                    return model
            if any(m.name == name for m in self.models.values()):
                return None
        if self.custom or provider not in ("", *self.providers):
            return None
        return Model(name, provider or OPENAI)

    def azure_deployment(self, deployment: str) -> Model | None:
        """The Azure model whose deployment (display name, else name) this is."""
        for model in self.models.values():
            if model.provider == AZURE and model.label == deployment:
                return model
        return None

    def has_provider(self, provider: str) -> bool:
        return any(m.provider == provider for m in self.models.values())
