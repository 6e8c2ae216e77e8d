"""The metrics registry, its text format and the helpers the server calls.

METRICS is one per process and other tests move it too, so the helper tests
compare scrapes taken before and after instead of expecting exact numbers.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from chatnext import __version__, metrics
from chatnext.metrics import Registry

Key = tuple[str, frozenset[tuple[str, str]]]

_SAMPLE = re.compile(r"(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>.*)\})? (?P<value>\S+)")
_PAIR = r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"'
_LABELS = re.compile(rf"{_PAIR}(?:,{_PAIR})*,?")
_HELP = re.compile(r"# HELP (?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?P<text>.*)")
_TYPE = re.compile(r"# TYPE (?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?P<kind>counter|gauge|histogram|summary|untyped)")


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m[1] == "n" else m[1], value)


@dataclass
class Scrape:
    samples: dict[Key, float] = field(default_factory=dict)
    helps: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)

    def get(self, name: str, **labels: str) -> float:
        return self.samples.get((name, frozenset(labels.items())), 0.0)

    def series(self, name: str) -> dict[frozenset[tuple[str, str]], float]:
        return {labels: value for (n, labels), value in self.samples.items() if n == name}


def parse(text: str) -> Scrape:
    """A strict reader of text format 0.0.4: fails on any line it does not understand."""
    assert text.endswith("\n")
    scrape = Scrape()
    for line in text.splitlines():
        if m := _HELP.fullmatch(line):
            assert m["name"] not in scrape.helps, f"second HELP for {m['name']}"
            scrape.helps[m["name"]] = _unescape(m["text"])
            continue
        if m := _TYPE.fullmatch(line):
            assert m["name"] not in scrape.types, f"second TYPE for {m['name']}"
            scrape.types[m["name"]] = m["kind"]
            continue
        m = _SAMPLE.fullmatch(line)
        assert m, f"unreadable line {line!r}"
        family = re.sub(r"_(bucket|sum|count)$", "", m["name"])
        family = family if scrape.types.get(family) == "histogram" else m["name"]
        assert family in scrape.types and family in scrape.helps, f"{m['name']} before its HELP and TYPE"
        labels: list[tuple[str, str]] = []
        if m["labels"] is not None:
            assert _LABELS.fullmatch(m["labels"]), f"bad labels in {line!r}"
            labels = [(k, _unescape(v)) for k, v in re.findall(_PAIR, m["labels"])]
            assert len({k for k, _ in labels}) == len(labels), f"repeated label in {line!r}"
        key = (m["name"], frozenset(labels))
        assert key not in scrape.samples, f"repeated series {line!r}"
        scrape.samples[key] = float(m["value"])
    return scrape


def scrape() -> Scrape:
    return parse(metrics.render().decode())


def check_histogram(s: Scrape, name: str, **labels: str) -> list[tuple[float, float]]:
    """(le, cumulative count) per bucket, after checking the histogram's own invariants."""
    buckets = sorted(
        (float(dict(key)["le"]), value)
        for key, value in s.series(f"{name}_bucket").items()
        if {k: v for k, v in key if k != "le"} == labels
    )
    assert buckets and buckets[-1][0] == math.inf
    counts = [count for _, count in buckets]
    assert counts == sorted(counts), "buckets must be cumulative"
    assert s.get(f"{name}_count", **labels) == counts[-1]
    return buckets


def buckets(s: Scrape, name: str, **labels: str) -> dict[float, float]:
    if not s.get(f"{name}_count", **labels):
        return {}  # the series appears with its first observation
    return dict(check_histogram(s, name, **labels))


# The format, on a registry of the test's own.


def test_help_type_and_samples() -> None:
    reg = Registry()
    c = reg.counter("demo_events_total", "Events seen.", ("kind",))
    g = reg.gauge("demo_level", "A level.")
    c.inc("a")
    c.inc("a", amount=2)
    c.inc("b")
    g.set(value=2.5)
    assert reg.render().decode() == (
        "# HELP demo_events_total Events seen.\n"
        "# TYPE demo_events_total counter\n"
        'demo_events_total{kind="a"} 3\n'
        'demo_events_total{kind="b"} 1\n'
        "# HELP demo_level A level.\n"
        "# TYPE demo_level gauge\n"
        "demo_level 2.5\n"
    )


def test_unlabelled_series_start_at_zero_and_labelled_ones_when_declared() -> None:
    reg = Registry()
    reg.counter("demo_total", "Nothing yet.")
    reg.counter("demo_kinds_total", "Declared.", ("kind",)).declare("x")
    s = parse(reg.render().decode())
    assert s.samples == {("demo_total", frozenset()): 0, ("demo_kinds_total", frozenset({("kind", "x")})): 0}


def test_label_values_and_help_are_escaped() -> None:
    reg = Registry()
    tricky = 'back\\slash "quoted"\nnext line'
    reg.counter("demo_total", 'Help with \\ and\na newline, "quotes" left alone.', ("v",)).inc(tricky)
    text = reg.render().decode()
    assert 'demo_total{v="back\\\\slash \\"quoted\\"\\nnext line"} 1\n' in text
    assert '# HELP demo_total Help with \\\\ and\\na newline, "quotes" left alone.\n' in text
    s = parse(text)
    assert s.get("demo_total", v=tricky) == 1
    assert s.helps["demo_total"] == 'Help with \\ and\na newline, "quotes" left alone.'


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0.1 + 0.2, "0.30000000000000004"),
        (1e-7, "1e-07"),
        (3.0, "3.0"),
        (7, "7"),
        (True, "1"),
        (math.inf, "+Inf"),
        (-math.inf, "-Inf"),
        (math.nan, "NaN"),
    ],
)
def test_numbers_keep_their_precision(value: float, shown: str) -> None:
    assert metrics.format_value(value) == shown
    assert math.isnan(float(shown)) if math.isnan(value) else float(shown) == value


def test_histogram_buckets_are_cumulative_and_consistent() -> None:
    reg = Registry()
    h = reg.histogram("demo_seconds", "Durations.", ("p",), buckets=(0.1, 1, 10))
    for seconds in (0.05, 0.1, 0.5, 3, 3, 99):
        h.observe("x", value=seconds)
    text = reg.render().decode()
    assert "# TYPE demo_seconds histogram\n" in text
    assert 'demo_seconds_bucket{p="x",le="0.1"} 2\n' in text  # le is inclusive: 0.1 lands in 0.1
    assert 'demo_seconds_bucket{p="x",le="+Inf"} 6\n' in text
    s = parse(text)
    assert check_histogram(s, "demo_seconds", p="x") == [(0.1, 2), (1.0, 3), (10.0, 5), (math.inf, 6)]
    assert s.get("demo_seconds_count", p="x") == 6
    assert s.get("demo_seconds_sum", p="x") == pytest.approx(0.05 + 0.1 + 0.5 + 3 + 3 + 99)


def test_counters_only_go_up() -> None:
    reg = Registry()
    c = reg.counter("demo_total", "Up only.")
    with pytest.raises(ValueError):
        c.inc(amount=-1)
    with pytest.raises(ValueError):
        c.inc(amount=math.nan)
    c.inc(amount=0.5)
    c.inc()
    assert parse(reg.render().decode()).get("demo_total") == 1.5


def test_registration_mistakes_are_refused() -> None:
    reg = Registry()
    with pytest.raises(ValueError, match="_total"):
        reg.counter("demo_events", "No suffix.")
    with pytest.raises(ValueError):
        reg.gauge("demo-level", "Bad name.")
    with pytest.raises(ValueError):
        reg.gauge("demo_level", "Bad label.", ("bad-label",))
    with pytest.raises(ValueError):
        reg.histogram("demo_seconds", "Unordered.", (), buckets=(1, 0.5))
    with pytest.raises(ValueError):
        reg.histogram("demo_seconds", "Reserved label.", ("le",), buckets=(1,))
    reg.gauge("demo_level", "Fine.")
    with pytest.raises(ValueError, match="already"):
        reg.gauge("demo_level", "Twice.")
    with pytest.raises(ValueError):
        reg.counter("demo_kinds_total", "Two labels.", ("a", "b")).inc("only-one")


# The process registry and its helpers.


def test_process_series_are_always_there() -> None:
    s = scrape()
    assert s.get("chatnext_build_info", version=__version__) == 1
    assert 1_600_000_000 < s.get("chatnext_process_start_time_seconds") <= time.time()
    assert s.types["chatnext_request_duration_seconds"] == "histogram"
    assert s.types["chatnext_active_streams"] == "gauge"
    for name, kind in s.types.items():
        assert name.startswith("chatnext_")
        assert name.endswith("_total") == (kind == "counter"), name
    for outcome in ("ok", "wrong", "locked"):
        assert ("chatnext_auth_attempts_total", frozenset({("outcome", outcome)})) in s.samples


def test_request_finished_updates_each_series() -> None:
    before = scrape()
    metrics.request_finished("prov-a", "user-model-xyz", 200, 10, 20, 0.25, 0.3)
    metrics.request_finished("prov-a", "user-model-xyz", 201, 5, 0, 0.5, 45.0)
    metrics.request_finished("prov-a", "other", 429, 0, 0, 0.0, 0.01)
    metrics.request_finished("prov-a", "other", 502, 0, 0, 0.0, 200.0)
    after = scrape()

    def delta(name: str, **labels: str) -> float:
        return after.get(name, **labels) - before.get(name, **labels)

    assert delta("chatnext_requests_total", provider="prov-a", status_class="2xx") == 2
    assert delta("chatnext_requests_total", provider="prov-a", status_class="4xx") == 1
    assert delta("chatnext_requests_total", provider="prov-a", status_class="5xx") == 1
    assert delta("chatnext_tokens_total", provider="prov-a", kind="prompt") == 15
    assert delta("chatnext_tokens_total", provider="prov-a", kind="completion") == 20
    assert delta("chatnext_cost_usd_total", provider="prov-a") == pytest.approx(0.75)
    assert delta("chatnext_request_duration_seconds_count", provider="prov-a") == 4
    assert delta("chatnext_request_duration_seconds_sum", provider="prov-a") == pytest.approx(245.31)
    old = buckets(before, "chatnext_request_duration_seconds", provider="prov-a")
    new = buckets(after, "chatnext_request_duration_seconds", provider="prov-a")
    assert list(new) == [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, math.inf]
    assert [new[le] - old.get(le, 0) for le in new] == [1, 2, 2, 2, 2, 2, 2, 3, 3, 4]
    assert all("model" not in dict(labels) for _, labels in after.samples)
    assert "user-model-xyz" not in metrics.render().decode()


def test_request_finished_survives_odd_usage_reports() -> None:
    before = scrape()
    metrics.request_finished("prov-odd", "m", 200, -1, -5, math.nan, -0.5)
    after = scrape()
    assert after.get("chatnext_tokens_total", provider="prov-odd", kind="prompt") == before.get(
        "chatnext_tokens_total", provider="prov-odd", kind="prompt"
    )
    assert after.get("chatnext_cost_usd_total", provider="prov-odd") == before.get(
        "chatnext_cost_usd_total", provider="prov-odd"
    )
    assert after.get("chatnext_requests_total", provider="prov-odd", status_class="2xx") == 1 + before.get(
        "chatnext_requests_total", provider="prov-odd", status_class="2xx"
    )


@pytest.mark.parametrize(
    ("call", "name", "labels", "change"),
    [
        (lambda: metrics.upstream_error("prov-b", "upstream_timeout"), "chatnext_upstream_errors_total",
         {"provider": "prov-b", "code": "upstream_timeout"}, 1),
        (metrics.stream_opened, "chatnext_active_streams", {}, 1),
        (metrics.stream_closed, "chatnext_active_streams", {}, -1),
        (lambda: metrics.auth_attempt("ok"), "chatnext_auth_attempts_total", {"outcome": "ok"}, 1),
        (lambda: metrics.auth_attempt("wrong"), "chatnext_auth_attempts_total", {"outcome": "wrong"}, 1),
        (lambda: metrics.auth_attempt("locked"), "chatnext_auth_attempts_total", {"outcome": "locked"}, 1),
        (metrics.lockout, "chatnext_lockouts_total", {}, 1),
        (lambda: metrics.limit_refused("budget"), "chatnext_limit_refusals_total", {"limit": "budget"}, 1),
    ],
)  # fmt: skip
def test_helpers_move_their_series(call: Callable[[], None], name: str, labels: dict[str, str], change: float) -> None:
    before = scrape()
    call()
    after = scrape()
    assert after.get(name, **labels) - before.get(name, **labels) == change
    moved = {key for key in after.samples if after.samples[key] != before.samples.get(key)}
    assert moved == {(name, frozenset(labels.items()))}


def test_stream_gauge_returns_to_where_it_was() -> None:
    level = scrape().get("chatnext_active_streams")
    for _ in range(3):
        metrics.stream_opened()
    assert scrape().get("chatnext_active_streams") == level + 3
    for _ in range(3):
        metrics.stream_closed()
    assert scrape().get("chatnext_active_streams") == level
