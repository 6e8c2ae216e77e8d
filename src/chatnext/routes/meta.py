"""Routes about the server itself: health and the public configuration."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from chatnext import __version__
from chatnext.models import is_vision
from chatnext.services import Services


def provider_label(services: Services, provider_id: str) -> str:
    provider = services.providers.get(provider_id)
    return provider.label if provider is not None else provider_id


def health(request: Request) -> Response:
    return JSONResponse({"ok": True, "version": __version__})


async def public_config(request: Request) -> Response:
    """NextChat's /api/config shape: what the page needs, never a secret."""
    services: Services = request.app.state.services
    s = services.settings
    table = await services.catalog.current()
    return JSONResponse(
        {
            "needCode": services.access.need_code,
            "hideUserApiKey": s.hide_user_api_key,
            "disableGPT4": s.disable_gpt4,
            "hideBalanceQuery": not s.enable_balance_query,
            "disableFastLink": s.disable_fast_link,
            "customModels": s.custom_models,
            "defaultModel": s.default_model,
            "visionModels": ",".join(s.vision_models),
            "defaultInputTemplate": s.default_input_template,
            # chatnext additions: the picker's list, so the page needs no model table of its own.
            "models": [
                {
                    "name": m.name,
                    "displayName": m.label,
                    "provider": m.provider,
                    "providerName": provider_label(services, m.provider),
                    "vision": is_vision(m.name, s.vision_models),
                }
                for m in table.visible()
            ],
            "version": __version__,
        }
    )
