"""keys.py: cool-down and the order keys are tried in."""

from __future__ import annotations

from chatnext.keys import KeyPool, mask_key


def test_every_key_once_resting_ones_last_soonest_first() -> None:
    now = [0.0]
    pool = KeyPool(("k1", "k2", "k3", "k4"), clock=lambda: now[0])
    pool.cool_down("k1", "quota")
    pool.cool_down("k2", "rate_limited", 5)
    order = list(pool.candidates())
    assert sorted(order) == ["k1", "k2", "k3", "k4"]
    assert set(order[:2]) == {"k3", "k4"}
    assert order[2:] == ["k2", "k1"]
    now[0] = 6
    assert set(list(pool.candidates())[:3]) == {"k2", "k3", "k4"}


def test_random_spread_over_ready_keys() -> None:
    pool = KeyPool(("a", "b", "c"))
    firsts = {next(pool.candidates()) for _ in range(200)}
    assert firsts == {"a", "b", "c"}


def test_resting_view_masks_keys() -> None:
    pool = KeyPool(("sk-proj-abcdefghijkl1234",))
    pool.cool_down("sk-proj-abcdefghijkl1234", "unauthorized")
    ((masked, left, why),) = pool.resting()
    assert masked == "sk-…1234" and why == "unauthorized" and left > 3000
    assert mask_key("short") == "…"
