"""How much the chatnext relay costs over a bare aiohttp relay.

One run starts a fake upstream (OpenAI and Anthropic), chatnext and
bench/bare_relay.py as subprocesses, then streams chat completions at each
concurrency level four ways: straight from the upstream, through chatnext,
through the bare relay, and through chatnext to a model bound to Anthropic,
which chatnext translates. It prints time to first token (TTFT), the relays'
CPU per relayed chunk, errors and peak memory, and checks them against the
targets. With --metering it adds rows for the cost of usage metering: the
own key and a policy code with limits, each through chatnext as it is and
through a second chatnext whose meter is a no-op.

    python bench/relay.py [--concurrency 1,100,500] [--chunks 50]
                          [--requests-per-level 3000] [--blocks 3] [--gap-ms 0]
                          [--metering] [--json out.json]

Linux only: CPU and memory come from /proc. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import json
import math
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO

import aiohttp
import uvloop
from aiohttp import web

BENCH = Path(__file__).resolve().parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def chat_body(model: str) -> bytes:
    messages = [{"role": "user", "content": "Tell me about relays."}]
    # Asking for the usage chunk as chatnext's page does: the upstream's last
    # chunk then carries the token counts the meter reads.
    body = {"model": model, "stream": True, "stream_options": {"include_usage": True}, "messages": messages}
    return json.dumps(body).encode()


CHAT_BODY = chat_body("gpt-4o-mini")
# `@anthropic` binds the model to the Anthropic provider: chatnext calls the
# Messages API and translates its events into chat.completion.chunk ones.
ANTHROPIC_BODY = chat_body("claude-bench@anthropic")
CLIENT_HEADERS = {"Content-Type": "application/json", "Authorization": "Bearer sk-bench"}
# --metering: a policy code with all five limits, set far above what a run uses.
POLICY_CODE = "bench-policy-code"
POLICY_HEADERS = {"Content-Type": "application/json", "Authorization": f"Bearer nk-{POLICY_CODE}"}
POLICY_LIMITS = """requests_per_minute = 100000000
tokens_per_day = 1000000000000
tokens_per_month = 1000000000000
cost_per_day = 1000000000
cost_per_month = 1000000000
"""
DONE = b"data: [DONE]\n\n"
TARGETS = ("direct", "chatnext", "bare", "anthropic")
# --metering: the own key (recorded, nothing reserved) and a policy code with
# limits (reserved, settled, recorded), each through chatnext as it is (on)
# and through a chatnext whose meter does nothing (off).
METERING_PAIRS = {"own key": ("chatnext", "unmetered"), "code with limits": ("limited", "limited-off")}
METERING_TARGETS = ("unmetered", "limited", "limited-off")
# The server each target streams through: its CPU and memory are the relay's.
# The anthropic and limited rows are chatnext again; unmetered and limited-off
# are the second chatnext, whose meter does nothing.
RELAY = {
    "chatnext": "chatnext",
    "bare": "bare",
    "anthropic": "chatnext",
    "unmetered": "chatnext-unmetered",
    "limited": "chatnext",
    "limited-off": "chatnext-unmetered",
}

# The PASS/FAIL thresholds.
MAX_ADDED_TTFT_MS = 2.0
MAX_CPU_RATIO = 1.5
# Translating (anthropic) against passing through (chatnext).
MAX_TRANSLATED_CPU_RATIO = 2.0
MAX_TRANSLATED_TTFT_RATIO = 2.0
# At C=1 the pass-through hop adds under a millisecond, and twice a figure
# that noise pulled down to 0.2 ms would fail on noise alone: below this
# floor the floor is used.
ADDED_TTFT_FLOOR_MS = 0.5
# Metering on against off, both with the policy code.
MAX_METERING_RATIO = 1.10

# The unmetered chatnext: chatnext's own CLI, with Meter.admit handing out a
# ticket that does nothing. Everything else (auth, the relay, the routes) is
# the code under test, so the two rows differ by the meter alone: estimates,
# the reservation, settling and the usage records.
UNMETERED = """
import sys

from chatnext import meter
from chatnext.cli import main


class Ticket:
    provider = "openai"

    def finish(self, status, usage, estimated_completion):
        pass


TICKET = Ticket()


async def admit(self, caller, model_id, payload):
    return TICKET


meter.Meter.admit = admit
sys.exit(main())
"""


# --- the fake upstream (runs in its own process: `relay.py --fake-upstream PORT`)


def words(chunks: int) -> list[str]:
    """The answer's text pieces: one per chunk but the role, stop and usage chunks."""
    return [f" word{i}" for i in range(1, chunks - 2)]


def sse_events(chunks: int) -> list[bytes]:
    """A chat completion as OpenAI streams it with include_usage: a role chunk, words, stop, usage, [DONE]."""

    def event(delta: dict[str, str], finish: str | None = None) -> bytes:
        chunk = {
            "id": "chatcmpl-BenchRelay0123456789abcdef",
            "object": "chat.completion.chunk",
            "created": 1764201600,
            "model": "gpt-4o-mini",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return b"data: " + json.dumps(chunk, separators=(",", ":")).encode() + b"\n\n"

    content = [event({"content": word}) for word in words(chunks)]
    counts = {"prompt_tokens": 13, "completion_tokens": len(content), "total_tokens": 13 + len(content)}
    usage = {
        "id": "chatcmpl-BenchRelay0123456789abcdef",
        "object": "chat.completion.chunk",
        "created": 1764201600,
        "model": "gpt-4o-mini",
        "choices": [],
        "usage": counts,
    }
    last = b"data: " + json.dumps(usage, separators=(",", ":")).encode() + b"\n\n"
    return [event({"role": "assistant", "content": ""}), *content, event({}, "stop"), last, DONE]


def anthropic_events(chunks: int) -> list[list[bytes]]:
    """The same answer as Anthropic's Messages API streams it, byte for byte.

    Grouped as the OpenAI stream's events, one group each, so that the pause
    after each group paces both streams alike: the opening group stands for
    the role chunk, each delta for a word, content_block_stop for the stop
    chunk, message_delta (with the output count) for the usage chunk, and
    message_stop for [DONE].
    """

    def event(name: str, data: dict[str, object]) -> bytes:
        payload = json.dumps({"type": name, **data}, ensure_ascii=False, separators=(",", ":"))
        return f"event: {name}\ndata: {payload}\n\n".encode()

    usage = {"input_tokens": 4, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "output_tokens": 1}
    message: dict[str, object] = {
        "id": "msg_01BenchRelay0123456789abcd",
        "type": "message",
        "role": "assistant",
        "model": "claude-bench",
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": usage,
    }
    text = words(chunks)
    start = [
        event("message_start", {"message": message}),
        event("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}}),
        event("ping", {}),
    ]
    deltas = [[event("content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": t}})] for t in text]
    stop = [event("content_block_stop", {"index": 0})]
    counted = [
        event(
            "message_delta",
            {"delta": {"stop_reason": "end_turn", "stop_sequence": None}, "usage": {"output_tokens": len(text)}},
        )
    ]
    return [start, *deltas, stop, counted, [event("message_stop", {})]]


def serve_fake_upstream(port: int, chunks: int, gap_ms: float) -> None:
    raise_nofile_limit()
    openai = [[data] for data in sse_events(chunks)]
    anthropic = anthropic_events(chunks)
    gap = gap_ms / 1000

    async def stream(request: web.Request, groups: list[list[bytes]], content_type: str) -> web.StreamResponse:
        await request.read()
        response = web.StreamResponse(headers={"Content-Type": content_type, "Cache-Control": "no-cache"})
        await response.prepare(request)
        # By default no pause between events: the upstream must never be the
        # bottleneck. aiohttp sets TCP_NODELAY and each write() goes straight
        # to send(), so every event leaves as its own segment; but nothing
        # waits in between, so a relay that is busy elsewhere reads several
        # at once. --gap-ms spaces them out as a real model's tokens are.
        for group in groups:
            for data in group:
                await response.write(data)
            if gap:
                await asyncio.sleep(gap)
        await response.write_eof()
        return response

    async def completions(request: web.Request) -> web.StreamResponse:
        return await stream(request, openai, "text/event-stream")

    async def messages(request: web.Request) -> web.StreamResponse:
        # Refused as Anthropic would, so a chatnext that stopped sending its
        # headers shows up as errors rather than as a faster row.
        if not request.headers.get("x-api-key") or "anthropic-version" not in request.headers:
            await request.read()
            error = {"type": "authentication_error", "message": "x-api-key and anthropic-version are required"}
            return web.json_response({"type": "error", "error": error}, status=401)
        return await stream(request, anthropic, "text/event-stream; charset=utf-8")

    app = web.Application()
    app.router.add_post("/v1/chat/completions", completions)
    app.router.add_post("/v1/messages", messages)
    # backlog: aiohttp's default of 128 drops SYNs when 500 streams connect at once.
    web.run_app(
        app, host="127.0.0.1", port=port, backlog=2048, access_log=None, print=None, loop=uvloop.new_event_loop()
    )


# --- the servers under test


def raise_nofile_limit() -> None:
    """500 streams through a relay hold 1,500+ sockets; the usual soft limit is 1,024."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _die_with_parent() -> None:
    # Runs in the child between fork and exec: should the benchmark be
    # SIGKILLed, its servers get SIGTERM instead of living on as orphans.
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class ServerFailed(RuntimeError):
    """A server under test did not come up; the message holds its log's tail."""


class Server:
    """A server subprocess, its log, and its CPU and memory from /proc."""

    def __init__(self, name: str, argv: list[str], port: int, logs: Path, env: dict[str, str] | None = None) -> None:
        self.name = name
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = logs / f"{name}.log"
        self._log: IO[bytes] = self.log_path.open("wb")
        # Its own session, so a Ctrl-C in the terminal reaches only the
        # benchmark, which then stops the servers in order.
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=logs,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )

    def cpu_seconds(self) -> float:
        stat = Path(f"/proc/{self.proc.pid}/stat").read_text()
        # The command name in parentheses may hold spaces: split after it.
        fields = stat[stat.rindex(")") + 2 :].split()
        utime, stime = int(fields[11]), int(fields[12])
        return (utime + stime) / CLOCK_TICKS

    def peak_rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"no VmHWM for {self.name}")

    async def wait_ready(self, health_path: str | None, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerFailed(f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}")
            if await self._answers(health_path):
                return
            await asyncio.sleep(0.1)
        raise ServerFailed(f"{self.name} not ready after {timeout:g} s:\n{self.log_tail()}")

    async def _answers(self, health_path: str | None) -> bool:
        try:
            if health_path is None:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return True
            async with aiohttp.ClientSession() as session, session.get(self.url + health_path) as resp:
                return resp.status == 200
        except (OSError, aiohttp.ClientError):
            return False

    def log_tail(self, lines: int = 20) -> str:
        self._log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=8)  # uvicorn's graceful shutdown takes up to 5 s
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def chatnext_env(upstream_url: str) -> dict[str, str]:
    """The benchmark's environment with no chatnext setting but the ones it needs.

    A CODE, proxy or CUSTOM_MODELS left in the shell would change what is measured.
    """
    from chatnext.config import VARIABLES

    names = {v.name for v in VARIABLES} | {v.name.lower() for v in VARIABLES if v.name.endswith("_PROXY")}
    env = {k: v for k, v in os.environ.items() if k not in names}
    env.update(OPENAI_API_KEY="sk-bench", BASE_URL=upstream_url)
    env.update(ANTHROPIC_API_KEY="sk-bench", ANTHROPIC_URL=upstream_url)
    # The fake serves no model lists: the table stays the built-in one, so
    # nothing read mid-run can change how claude-bench@anthropic resolves.
    env.update(DISABLE_MODEL_FETCH="1")
    return env


def chatnext_command() -> str:
    # The console script beside this interpreter: the venv's chatnext even
    # when the venv is not activated.
    script = Path(sys.executable).parent / "chatnext"
    return str(script) if script.exists() else "chatnext"


@contextlib.contextmanager
def servers(chunks: int, gap_ms: float, metering: bool = False) -> Iterator[dict[str, Server]]:
    """Upstream, chatnext and the bare relay (and the unmetered chatnext), stopped however the run ends."""
    started: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="chatnext-bench-") as tmp:
        logs = Path(tmp)
        try:
            upstream_port = free_port()
            upstream = Server(
                "upstream",
                [
                    sys.executable,
                    __file__,
                    "--fake-upstream",
                    str(upstream_port),
                    f"--chunks={chunks}",
                    f"--gap-ms={gap_ms}",
                ],
                upstream_port,
                logs,
            )
            started.append(upstream)
            env = chatnext_env(upstream.url)
            if metering:
                from chatnext.policy import hash_code

                policy = logs / "policy.toml"
                policy.write_text(f'[[code]]\nlabel = "bench"\nhash = "{hash_code(POLICY_CODE)}"\n{POLICY_LIMITS}')
                env["ACCESS_POLICY_FILE"] = str(policy)
            serve = ["serve", "--host", "127.0.0.1", "--no-access-log", "--port"]
            port = free_port()
            # Each chatnext its own store: two sharing one SQLite file would wait on each other's writes.
            started.append(
                Server(
                    "chatnext",
                    [chatnext_command(), *serve, str(port)],
                    port,
                    logs,
                    {**env, "DATA_DIR": str(logs / "chatnext-data")},
                )
            )
            if metering:
                port = free_port()
                started.append(
                    Server(
                        "chatnext-unmetered",
                        [sys.executable, "-c", UNMETERED, *serve, str(port)],
                        port,
                        logs,
                        {**env, "DATA_DIR": str(logs / "unmetered-data")},
                    )
                )
            port = free_port()
            started.append(
                Server("bare", [sys.executable, str(BENCH / "bare_relay.py"), str(port), upstream.url], port, logs)
            )
            yield {s.name: s for s in started}
        finally:
            for server in reversed(started):
                server.stop()


# --- the load generator


@dataclass
class Sample:
    ttft: float | None = None  # seconds
    events: int = 0
    reads: int = 0  # how many pieces the events arrived in: relays may coalesce
    size: int = 0
    error: str = ""


async def stream_once(
    session: aiohttp.ClientSession, url: str, body: bytes, expected_events: int, headers: dict[str, str]
) -> Sample:
    sample = Sample()
    tail = b""
    start = time.perf_counter()
    try:
        async with session.post(url, data=body, headers=headers) as resp:
            if resp.status != 200:
                await resp.read()
                sample.error = f"HTTP {resp.status}"
                return sample
            async for chunk in resp.content.iter_any():
                if sample.ttft is None and b"data:" in chunk:
                    sample.ttft = time.perf_counter() - start
                sample.reads += 1
                sample.size += len(chunk)
                # Chunks split events anywhere; the previous chunk's last
                # byte catches a "\n\n" that straddles the boundary.
                sample.events += (tail[-1:] + chunk).count(b"\n\n")
                tail = (tail + chunk)[-len(DONE) :]
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        sample.error = type(exc).__name__
        return sample
    if tail != DONE:
        sample.error = "no [DONE]"
    elif sample.events != expected_events:
        sample.error = f"{sample.events} events, not {expected_events}"
    return sample


async def closed_loop(
    session: aiohttp.ClientSession,
    url: str,
    body: bytes,
    concurrency: int,
    per_stream: int,
    expected_events: int,
    headers: dict[str, str],
) -> list[Sample]:
    """`concurrency` streams, each sending its next request as soon as the last one ends."""

    async def stream() -> list[Sample]:
        return [await stream_once(session, url, body, expected_events, headers) for _ in range(per_stream)]

    return [s for batch in await asyncio.gather(*(stream() for _ in range(concurrency))) for s in batch]


@dataclass
class TargetRun:
    requests: int
    ttft_ms: list[float] = field(repr=False)
    errors: int
    error_kinds: dict[str, int]
    seconds: float
    bytes_per_request: float
    reads_per_request: float
    relay_cpu_us_per_chunk: float | None  # None for direct: nothing relays
    upstream_cpu_us_per_chunk: float
    relay_peak_rss_mb: float | None

    def p(self, q: float) -> float:
        return percentile(self.ttft_ms, q)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile; NaN when nothing succeeded."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class Block:
    """One target's share of a level, run between the other targets' shares."""

    samples: list[Sample]
    seconds: float
    relay_cpu: float  # seconds, 0 for direct
    upstream_cpu: float


def url_for(target: str, procs: dict[str, Server]) -> str:
    if target == "direct":
        return f"{procs['upstream'].url}/v1/chat/completions"
    if target in ("chatnext", "anthropic", *METERING_TARGETS):
        return f"{procs[RELAY[target]].url}/api/openai/v1/chat/completions"
    return f"{procs[target].url}/v1/chat/completions"


def body_for(target: str) -> bytes:
    return ANTHROPIC_BODY if target == "anthropic" else CHAT_BODY


def headers_for(target: str) -> dict[str, str]:
    # The chatnext row keeps the own key: recorded under "", no budget to reserve.
    return POLICY_HEADERS if target in ("limited", "limited-off") else CLIENT_HEADERS


def expected_events(target: str, chunks: int) -> int:
    """The `data:` events a client of `target` must count, [DONE] included."""
    if target == "anthropic":
        # chatnext writes a role chunk at message_start, a content chunk per
        # text_delta, and the finish and usage chunks with [DONE] at
        # message_stop; ping, content_block_* and message_delta write nothing.
        return 1 + len(words(chunks)) + 1 + 1 + 1
    return len(sse_events(chunks))


def relay_of(target: str, procs: dict[str, Server]) -> Server | None:
    return procs[RELAY[target]] if target in RELAY else None


async def run_block(
    session: aiohttp.ClientSession, target: str, procs: dict[str, Server], concurrency: int, rounds: int, expected: int
) -> Block:
    relay = relay_of(target, procs)  # None for direct
    upstream = procs["upstream"]
    url, body, headers = url_for(target, procs), body_for(target), headers_for(target)
    # One unmeasured round first. Connection set-up on every hop (and
    # chatnext's first-request imports) belong to start-up, not to the level;
    # and while the other targets had their turn, idle connections may have
    # timed out, and 500 reconnecting at once would show as TTFT outliers.
    await closed_loop(session, url, body, concurrency, 1, expected, headers)
    relay_cpu = relay.cpu_seconds() if relay else 0.0
    upstream_cpu = upstream.cpu_seconds()
    start = time.perf_counter()
    samples = await closed_loop(session, url, body, concurrency, rounds, expected, headers)
    return Block(
        samples,
        time.perf_counter() - start,
        relay.cpu_seconds() - relay_cpu if relay else 0.0,
        upstream.cpu_seconds() - upstream_cpu,
    )


def summarize(blocks: list[Block], relay: Server | None, expected: int) -> TargetRun:
    samples = [s for block in blocks for s in block.samples]
    # The events the client received: for the anthropic row the translated
    # ones, so that its per-chunk figures divide by what the pass-through row
    # divides by and the two compare per request.
    relayed = len(samples) * expected
    kinds = Counter(s.error for s in samples if s.error)
    return TargetRun(
        requests=len(samples),
        ttft_ms=[s.ttft * 1000 for s in samples if s.ttft is not None and not s.error],
        errors=sum(kinds.values()),
        error_kinds=dict(kinds),
        seconds=sum(block.seconds for block in blocks),
        bytes_per_request=sum(s.size for s in samples) / len(samples),
        reads_per_request=sum(s.reads for s in samples) / len(samples),
        relay_cpu_us_per_chunk=sum(b.relay_cpu for b in blocks) / relayed * 1e6 if relay else None,
        upstream_cpu_us_per_chunk=sum(b.upstream_cpu for b in blocks) / relayed * 1e6,
        # VmHWM never goes down: this is the peak since start, up to this level.
        relay_peak_rss_mb=relay.peak_rss_mb() if relay else None,
    )


def rounds_per_block(concurrency: int, requests_per_level: int, blocks: int) -> int:
    """Enough rounds for `requests_per_level`, and at least 2 per block.

    With a single round a block would be mostly ramp-up and ramp-down,
    when fewer than C streams are open.
    """
    return max(2 if concurrency > 1 else 1, math.ceil(requests_per_level / (concurrency * blocks)))


async def run_level(
    session: aiohttp.ClientSession, procs: dict[str, Server], concurrency: int, args: argparse.Namespace
) -> Level:
    targets = TARGETS + (METERING_TARGETS if args.metering else ())
    expected = {target: expected_events(target, args.chunks) for target in targets}
    rounds = rounds_per_block(concurrency, args.requests_per_level, args.blocks)
    print(f"C={concurrency}: {args.blocks} x {concurrency * rounds} requests per target ...", end=" ", flush=True)
    start = time.perf_counter()
    # The targets take turns, a block each, so that whatever else the shared
    # 2-core machine is doing meanwhile weighs on all of them alike.
    blocks: dict[str, list[Block]] = {target: [] for target in targets}
    for _ in range(args.blocks):
        for target in targets:
            blocks[target].append(await run_block(session, target, procs, concurrency, rounds, expected[target]))
    print(f"{time.perf_counter() - start:.1f} s", flush=True)
    return Level(concurrency, {t: summarize(blocks[t], relay_of(t, procs), expected[t]) for t in targets})


# --- the report


@dataclass
class Level:
    concurrency: int
    runs: dict[str, TargetRun]

    def added(self, target: str, q: float) -> float:
        return self.runs[target].p(q) - self.runs["direct"].p(q)

    def cpu_ratio(self) -> float:
        chatnext = self.runs["chatnext"].relay_cpu_us_per_chunk
        bare = self.runs["bare"].relay_cpu_us_per_chunk
        # A run too short for the 10 ms CPU clock can measure 0 for the bare relay.
        return chatnext / bare if chatnext is not None and bare else math.nan

    def translated_cpu_ratio(self) -> float:
        """CPU per chunk translating over passing through, both chatnext."""
        translated = self.runs["anthropic"].relay_cpu_us_per_chunk
        passed = self.runs["chatnext"].relay_cpu_us_per_chunk
        return translated / passed if translated is not None and passed else math.nan

    def translated_ttft_base(self) -> float:
        """The pass-through row's added TTFT p50, raised to ADDED_TTFT_FLOOR_MS."""
        return max(self.added("chatnext", 50), ADDED_TTFT_FLOOR_MS)

    def translated_ttft_ratio(self) -> float:
        return self.added("anthropic", 50) / self.translated_ttft_base()

    def metering_cpu_ratio(self, pair: str) -> float:
        """CPU per chunk with the meter over without, the same credentials both ways."""
        on, off = (self.runs[t].relay_cpu_us_per_chunk for t in METERING_PAIRS[pair])
        return on / off if on is not None and off else math.nan

    def metering_ttft_ratio(self, pair: str) -> float:
        """Added TTFT p50 with the meter over without."""
        on, off = (self.added(t, 50) for t in METERING_PAIRS[pair])
        return on / off if off > 0 else math.nan


@dataclass
class Check:
    name: str
    value: str
    passed: bool


def checks(levels: list[Level]) -> list[Check]:
    by_c = {level.concurrency: level for level in levels}
    result = []
    if 1 in by_c:
        added = by_c[1].added("chatnext", 50)
        result.append(
            Check(
                f"chatnext added TTFT p50 at C=1 < {MAX_ADDED_TTFT_MS:g} ms",
                f"{added:.2f} ms",
                added < MAX_ADDED_TTFT_MS,
            )
        )
    top = max(by_c)
    errors = by_c[top].runs["chatnext"].errors
    result.append(Check(f"chatnext errors at C={top} = 0", str(errors), errors == 0))
    ratio, lv = worst(levels, Level.cpu_ratio)
    result.append(
        Check(
            f"CPU/chunk chatnext / bare <= {MAX_CPU_RATIO:g} at every level",
            f"worst {ratio:.2f} (C={lv.concurrency})",
            ratio <= MAX_CPU_RATIO,
        )
    )
    ratio, lv = worst(levels, Level.translated_cpu_ratio)
    result.append(
        Check(
            f"CPU/chunk anthropic / chatnext <= {MAX_TRANSLATED_CPU_RATIO:g} at every level",
            f"worst {ratio:.2f} (C={lv.concurrency})",
            ratio <= MAX_TRANSLATED_CPU_RATIO,
        )
    )
    # Like the pass-through TTFT target, this one is judged unloaded (C=1):
    # at C>=100 both cores are busy and TTFT measures queueing behind the
    # extra CPU, which the CPU check above already bounds. The table shows
    # every level.
    if 1 in by_c:
        lv = by_c[1]
        ratio, base = lv.translated_ttft_ratio(), lv.translated_ttft_base()
        floored = " (floor)" if base > lv.added("chatnext", 50) else ""
        result.append(
            Check(
                f"added TTFT p50 anthropic at C=1 <= {MAX_TRANSLATED_TTFT_RATIO:g} x max(chatnext, "
                f"{ADDED_TTFT_FLOOR_MS:g} ms)",
                f"{ratio:.2f} ({lv.added('anthropic', 50):+.2f} ms vs {base:.2f} ms{floored})",
                ratio <= MAX_TRANSLATED_TTFT_RATIO,
            )
        )
    if "limited" in levels[0].runs:
        for pair, (on, off) in METERING_PAIRS.items():
            ratio, lv = worst(levels, lambda level, pair=pair: level.metering_cpu_ratio(pair))
            result.append(
                Check(
                    f"metering, {pair}: CPU/chunk {on} / {off} <= {MAX_METERING_RATIO:g} at every level",
                    f"worst {ratio:.2f} (C={lv.concurrency})",
                    ratio <= MAX_METERING_RATIO,
                )
            )
            # Judged at C=1 like the other TTFT checks: above it TTFT is queueing.
            if 1 in by_c:
                lv = by_c[1]
                ratio = lv.metering_ttft_ratio(pair)
                result.append(
                    Check(
                        f"metering, {pair}: added TTFT p50 {on} / {off} at C=1 <= {MAX_METERING_RATIO:g}",
                        f"{ratio:.2f} ({lv.added(on, 50):+.2f} ms vs {lv.added(off, 50):+.2f} ms)",
                        ratio <= MAX_METERING_RATIO,
                    )
                )
    return result


def worst(levels: list[Level], ratio: Callable[[Level], float]) -> tuple[float, Level]:
    """The highest ratio and its level; NaN (not measurable) counts as the worst."""
    return max(((ratio(lv), lv) for lv in levels), key=lambda r: math.inf if math.isnan(r[0]) else r[0])


Cell = Callable[[Level], str]


def _ms(target: str, q: float) -> Cell:
    return lambda lv: f"{lv.runs[target].p(q):.2f}"


def _added(target: str, q: float) -> Cell:
    return lambda lv: f"{lv.added(target, q):+.2f}"


def _of(target: str, attr: str, form: str = "{}") -> Cell:
    return lambda lv: form.format(getattr(lv.runs[target], attr))


# (group heading, [(column heading, cell)]): one table row per level.
COLUMNS: list[tuple[str, list[tuple[str, Cell]]]] = [
    ("", [("C", lambda lv: str(lv.concurrency)), ("req", _of("direct", "requests"))]),
    ("direct TTFT ms", [("p50", _ms("direct", 50)), ("p99", _ms("direct", 99))]),
    (
        "chatnext TTFT ms",
        [
            ("p50", _ms("chatnext", 50)),
            ("p99", _ms("chatnext", 99)),
            ("+p50", _added("chatnext", 50)),
            ("+p99", _added("chatnext", 99)),
        ],
    ),
    ("bare TTFT ms", [("p50", _ms("bare", 50)), ("+p50", _added("bare", 50))]),
    (
        "anthropic TTFT ms",
        [
            ("p50", _ms("anthropic", 50)),
            ("p99", _ms("anthropic", 99)),
            ("+p50", _added("anthropic", 50)),
            ("+p99", _added("anthropic", 99)),
        ],
    ),
    (
        "CPU us/chunk",
        [
            ("chatnext", _of("chatnext", "relay_cpu_us_per_chunk", "{:.1f}")),
            ("bare", _of("bare", "relay_cpu_us_per_chunk", "{:.1f}")),
            ("ratio", lambda lv: f"{lv.cpu_ratio():.2f}"),
            ("anthropic", _of("anthropic", "relay_cpu_us_per_chunk", "{:.1f}")),
            ("/chatnext", lambda lv: f"{lv.translated_cpu_ratio():.2f}"),
        ],
    ),
    (
        "errors",
        [
            ("direct", _of("direct", "errors")),
            ("chatnext", _of("chatnext", "errors")),
            ("bare", _of("bare", "errors")),
            ("anthropic", _of("anthropic", "errors")),
        ],
    ),
    (
        "peak RSS MB",
        [
            ("chatnext", _of("chatnext", "relay_peak_rss_mb", "{:.1f}")),
            ("bare", _of("bare", "relay_peak_rss_mb", "{:.1f}")),
        ],
    ),
    (
        "reads/stream",
        [
            ("chatnext", _of("chatnext", "reads_per_request", "{:.1f}")),
            ("bare", _of("bare", "reads_per_request", "{:.1f}")),
            ("anthropic", _of("anthropic", "reads_per_request", "{:.1f}")),
        ],
    ),
]


def metering_columns(pair: str) -> list[tuple[str, list[tuple[str, Cell]]]]:
    """One table for --metering: the same credentials with the meter (on) and without (off)."""
    on, off = METERING_PAIRS[pair]
    return [
        ("", [("C", lambda lv: str(lv.concurrency)), ("req", _of(on, "requests"))]),
        (f"{on} TTFT ms", [("p50", _ms(on, 50)), ("p99", _ms(on, 99)), ("+p50", _added(on, 50))]),
        (f"{off} TTFT ms", [("p50", _ms(off, 50)), ("p99", _ms(off, 99)), ("+p50", _added(off, 50))]),
        ("+p50", [("ratio", lambda lv: f"{lv.metering_ttft_ratio(pair):.2f}")]),
        (
            "CPU us/chunk",
            [
                (on, _of(on, "relay_cpu_us_per_chunk", "{:.1f}")),
                (off, _of(off, "relay_cpu_us_per_chunk", "{:.1f}")),
                ("ratio", lambda lv: f"{lv.metering_cpu_ratio(pair):.2f}"),
            ],
        ),
        ("errors", [(on, _of(on, "errors")), (off, _of(off, "errors"))]),
    ]


def table(levels: list[Level], columns_of: list[tuple[str, list[tuple[str, Cell]]]] | None = None) -> str:
    groups = []
    for heading, columns in columns_of or COLUMNS:
        cells = [[name] + [cell(level) for level in levels] for name, cell in columns]
        widths = [max(map(len, column)) for column in cells]
        # A heading wider than its columns widens the first of them.
        widths[0] += max(0, len(heading) - (sum(widths) + 2 * (len(widths) - 1)))
        rows = ["  ".join(c[i].rjust(w) for c, w in zip(cells, widths, strict=True)) for i in range(len(levels) + 1)]
        groups.append([heading.center(len(rows[0])), *rows])
    lines = [" | ".join(group[i] for group in groups).rstrip() for i in range(len(levels) + 2)]
    lines.insert(2, "-" * len(lines[0]))
    return "\n".join(lines)


def report(levels: list[Level], chunks: int) -> str:
    event_size = sum(map(len, sse_events(chunks))) / (chunks + 1)
    anthropic = [event for group in anthropic_events(chunks) for event in group]
    out = [
        f"{chunks} chunks + [DONE] per stream, {event_size:.0f} bytes per event on average; "
        "added = target minus direct, per percentile",
        f"anthropic: chatnext translates {len(anthropic)} Anthropic events "
        f"({sum(map(len, anthropic)) / len(anthropic):.0f} bytes on average) into "
        f"{expected_events('anthropic', chunks)} OpenAI ones; its added TTFT is over direct's OpenAI stream",
        "",
        table(levels),
        "",
    ]
    if "limited" in levels[0].runs:
        out += [
            "metering: on = chatnext as it is; off = a second chatnext (its own store) whose Meter.admit is a no-op",
            "  own key: nothing to reserve; one usage record per request, written in batches",
            "  code with limits: all five limits, one atomic reservation before the upstream, settled and recorded after",
            "",
        ]
        for pair in METERING_PAIRS:
            out += [f"metering, {pair}:", table(levels, metering_columns(pair)), ""]
    problems = [
        f"  C={lv.concurrency} {target}: {kinds}"
        for lv in levels
        for target, run in lv.runs.items()
        if (kinds := run.error_kinds)
    ]
    if problems:
        out += ["Errors by kind:", *problems, ""]
    out.append("Targets:")
    out += [f"  {'PASS' if c.passed else 'FAIL'}  {c.name}: {c.value}" for c in checks(levels)]
    return "\n".join(out)


def save_json(path: Path, levels: list[Level], args: argparse.Namespace) -> None:
    result = {
        "settings": {k: v for k, v in vars(args).items() if k not in ("json", "fake_upstream")},
        "cpus": os.cpu_count(),
        "levels": [
            {
                "concurrency": lv.concurrency,
                "cpu_ratio": lv.cpu_ratio(),
                "anthropic_cpu_ratio": lv.translated_cpu_ratio(),
                "anthropic_added_ttft_ratio": lv.translated_ttft_ratio(),
                **(
                    {
                        "metering": {
                            pair: {
                                "cpu_ratio": lv.metering_cpu_ratio(pair),
                                "added_ttft_ratio": lv.metering_ttft_ratio(pair),
                            }
                            for pair in METERING_PAIRS
                        }
                    }
                    if "limited" in lv.runs
                    else {}
                ),
                "targets": {
                    name: {
                        **{k: v for k, v in asdict(run).items() if k != "ttft_ms"},
                        "ttft_ms": {"p50": run.p(50), "p90": run.p(90), "p99": run.p(99), "max": run.p(100)},
                        "added_ttft_ms": {"p50": lv.added(name, 50), "p99": lv.added(name, 99)},
                    }
                    for name, run in lv.runs.items()
                },
            }
            for lv in levels
        ],
        "checks": [asdict(c) for c in checks(levels)],
    }
    path.write_text(json.dumps(result, indent=2) + "\n")


# --- main


async def run(args: argparse.Namespace) -> list[Level]:
    levels = []
    with servers(args.chunks, args.gap_ms, args.metering) as procs:
        await procs["upstream"].wait_ready(None)
        await procs["chatnext"].wait_ready("/api/health")
        if args.metering:
            await procs["chatnext-unmetered"].wait_ready("/api/health")
        await procs["bare"].wait_ready(None)
        # keepalive below uvicorn's 5 s: the client drops an idle connection
        # before the server does, or the next level's first request may be
        # sent on a socket the server is closing and count as an error.
        connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=3)
        timeout = aiohttp.ClientTimeout(total=120, sock_read=30)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            for concurrency in args.concurrency:
                levels.append(await run_level(session, procs, concurrency, args))
    return levels


def int_list(text: str) -> list[int]:
    return [int(item) for item in text.split(",")]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--concurrency",
        type=int_list,
        default=[1, 100, 500],
        help="comma-separated concurrent streams per level (default 1,100,500)",
    )
    parser.add_argument("--chunks", type=int, default=50, help="chunk events per stream before [DONE] (default 50)")
    parser.add_argument(
        "--requests-per-level",
        type=int,
        default=3000,
        help="requests per target and level, rounded up to whole rounds of C, at least 2 rounds per block (default 3000)",
    )
    parser.add_argument(
        "--blocks",
        type=int,
        default=3,
        help="blocks each level's requests are split into, the targets taking turns (default 3)",
    )
    parser.add_argument(
        "--gap-ms",
        type=float,
        default=0.0,
        help="pause between the upstream's events (default 0: back to back, so relays often read several at once)",
    )
    parser.add_argument(
        "--metering",
        action="store_true",
        help="add rows for the own key and a policy code with limits, through chatnext with and without its meter",
    )
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--fake-upstream", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.chunks < 3:
        parser.error("--chunks must be at least 3 (a role chunk, a stop chunk and a usage chunk)")
    if min(args.concurrency) < 1 or args.requests_per_level < 1 or args.blocks < 1:
        parser.error("--concurrency, --requests-per-level and --blocks must be positive")
    return args


def main() -> int:
    args = parse_args()
    if args.fake_upstream:
        serve_fake_upstream(args.fake_upstream, args.chunks, args.gap_ms)
        return 0
    raise_nofile_limit()  # the servers inherit it, chatnext included
    # SIGTERM ends the run like Ctrl-C does, through the servers' cleanup.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        levels = uvloop.run(run(args))
    except KeyboardInterrupt:
        print("\ninterrupted; servers stopped", file=sys.stderr)
        return 130
    except ServerFailed as exc:
        print(f"relay.py: {exc}", file=sys.stderr)
        return 1
    print()
    print(report(levels, args.chunks))
    if args.json:
        save_json(args.json, levels, args)
        print(f"\nsaved {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
