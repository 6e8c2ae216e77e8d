"""What the web page costs a browser: first-screen bytes and the work of a long streamed answer.

One run starts the fake OpenAI upstream (tests/fake_upstream.py) and chatnext
(tests/conftest.py's start_server, in this process), then drives Debian's
Chromium with Playwright:

1. First screen: a fresh context opens the page; every JS and CSS response
   that arrived before `body[data-ready]` is counted, raw and gzipped here
   (level 9, each file on its own, as a server compressing per response would
   send it). Target: at most 60 kB gzipped.
2. Streaming: a ~40 KB markdown answer (~10,000 tokens at 4 characters a
   token: paragraphs, lists, code blocks, tables) is streamed through the real
   page in small events with no pause, so the page, not the network, is the
   bottleneck. Chrome's own counters (CDP Performance.getMetrics) give the
   renderer main thread's busy time over the stream; a PerformanceObserver
   counts long tasks (> 50 ms).

    python bench/web_size.py [--runs 3] [--piece 16] [--delay 0] [--kb 40]

See bench/README.md, "Web page size and streaming cost".
"""

from __future__ import annotations

import argparse
import gzip
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, Page, Response, sync_playwright  # noqa: E402
from tests.conftest import start_server  # noqa: E402
from tests.fake_upstream import FakeUpstream, Reply  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
MODEL = "gpt-4o-mini"  # the page's default model with this server's configuration
FIRST_SCREEN_TARGET = 60_000  # bytes, gzipped JS + CSS
LONG_TASK_MS = 50

# Long tasks as the page itself sees them; installed before any page script runs.
LONG_TASK_OBSERVER = """
window.__longTasks = [];
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: "longtask", buffered: true });
} catch (e) {
  window.__longTasks = null;
}
"""

# Click Send, then note (page clock) when the answer is complete and when its
# code blocks are highlighted. A 16 ms interval check costs next to nothing,
# unlike a MutationObserver, which would run on every redraw of the answer.
SEND_AND_TIME = """
async ([codeBlocks]) => {
  const t0 = performance.now();
  document.querySelector("button.send-button[type=submit]").click();
  const answer = () => document.querySelector("article.message.from-assistant");
  const until = (test) => new Promise((resolve) => {
    const limit = performance.now() + 120000;
    const timer = setInterval(() => {
      const now = performance.now();
      if (test() || now > limit) { clearInterval(timer); resolve(now > limit ? NaN : now); }
    }, 16);
  });
  const first = await until(() => (answer()?.querySelector(".markdown")?.textContent ?? "").length > 0);
  const done = await until(() => /status-(done|error|stopped)/.test(answer()?.className ?? ""));
  const highlighted = await until(() => answer().querySelectorAll("pre code.hljs").length >= codeBlocks);
  return { t0, first, done, highlighted, status: answer().className };
}
"""


# --- the answer -------------------------------------------------------------

WORDS = [
    "stream",
    "token",
    "model",
    "answer",
    "relay",
    "server",
    "browser",
    "page",
    "render",
    "markdown",
    "parse",
    "cache",
    "chunk",
    "event",
    "buffer",
    "request",
    "response",
    "latency",
    "budget",
    "frame",
    "paint",
    "layout",
    "style",
    "script",
    "thread",
    "worker",
    "queue",
    "socket",
    "proxy",
    "upstream",
    "downstream",
    "context",
    "history",
    "message",
    "draft",
    "setting",
    "theme",
    "locale",
    "index",
    "store",
    "cursor",
    "schema",
]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    i = rng.randrange(len(words))
    words[i] = rng.choice(
        [f"**{words[i]}**", f"*{words[i]}*", f"`{words[i]}()`", f"[{words[i]}](https://example.com/{i})"]
    )
    return " ".join(words).capitalize() + "."


CODE = {
    "python": 'def handle_{n}(event):\n    """Process one event."""\n    total = 0\n    for item in event["items"]:\n'
    '        if item.get("ok"):\n            total += item["size"] * {n}\n    return {{"id": {n}, "total": total}}\n',
    "javascript": "export function render{n}(root, items) {{\n  const list = document.createElement('ul');\n"
    "  for (const item of items) {{\n    const li = document.createElement('li');\n"
    "    li.textContent = `${{item.name}}: ${{item.value * {n}}}`;\n    list.append(li);\n  }}\n  root.replaceChildren(list);\n}}\n",
    "bash": "#!/bin/sh\nset -eu\nfor f in logs/*.{n}.log; do\n  grep -c 'ERROR' \"$f\" || true\ndone | sort -n | tail -5\n",
}


@dataclass
class Answer:
    text: str
    code_blocks: int
    tables: int


def make_answer(kilobytes: int, seed: int = 7) -> Answer:
    """Varied, deterministic markdown of about `kilobytes` KB."""
    rng = random.Random(seed)
    parts: list[str] = []
    code_blocks = tables = 0
    n = 0
    while sum(map(len, parts)) < kilobytes * 1000:
        n += 1
        parts.append(f"## Part {n}: {rng.choice(WORDS)} and {rng.choice(WORDS)}\n")
        parts.append(" ".join(sentence(rng) for _ in range(rng.randint(3, 6))) + "\n")
        parts.append("\n".join(f"- {sentence(rng)}" for _ in range(rng.randint(3, 5))) + "\n")
        parts.append("\n".join(f"{i}. {sentence(rng)}" for i in range(1, rng.randint(3, 5))) + "\n")
        lang = rng.choice(sorted(CODE))
        parts.append(f"```{lang}\n{CODE[lang].format(n=n)}```\n")
        code_blocks += 1
        if n % 3 == 0:
            rows = "\n".join(
                f"| {rng.choice(WORDS)} | {rng.randint(1, 999)} ms | {rng.choice(['yes', 'no'])} | {sentence(rng)} |"
                for _ in range(rng.randint(4, 8))
            )
            parts.append(f"| name | time | cached | note |\n| --- | ---: | :---: | --- |\n{rows}\n")
            tables += 1
        parts.append(f"> {sentence(rng)}\n")
    return Answer("\n".join(parts), code_blocks, tables)


# --- measurements -----------------------------------------------------------


@dataclass
class Asset:
    url: str
    kind: str
    raw: int
    gzipped: int
    served_encoding: str


def first_screen(browser: Browser, url: str) -> tuple[list[Asset], list[str], float]:
    """JS/CSS responses before body[data-ready]; also what loaded after it until the network went idle."""
    context = browser.new_context(service_workers="block")  # the worker's own install fetches are not the page's
    page = context.new_page()
    responses: list[Response] = []
    page.on("response", lambda r: responses.append(r))
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]", state="attached")
    ready = time.perf_counter() - start
    before = len(responses)
    page.wait_for_load_state("networkidle")
    assets = []
    for r in responses[:before]:
        kind = r.request.resource_type
        if kind not in ("script", "stylesheet") or r.status != 200:
            continue
        body = r.body()
        assets.append(
            Asset(r.url, kind, len(body), len(gzip.compress(body, 9)), r.headers.get("content-encoding", "identity"))
        )
    later = [r.url for r in responses[before:] if r.request.resource_type in ("script", "stylesheet")]
    context.close()
    return assets, later, ready


@dataclass
class StreamRun:
    events: int
    first_s: float
    done_s: float
    highlighted_s: float
    task_ms: float
    script_ms: float
    layout_style_ms: float
    task_all_ms: float
    window_s: float
    long_tasks: int
    longest_ms: float
    status: str


def metrics(cdp: object) -> dict[str, float]:
    got = cdp.send("Performance.getMetrics")  # type: ignore[attr-defined]
    return {m["name"]: m["value"] for m in got["metrics"]}


def stream_once(browser: Browser, url: str, answer: Answer, events: int) -> StreamRun:
    context = browser.new_context(service_workers="block")
    page: Page = context.new_page()
    page.add_init_script(LONG_TASK_OBSERVER)
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]", state="attached")
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable", {"timeDomain": "timeTicks"})
    page.locator("form.composer textarea").fill("Write me a long answer.")
    page.wait_for_timeout(300)  # let the page settle: idle work is not the stream's
    m0 = metrics(cdp)
    times = page.evaluate(SEND_AND_TIME, [answer.code_blocks])
    m1 = metrics(cdp)
    page.wait_for_timeout(200)
    m2 = metrics(cdp)  # with the highlighting that follows the answer
    long_tasks = page.evaluate("() => window.__longTasks") or []
    during = [t for t in long_tasks if times["t0"] <= t["start"] <= times["done"] and t["duration"] > LONG_TASK_MS]
    md = page.locator("article.message.from-assistant .markdown")
    shown = (md.locator("pre").count(), md.locator("table").count())
    if shown != (answer.code_blocks, answer.tables):
        print(f"warning: rendered {shown} code blocks/tables, expected {(answer.code_blocks, answer.tables)}")
    context.close()

    def took(name: str, a: dict[str, float], b: dict[str, float]) -> float:
        return (b.get(name, 0.0) - a.get(name, 0.0)) * 1000

    return StreamRun(
        events=events,
        first_s=(times["first"] - times["t0"]) / 1000,
        done_s=(times["done"] - times["t0"]) / 1000,
        highlighted_s=(times["highlighted"] - times["t0"]) / 1000,
        task_ms=took("TaskDuration", m0, m1),
        script_ms=took("ScriptDuration", m0, m1),
        layout_style_ms=took("LayoutDuration", m0, m1) + took("RecalcStyleDuration", m0, m1),
        task_all_ms=took("TaskDuration", m0, m2),
        window_s=m1["Timestamp"] - m0["Timestamp"],
        long_tasks=len(during),
        longest_ms=max((t["duration"] for t in during), default=0.0),
        status=times["status"],
    )


# --- report -----------------------------------------------------------------


def short(url: str) -> str:
    return url.split("/", 3)[-1]


def report_first_screen(assets: list[Asset], later: list[str], ready: float) -> None:
    print(f"First screen: JS and CSS fetched before body[data-ready] ({ready * 1000:.0f} ms to ready, fresh context)\n")
    width = max([len(short(a.url)) for a in assets] + [4])
    print(f"  {'file':<{width}}  {'type':<10}  {'raw B':>9}  {'gzip -9 B':>9}  served as")
    print(f"  {'-' * width}  {'-' * 10}  {'-' * 9}  {'-' * 9}  ---------")
    for a in assets:
        print(f"  {short(a.url):<{width}}  {a.kind:<10}  {a.raw:>9,}  {a.gzipped:>9,}  {a.served_encoding}")
    raw = sum(a.raw for a in assets)
    gz = sum(a.gzipped for a in assets)
    print(f"  {'total':<{width}}  {len(assets):<10}  {raw:>9,}  {gz:>9,}")
    verdict = "PASS" if gz <= FIRST_SCREEN_TARGET else "FAIL"
    print(f"\n  {verdict}  first-screen JS+CSS gzipped <= {FIRST_SCREEN_TARGET / 1000:.0f} kB: {gz / 1000:.1f} kB")
    if later:
        print(f"  after ready, until the network was idle, {len(later)} more: {', '.join(map(short, later))}")
    else:
        print("  nothing more was fetched after ready until the network was idle")


def report_stream(answer: Answer, events: int, piece: int, delay: float, runs: list[StreamRun]) -> None:
    chars = len(answer.text)
    print(
        f"\nStreaming: {chars:,} characters (~{chars // 4:,} tokens at 4 chars/token), {answer.code_blocks} code "
        f"blocks, {answer.tables} tables; {events:,} events of {piece} characters, {delay * 1000:g} ms apart\n"
    )
    head = (
        "  run | first text s | done s | main thread busy ms | busy % | script ms | layout+style ms "
        "| long tasks | longest ms | +highlight: done s  busy ms"
    )
    print(head)
    print("  " + "-" * (len(head) - 2))

    def row(label: str, r: StreamRun) -> str:
        busy = 100 * r.task_ms / 1000 / r.window_s if r.window_s else 0.0
        return (
            f"  {label:>3} | {r.first_s:12.2f} | {r.done_s:6.2f} | {r.task_ms:19.0f} | {busy:6.0f} | {r.script_ms:9.0f} "
            f"| {r.layout_style_ms:15.0f} | {r.long_tasks:10d} | {r.longest_ms:10.0f} | {r.highlighted_s:18.2f}  "
            f"{r.task_all_ms:7.0f}"
        )

    for i, r in enumerate(runs, 1):
        print(row(str(i), r))
    if len(runs) > 1:
        med = StreamRun(
            events,
            *(
                statistics.median(getattr(r, f) for r in runs)
                for f in (
                    "first_s",
                    "done_s",
                    "highlighted_s",
                    "task_ms",
                    "script_ms",
                    "layout_style_ms",
                    "task_all_ms",
                    "window_s",
                )
            ),
            long_tasks=round(statistics.median(r.long_tasks for r in runs)),
            longest_ms=statistics.median(r.longest_ms for r in runs),
            status="",
        )
        print(row("med", med))
    bad = [r.status for r in runs if "status-done" not in r.status]
    if bad:
        print(f"\n  warning: some answers did not finish cleanly: {bad}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3, help="streamed answers, each in a fresh context (default 3)")
    parser.add_argument("--piece", type=int, default=16, help="characters per upstream event (default 16)")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds between upstream events (default 0)")
    parser.add_argument("--kb", type=int, default=40, help="size of the answer in KB (default 40)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"needs Chromium at {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 1
    answer = make_answer(args.kb)
    events = -(-len(answer.text) // args.piece)
    upstream = FakeUpstream().start()
    server = start_server({"BASE_URL": upstream.url, "OPENAI_API_KEY": "sk-bench"})
    started = time.perf_counter()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            assets, later, ready = first_screen(browser, server.url)
            report_first_screen(assets, later, ready)
            runs = []
            for _ in range(args.runs):
                upstream.replies[MODEL] = Reply(answer.text, piece=args.piece, delay=args.delay)
                runs.append(stream_once(browser, server.url, answer, events))
            report_stream(answer, events, args.piece, args.delay, runs)
            browser.close()
    finally:
        server.stop()
        upstream.stop()
    print(f"\n{time.perf_counter() - started:.1f} s wall time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
