"""pricing.py: the packaged price table, the operator's PRICING_FILE, GET /api/pricing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from chatnext.config import ConfigError
from chatnext.pricing import cost_of, load_pricing, packaged_pricing, price_of, pricing_route

OPENAI_MODELS = [
    "gpt-5",
    "gpt-5-mini",
    "gpt-5-nano",
    "gpt-4.1",
    "gpt-4.1-mini",
    "gpt-4.1-nano",
    "gpt-4o",
    "gpt-4o-mini",
    "o1",
    "o3",
    "o3-mini",
    "o4-mini",
    "gpt-4-turbo",
    "gpt-4",
    "gpt-3.5-turbo",
]


def write(tmp_path: Path, content: Any) -> Path:
    path = tmp_path / "prices.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def test_packaged_table_has_the_openai_models_with_positive_prices() -> None:
    table = load_pricing(None)
    assert table == packaged_pricing()
    assert table["currency"] == "USD"
    assert table["note"] == "list prices per 1M tokens; check your provider"
    for name in OPENAI_MODELS:
        price = table["models"][name]
        assert price["input"] > 0 and price["output"] > 0, name
        assert price["output"] >= price["input"], name
    assert table["models"]["gpt-4o"] == {"input": 2.5, "output": 10}


def test_packaged_table_covers_the_other_big_providers() -> None:
    names = list(load_pricing()["models"])
    for prefix in ("claude-", "gemini-", "deepseek-chat", "deepseek-reasoner", "qwen", "kimi", "moonshot", "glm"):
        assert any(n.startswith(prefix) for n in names), prefix
    for price in load_pricing()["models"].values():
        assert set(price) == {"input", "output"}
        assert all(isinstance(v, int | float) and v >= 0 for v in price.values())


def test_operator_file_merges_and_wins(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "currency": "USD",
            "models": {"gpt-4o": {"input": 2, "output": 8}, "my-local-model": {"input": 0, "output": 0}},
        },
    )
    table = load_pricing(path)
    assert table["models"]["gpt-4o"] == {"input": 2, "output": 8}
    assert table["models"]["my-local-model"] == {"input": 0, "output": 0}
    assert table["models"]["gpt-4o-mini"] == packaged_pricing()["models"]["gpt-4o-mini"]
    assert table["currency"] == "USD"
    # The path may also come as the variable's text.
    assert load_pricing(str(path)) == table
    assert load_pricing("") == packaged_pricing()


def test_operator_file_without_currency_is_in_the_packaged_currency(tmp_path: Path) -> None:
    table = load_pricing(write(tmp_path, {"models": {"gpt-4o": {"input": 1, "output": 2}}}))
    assert table["currency"] == "USD"
    assert table["models"]["gpt-4o"] == {"input": 1, "output": 2}
    assert "gpt-5" in table["models"]


def test_operator_file_in_another_currency_replaces_the_table(tmp_path: Path) -> None:
    table = load_pricing(write(tmp_path, {"currency": "CNY", "models": {"deepseek-chat": {"input": 2, "output": 3}}}))
    assert table["currency"] == "CNY"
    assert table["models"] == {"deepseek-chat": {"input": 2, "output": 3}}


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "is not valid JSON"),
        ("[]", "JSON object"),
        ({"currency": "USD"}, '"models"'),
        ({"models": {"gpt-4o": 2.5}}, 'model "gpt-4o"'),
        ({"models": {"gpt-4o": {"input": 2.5}}}, '"output"'),
        ({"models": {"gpt-4o": {"input": "2.5", "output": 10}}}, '"input"'),
        ({"models": {"gpt-4o": {"input": -1, "output": 10}}}, '"input"'),
        ({"models": {"gpt-4o": {"input": True, "output": 10}}}, '"input"'),
        ({"currency": 1, "models": {}}, '"currency"'),
    ],
)
def test_bad_operator_file_is_a_config_error_naming_pricing_file(tmp_path: Path, content: Any, problem: str) -> None:
    path = write(tmp_path, content)
    with pytest.raises(ConfigError) as err:
        load_pricing(path)
    message = str(err.value)
    assert message.startswith(f"PRICING_FILE={str(path)!r} ")
    assert problem in message
    assert "\n" not in message


def test_missing_operator_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^PRICING_FILE=.*cannot be read"):
        load_pricing(tmp_path / "nope.json")
    with pytest.raises(ConfigError, match=r"^PRICING_FILE=.*cannot be read"):
        load_pricing(tmp_path)  # a directory


def test_non_utf8_operator_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "prices.json"
    path.write_bytes(b'{"models": {"\xff": {}}}')
    with pytest.raises(ConfigError, match=r"^PRICING_FILE=.*not UTF-8"):
        load_pricing(path)


async def test_route_serves_the_table_uncached(tmp_path: Path) -> None:
    table = load_pricing(write(tmp_path, {"models": {"模型-甲": {"input": 1, "output": 2}}}))
    app = Starlette(routes=[pricing_route(table)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        r = await client.get("/api/pricing")
        head = await client.head("/api/pricing")
        post = await client.post("/api/pricing")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["cache-control"] == "no-cache"
    assert r.json() == table
    assert r.json()["models"]["模型-甲"] == {"input": 1, "output": 2}
    assert head.status_code == 200
    assert post.status_code == 405


# The same cases as web/src/lib/tokens.test.ts ("estimateCost"): the page and
# the budgets must price an answer alike.
SMALL = {
    "currency": "USD",
    "models": {
        "gpt-4o": {"input": 2.5, "output": 10},
        "gpt-4o-mini": {"input": 0.15, "output": 0.6},
        "gpt-4": {"input": 30, "output": 60},
        "claude-sonnet-4": {"input": 3, "output": 15},
    },
}


def test_cost_is_per_million_tokens_input_and_output_apart() -> None:
    assert cost_of("gpt-4o", 1_000_000, 0, SMALL) == pytest.approx(2.5)
    assert cost_of("gpt-4o", 0, 1_000_000, SMALL) == pytest.approx(10)
    assert cost_of("gpt-4o", 1000, 500, SMALL) == pytest.approx(0.0075)
    assert cost_of("gpt-4o", 0, 0, SMALL) == 0


@pytest.mark.parametrize(
    ("model", "price"),
    [
        ("gpt-4o-mini", "gpt-4o-mini"),
        ("gpt-4o-2024-08-06", "gpt-4o"),
        ("gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
        ("gpt-4-0613", "gpt-4"),
        ("claude-sonnet-4-20250514", "claude-sonnet-4"),
        ("gpt-4o-mini@azure", "gpt-4o-mini"),
        ("gpt-4o@OpenAI", "gpt-4o"),
        ("openai/gpt-4o-mini", "gpt-4o-mini"),
        ("GPT-4o", "gpt-4o"),
        # A separator must follow the prefix: gpt-4.5 is not gpt-4, gpt-4x not gpt-4.
        ("gpt-4.5-preview", None),
        ("gpt-4x", None),
        ("llama-3-70b", None),
        ("", None),
    ],
)
def test_price_lookup_follows_the_page(model: str, price: str | None) -> None:
    assert price_of(model, SMALL) == (SMALL["models"][price] if price else None)


def test_an_unknown_model_or_an_empty_table_has_no_cost() -> None:
    assert cost_of("llama-3-70b", 100, 100, SMALL) is None
    assert cost_of("gpt-4o", 100, 100, {"currency": "USD", "models": {}}) is None
    assert cost_of("gpt-4o@azure", 1_000_000, 1_000_000, SMALL) == pytest.approx(12.5)
