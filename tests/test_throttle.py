"""throttle.py: per-address lockout after repeated wrong codes."""

from __future__ import annotations

from chatnext.throttle import Throttle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_five_failures_within_the_window_lock() -> None:
    clock = Clock()
    t = Throttle(clock=clock)
    assert [t.failure("a") for _ in range(4)] == [0, 0, 0, 0]
    assert t.retry_after("a") == 0
    assert t.failure("a") == 600
    assert t.retry_after("a") == 600
    assert t.retry_after("b") == 0
    clock.now += 601
    assert t.retry_after("a") == 0


def test_failures_spread_beyond_the_window_do_not_lock() -> None:
    clock = Clock()
    t = Throttle(clock=clock)
    for _ in range(10):
        assert t.failure("a") == 0
        clock.now += 200  # three failures per window at most


def test_success_clears_the_count() -> None:
    t = Throttle(clock=Clock())
    for _ in range(4):
        t.failure("a")
    t.success("a")
    assert t.failure("a") == 0


def test_repeat_lockouts_double_up_to_the_cap_then_reset_after_a_quiet_day() -> None:
    clock = Clock()
    t = Throttle(clock=clock, max_lockout=3000)
    durations = []
    for _ in range(4):
        for _ in range(4):
            t.failure("a")
        durations.append(t.failure("a"))
        clock.now += durations[-1] + 1
    assert durations == [600, 1200, 2400, 3000]
    clock.now += 3001
    for _ in range(4):
        t.failure("a")
    assert t.failure("a") == 600


def test_locked_lists_addresses_and_stale_entries_are_forgotten() -> None:
    clock = Clock()
    t = Throttle(clock=clock, max_tracked=3)
    for _ in range(5):
        t.failure("a")
    t.failure("b")
    assert set(t.locked()) == {"a"}
    clock.now += 100_000
    t.failure("c")
    t.failure("d")  # over the cap: stale a and b go
    assert "a" not in t._records and "b" not in t._records
