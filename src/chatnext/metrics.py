"""Prometheus metrics: a small in-process registry and the text format 0.0.4.

Each process counts for itself; with several instances Prometheus scrapes each
one and sums them. No client library: the format is a few lines of text, and
an update has to stay a dict increment because it runs on every request.
The helpers at the bottom are the whole interface the rest of chatnext uses.
"""

from __future__ import annotations

import bisect
import math
import re
import threading
import time
from collections.abc import Sequence

from chatnext import __version__

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

_METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")

Labels = tuple[str, ...]


def format_value(value: float) -> str:
    if isinstance(value, int):
        return str(int(value))  # int() so a bool prints as 1/0, not True/False
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    # repr is the shortest text that reads back as the same float: no digits lost, none invented.
    return repr(value)


def escape_label_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _series(name: str, label_names: Sequence[str], values: Sequence[str], value: float) -> str:
    if not label_names:
        return f"{name} {format_value(value)}"
    pairs = ",".join(f'{k}="{escape_label_value(v)}"' for k, v in zip(label_names, values, strict=True))
    return f"{name}{{{pairs}}} {format_value(value)}"


class _Family:
    kind = ""

    def __init__(self, registry: Registry, name: str, help: str, labels: Sequence[str]) -> None:
        if not _METRIC_NAME.fullmatch(name):
            raise ValueError(f"invalid metric name {name!r}")
        for label in labels:
            if not _LABEL_NAME.fullmatch(label) or label.startswith("__"):
                raise ValueError(f"invalid label name {label!r} on {name}")
        if len(set(labels)) != len(labels):
            raise ValueError(f"repeated label name on {name}")
        self.name = name
        self.help = help
        self.labels = tuple(labels)
        # One lock for the whole registry, so a scrape sees a histogram's
        # buckets, _sum and _count from the same moment.
        self._lock = registry.lock
        registry.add(self)

    def _check(self, values: Labels) -> None:
        if len(values) != len(self.labels):
            raise ValueError(f"{self.name} takes labels {self.labels}, got {values!r}")

    def lines(self) -> list[str]:
        """HELP, TYPE and every sample; called with the registry lock held."""
        return [f"# HELP {self.name} {_escape_help(self.help)}", f"# TYPE {self.name} {self.kind}", *self.samples()]

    def samples(self) -> list[str]:
        raise NotImplementedError


class _Scalar(_Family):
    def __init__(self, registry: Registry, name: str, help: str, labels: Sequence[str]) -> None:
        super().__init__(registry, name, help, labels)
        self._values: dict[Labels, float] = {}
        if not self.labels:
            # A series that exists from the start at 0 lets rate() and
            # increase() see its first change; a labelled one cannot, since
            # its label values are not known until they happen.
            self._values[()] = 0

    def declare(self, *labels: str) -> None:
        """Create the series at 0 if it is missing (for label values known in advance)."""
        self._check(labels)
        with self._lock:
            self._values.setdefault(labels, 0)

    def samples(self) -> list[str]:
        return [_series(self.name, self.labels, key, value) for key, value in sorted(self._values.items())]


class Counter(_Scalar):
    kind = "counter"

    def __init__(self, registry: Registry, name: str, help: str, labels: Sequence[str]) -> None:
        if not name.endswith("_total"):
            raise ValueError(f"counter {name!r} must end in _total")
        super().__init__(registry, name, help, labels)

    def inc(self, *labels: str, amount: float = 1) -> None:
        self._check(labels)
        if not amount >= 0:  # also refuses NaN
            raise ValueError(f"{self.name} can only go up, not by {amount!r}")
        with self._lock:
            self._values[labels] = self._values.get(labels, 0) + amount


class Gauge(_Scalar):
    kind = "gauge"

    def set(self, *labels: str, value: float) -> None:
        self._check(labels)
        with self._lock:
            self._values[labels] = value

    def inc(self, *labels: str, amount: float = 1) -> None:
        self._check(labels)
        with self._lock:
            self._values[labels] = self._values.get(labels, 0) + amount

    def dec(self, *labels: str, amount: float = 1) -> None:
        self.inc(*labels, amount=-amount)


class _Buckets:
    __slots__ = ("count", "counts", "sum")

    def __init__(self, size: int) -> None:
        self.counts = [0] * size  # per bucket, not cumulative: observe touches one slot
        self.sum = 0.0
        self.count = 0


class Histogram(_Family):
    kind = "histogram"

    def __init__(
        self, registry: Registry, name: str, help: str, labels: Sequence[str], buckets: Sequence[float]
    ) -> None:
        if "le" in labels:
            raise ValueError(f"{name}: le is the bucket label")
        bounds = [float(b) for b in buckets if not math.isinf(b)]
        if not bounds or any(math.isnan(b) for b in bounds) or bounds != sorted(set(bounds)):
            raise ValueError(f"{name}: buckets must be increasing numbers")
        super().__init__(registry, name, help, labels)
        self.bounds = tuple(bounds)
        self._le = (*(format_value(b) for b in bounds), "+Inf")
        self._series: dict[Labels, _Buckets] = {}

    def observe(self, *labels: str, value: float) -> None:
        self._check(labels)
        # First bound >= value: buckets count observations less than or equal to le.
        slot = bisect.bisect_left(self.bounds, value)
        with self._lock:
            series = self._series.get(labels)
            if series is None:
                series = self._series[labels] = _Buckets(len(self._le))
            series.counts[slot] += 1
            series.sum += value
            series.count += 1

    def samples(self) -> list[str]:
        out: list[str] = []
        bucket_labels = (*self.labels, "le")
        for key, series in sorted(self._series.items()):
            running = 0
            for le, n in zip(self._le, series.counts, strict=True):
                running += n
                out.append(_series(f"{self.name}_bucket", bucket_labels, (*key, le), running))
            out.append(_series(f"{self.name}_sum", self.labels, key, series.sum))
            out.append(_series(f"{self.name}_count", self.labels, key, series.count))
        return out


class Registry:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._families: dict[str, _Family] = {}

    def add(self, family: _Family) -> None:
        if family.name in self._families:
            raise ValueError(f"metric {family.name} is already registered")
        self._families[family.name] = family

    def counter(self, name: str, help: str, labels: Sequence[str] = ()) -> Counter:
        return Counter(self, name, help, labels)

    def gauge(self, name: str, help: str, labels: Sequence[str] = ()) -> Gauge:
        return Gauge(self, name, help, labels)

    def histogram(self, name: str, help: str, labels: Sequence[str], buckets: Sequence[float]) -> Histogram:
        return Histogram(self, name, help, labels, buckets)

    def render(self) -> bytes:
        with self.lock:
            lines = [line for family in self._families.values() for line in family.lines()]
        return "".join(f"{line}\n" for line in lines).encode()


METRICS = Registry()

_build_info = METRICS.gauge("chatnext_build_info", "The running chatnext version; the value is always 1.", ("version",))
_build_info.set(__version__, value=1)
_start_time = METRICS.gauge(
    "chatnext_process_start_time_seconds", "When this process started, in seconds since the Unix epoch."
)
# The app imports this module while it starts, so import time is start time
# to within the import itself; it tells restarts apart, which is what it is for.
_start_time.set(value=time.time())

_requests = METRICS.counter(
    "chatnext_requests_total",
    "Chat requests finished, by provider and HTTP status class.",
    ("provider", "status_class"),
)
_tokens = METRICS.counter(
    "chatnext_tokens_total", "Tokens used, as reported by the upstream, by provider and kind.", ("provider", "kind")
)
_cost = METRICS.counter(
    "chatnext_cost_usd_total", "Estimated cost in US dollars, from the pricing table, by provider.", ("provider",)
)
_duration = METRICS.histogram(
    "chatnext_request_duration_seconds",
    "Time from receiving a chat request to sending its last byte, by provider.",
    ("provider",),
    # Chats stream for a long time: the upper buckets are there for long answers and reasoning models.
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
_upstream_errors = METRICS.counter(
    "chatnext_upstream_errors_total", "Failed upstream calls, by provider and error code.", ("provider", "code")
)
_active_streams = METRICS.gauge("chatnext_active_streams", "Streamed answers being sent right now.")
_auth_attempts = METRICS.counter(
    "chatnext_auth_attempts_total", "Access code checks, by outcome (ok, wrong, locked).", ("outcome",)
)
for _outcome in ("ok", "wrong", "locked"):
    _auth_attempts.declare(_outcome)
_lockouts = METRICS.counter("chatnext_lockouts_total", "Clients locked out after too many wrong access codes.")
_limit_refusals = METRICS.counter(
    "chatnext_limit_refusals_total", "Requests refused by a rate or budget limit, by limit.", ("limit",)
)


def _status_class(status: int) -> str:
    return f"{status // 100}xx" if 100 <= status <= 599 else "other"


def request_finished(
    provider: str, model: str, status: int, prompt_tokens: int, completion_tokens: int, cost: float, seconds: float
) -> None:
    """Count one finished chat request.

    `model` is accepted but not recorded: model names come from users, and
    each distinct label value is a new series kept for the life of the process.
    Usage and cost come from upstream reports, which can be missing or odd;
    they are clamped so a bad report never fails the request it describes.
    """
    _requests.inc(provider, _status_class(status))
    _tokens.inc(provider, "prompt", amount=max(0, prompt_tokens))
    _tokens.inc(provider, "completion", amount=max(0, completion_tokens))
    _cost.inc(provider, amount=max(0.0, cost))
    _duration.observe(provider, value=max(0.0, seconds))


def upstream_error(provider: str, code: str) -> None:
    _upstream_errors.inc(provider, code)


def stream_opened() -> None:
    _active_streams.inc()


def stream_closed() -> None:
    _active_streams.dec()


def auth_attempt(outcome: str) -> None:
    _auth_attempts.inc(outcome)


def lockout() -> None:
    _lockouts.inc()


def limit_refused(limit: str) -> None:
    _limit_refusals.inc(limit)


def render() -> bytes:
    return METRICS.render()
