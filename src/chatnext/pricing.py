"""Model prices, for the cost estimate the web page shows under each answer.

The package ships data/pricing.json: list prices in USD per 1M prompt
("input") and completion ("output") tokens. An operator can add models or
change prices with a JSON file of the same shape named by PRICING_FILE:

    {"currency": "USD", "models": {"gpt-4o": {"input": 2.5, "output": 10}}}

Its entries win per model; the others stay. A file in another currency
replaces the table instead, since prices in two currencies cannot be mixed.
GET /api/pricing serves the result; the meter prices requests with the same
table and the same lookup rule as the page (web/src/lib/cost.ts).
"""

from __future__ import annotations

import json
import math
import re
from importlib import resources
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from chatnext.config import ConfigError

Pricing = dict[str, Any]


def packaged_pricing() -> Pricing:
    text = resources.files("chatnext").joinpath("data", "pricing.json").read_text(encoding="utf-8")
    table: Pricing = json.loads(text)
    return table


def _models(raw: object) -> dict[str, dict[str, float]]:
    """The "models" of a pricing file, checked; ValueError says what is wrong."""
    if not isinstance(raw, dict):
        raise ValueError('must hold a JSON object like {"models": {"gpt-4o": {"input": 2.5, "output": 10}}}')
    models = raw.get("models")
    if not isinstance(models, dict):
        raise ValueError('has no "models" object')
    currency = raw.get("currency", "")
    if not isinstance(currency, str):
        raise ValueError('has a "currency" that is not a string')
    checked: dict[str, dict[str, float]] = {}
    for name, price in models.items():
        if not isinstance(price, dict):
            raise ValueError(f'model "{name}" must be {{"input": <price>, "output": <price>}}')
        entry: dict[str, float] = {}
        for side in ("input", "output"):
            value = price.get(side)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
                raise ValueError(f'model "{name}" needs "{side}": a price per 1M tokens, a number >= 0')
            entry[side] = value
        checked[name] = entry
    return checked


def load_pricing(path: Path | str | None = None) -> Pricing:
    """The packaged table, merged with the operator's file at `path` (PRICING_FILE).

    Raises ConfigError, naming PRICING_FILE, when that file cannot be read or
    is not a pricing table.
    """
    table = packaged_pricing()
    if path is None or str(path).strip() == "":
        return table
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        models = _models(raw)
    except OSError as exc:
        raise ConfigError(f"PRICING_FILE={str(path)!r} cannot be read: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"PRICING_FILE={str(path)!r} is not valid JSON: {exc.msg} at line {exc.lineno}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"PRICING_FILE={str(path)!r} is not UTF-8 text") from None
    except ValueError as exc:
        raise ConfigError(f"PRICING_FILE={str(path)!r} {exc}") from None
    currency = raw.get("currency") or table["currency"]
    if currency.upper() != table["currency"].upper():
        table = {"currency": currency, "models": {}}
    table["models"] = {**table["models"], **models}
    for key in ("updated", "note"):
        if isinstance(raw.get(key), str):
            table[key] = raw[key]
    return table


_SEPARATED = re.compile(r"[^a-z0-9.]")


def price_of(model: str, pricing: Pricing) -> dict[str, float] | None:
    """The pricing entry for `model`, by the rule of web/src/lib/cost.ts findPrice.

    Its exact name, else the longest entry it starts with, followed by a
    separator ("gpt-4o-2024-08-06" is "gpt-4o", but "gpt-4o-mini" has its own
    entry and "gpt-4.5" is not "gpt-4"). Letter case, an "@provider" suffix
    and a "vendor/" prefix are ignored. The two must agree, or the page and
    the budgets would price one answer differently.
    """
    at = model.rfind("@")
    name = (model[:at] if at > 0 else model).strip().lower()
    models: dict[str, dict[str, float]] = pricing.get("models") or {}
    entries = [(key.lower(), price) for key, price in models.items()]
    for candidate in (name, name[name.rfind("/") + 1 :]):
        best: tuple[str, dict[str, float]] | None = None
        for key, price in entries:
            if key == candidate:
                return price
            separated = _SEPARATED.match(candidate, len(key)) is not None
            if separated and candidate.startswith(key) and len(key) > (len(best[0]) if best else 0):
                best = (key, price)
        if best:
            return best[1]
    return None


def cost_of(model: str, prompt_tokens: int, completion_tokens: int, pricing: Pricing) -> float | None:
    """Cost in the table's currency (prices are per 1M tokens); None for an unknown model."""
    price = price_of(model, pricing)
    if price is None:
        return None
    return (prompt_tokens * price["input"] + completion_tokens * price["output"]) / 1_000_000


def pricing_route(pricing: Pricing) -> Route:
    """GET /api/pricing: the table, as loaded at start-up."""
    body = json.dumps(pricing, ensure_ascii=False, separators=(",", ":")).encode()

    def endpoint(request: Request) -> Response:
        return Response(body, media_type="application/json", headers={"Cache-Control": "no-cache"})

    return Route("/api/pricing", endpoint, methods=["GET"])
