"""How fast the page opens a very long conversation, and how smoothly it scrolls.

Writes one conversation of --messages messages straight into the page's
IndexedDB (the app's own schema: database "chatnext" v2, stores "chats",
"messages" with index byChat [chatId, seq], "kv" with "currentChat"), then:

1. open: reloads the page --runs times and measures, inside the page, the
   time from navigation start (performance.now() = 0) until the last message
   is rendered (its .markdown has content) and inside the visible part of the
   list, and the first animation frame after that (about when it is painted);
2. scroll: from the top of the list to the bottom in steps of --step pixels,
   one step per animation frame, recording every frame's duration.

    . .venv/bin/activate
    python bench/long_chat.py                      # 2,000 messages, 5 runs
    python bench/long_chat.py --messages 500 --step 400 --json out.json

Needs Debian's chromium (/usr/bin/chromium) and the venv's Playwright; no
upstream is contacted (nothing is sent). chatnext runs in this process on a
free port of 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn
from playwright.sync_api import Page, sync_playwright

from chatnext.app import create_app
from chatnext.config import load_settings

CHROMIUM = "/usr/bin/chromium"
TARGET_MS = 300.0

# --- the conversation ---------------------------------------------------------

TOPICS = [
    ("Python", "python"),
    ("TypeScript", "ts"),
    ("SQL", "sql"),
    ("Bash", "bash"),
    ("Rust", "rust"),
    ("Go", "go"),
]
WORDS = str.split(
    "the a function returns value list cache request server client index query table row column "
    "error retry timeout stream buffer thread lock queue worker batch commit branch merge test "
    "fixture mock config option default parse format encode decode token model prompt answer "
    "latency memory disk network socket handler route schema migration version release build"
)
CODE = {
    "python": 'def {name}(items):\n    seen = set()\n    for item in items:\n        if item in seen:\n            continue\n        seen.add(item)\n        yield item.strip().lower()\n\nprint(list({name}(["A", "b", "a"])))',
    "ts": "export async function {name}(url: string): Promise<Response> {{\n  const res = await fetch(url, {{ headers: {{ Accept: 'application/json' }} }});\n  if (!res.ok) throw new Error(`HTTP ${{res.status}}`);\n  return res;\n}}",
    "sql": "SELECT c.id, c.name, COUNT(o.id) AS orders\nFROM customers c\nLEFT JOIN orders o ON o.customer_id = c.id\nWHERE o.created_at > now() - interval '30 days'\nGROUP BY c.id, c.name\nORDER BY orders DESC\nLIMIT 20;",
    "bash": 'for f in *.log; do\n  gzip -9 "$f" && echo "packed $f"\ndone\nfind . -name "*.gz" -mtime +30 -delete',
    "rust": "fn {name}(input: &str) -> Vec<&str> {{\n    input\n        .split(',')\n        .map(str::trim)\n        .filter(|s| !s.is_empty())\n        .collect()\n}}",
    "go": "func {name}(ctx context.Context, ch <-chan int) (sum int) {{\n\tfor {{\n\t\tselect {{\n\t\tcase v, ok := <-ch:\n\t\t\tif !ok {{\n\t\t\t\treturn sum\n\t\t\t}}\n\t\t\tsum += v\n\t\tcase <-ctx.Done():\n\t\t\treturn sum\n\t\t}}\n\t}}\n}}",
}


def sentence(rng: random.Random, n: int | None = None) -> str:
    words = [rng.choice(WORDS) for _ in range(n or rng.randint(8, 18))]
    if rng.random() < 0.3:
        i = rng.randrange(len(words))
        words[i] = f"`{words[i]}()`"
    if rng.random() < 0.2:
        i = rng.randrange(len(words))
        words[i] = f"**{words[i]}**"
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 4)))


def block(rng: random.Random, lang: str) -> str:
    kind = rng.random()
    if kind < 0.3:
        code = CODE[lang].format(name=rng.choice(["dedupe", "fetch_all", "split_csv", "total", "load"]))
        return f"```{lang}\n{code}\n```"
    if kind < 0.55:
        return "\n".join(f"- {sentence(rng, rng.randint(4, 10))}" for _ in range(rng.randint(3, 5)))
    if kind < 0.7:
        return "\n".join(f"{i}. {sentence(rng, rng.randint(5, 12))}" for i in range(1, rng.randint(3, 5)))
    if kind < 0.78:
        rows = "\n".join(
            f"| {rng.choice(WORDS)} | {rng.randint(1, 999)} ms | {rng.choice(['yes', 'no'])} |" for _ in range(3)
        )
        return f"| step | time | cached |\n| --- | --- | --- |\n{rows}"
    return paragraph(rng)


def content(rng: random.Random, role: str) -> str:
    topic, lang = rng.choice(TOPICS)
    low, high = (300, 700) if role == "user" else (300, 1500)
    want = rng.randint(low, high)
    if role == "user":
        parts = [f"A question about {topic}: {paragraph(rng)}"]
    else:
        parts = [f"### {topic}: {rng.choice(WORDS)} and {rng.choice(WORDS)}", paragraph(rng)]
    while sum(len(p) for p in parts) < want:
        parts.append(block(rng, lang))
    text = "\n\n".join(parts)
    if len(text) > high:  # cut at a paragraph break; never inside a code block
        cut = text.rfind("\n\n", 0, high)
        if cut > low and text[:cut].count("```") % 2 == 0:
            text = text[:cut]
    return text


def conversation(n: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    chat_id = "bench-long-chat"
    start = 1_790_000_000_000
    messages = []
    for seq in range(n):
        role = "user" if seq % 2 == 0 else "assistant"
        messages.append(
            {
                "id": f"bench-{seq:05d}",
                "chatId": chat_id,
                "seq": seq,
                "role": role,
                "content": content(rng, role),
                "createdAt": start + seq * 30_000,
                "status": "done",
                **({"model": "gpt-4o-mini"} if role == "assistant" else {}),
            }
        )
    chat = {
        "id": chat_id,
        "title": f"A {n:,}-message conversation",
        "createdAt": start,
        "updatedAt": start + n * 30_000,
        "nextSeq": n,
        "clearIndex": 0,
        "messageCount": n,
    }
    return {"chat": chat, "messages": messages}


SEED = """async ({ chat, messages }) => {
    const db = await new Promise((ok, fail) => {
        const req = indexedDB.open('chatnext', 2);
        req.onsuccess = () => ok(req.result);
        req.onerror = () => fail(req.error);
    });
    await new Promise((ok, fail) => {
        const tx = db.transaction(['chats', 'messages', 'kv'], 'readwrite');
        tx.objectStore('chats').put(chat);
        for (const m of messages) tx.objectStore('messages').put(m);
        tx.objectStore('kv').put(chat.id, 'currentChat');
        tx.oncomplete = ok;
        tx.onerror = () => fail(tx.error);
    });
    db.close();
}"""

# Installed before the page's own scripts on every load: watches for the last
# message to be rendered inside the list's visible area.
WATCH = """(lastId) => {
    const b = (window.__bench = { ready: null, first: null, visible: null, painted: null });
    const check = () => {
        if (b.ready === null && document.body && document.body.dataset.ready === 'true') b.ready = performance.now();
        if (b.first === null && document.querySelector('article.message .markdown > *')) b.first = performance.now();
        if (b.visible !== null) return true;
        const md = document.querySelector(`article[data-message-id="${lastId}"] .markdown`);
        const list = document.querySelector('.message-list');
        if (!md || !list || md.childElementCount === 0) return false;
        const r = md.getBoundingClientRect();
        const l = list.getBoundingClientRect();
        if (r.height <= 0 || r.bottom <= l.top || r.top >= l.bottom) return false;
        b.visible = performance.now();
        requestAnimationFrame(() => (b.painted = performance.now()));
        return true;
    };
    const observer = new MutationObserver(() => check() && observer.disconnect());
    observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-ready'] });
    const poll = () => (check() && b.painted !== null ? null : requestAnimationFrame(poll));
    requestAnimationFrame(poll);
}"""

SCROLL = """async (step) => {
    const list = document.querySelector('.message-list');
    const frame = () => new Promise((ok) => requestAnimationFrame(ok));
    list.scrollTop = 0;
    for (let i = 0; i < 30; i++) await frame();  // let the top settle
    const deltas = [];
    let last = await frame();
    let atEnd = 0;
    const started = performance.now();
    while (atEnd < 5 && performance.now() - started < 120000) {
        list.scrollTop += step;
        const now = await frame();
        deltas.push(now - last);
        last = now;
        atEnd = list.scrollTop + list.clientHeight >= list.scrollHeight - 2 ? atEnd + 1 : 0;
    }
    return { deltas, height: list.scrollHeight, seconds: (performance.now() - started) / 1000 };
}"""


# --- running it ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def serve() -> tuple[str, uvicorn.Server, threading.Thread]:
    # Nothing is sent: the upstream is a closed port.
    env = {"OPENAI_API_KEY": "sk-bench", "BASE_URL": "http://127.0.0.1:9"}
    app = create_app(load_settings(env, env_file=Path("/nonexistent/.env")))
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("chatnext did not start")
        time.sleep(0.01)
    return f"http://127.0.0.1:{port}", server, thread


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def open_once(page: Page, url: str) -> dict[str, float]:
    page.goto(url)
    page.wait_for_function("() => window.__bench && window.__bench.painted !== null", timeout=60_000)
    result: dict[str, float] = page.evaluate(
        """() => ({ ...window.__bench,
                   dcl: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
                   rows: document.querySelectorAll('article.message').length })"""
    )
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--step", type=int, default=800, help="pixels scrolled per animation frame")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=800)
    ap.add_argument("--json", type=Path, help="also save every number here")
    args = ap.parse_args()

    data = conversation(args.messages)
    sizes = [len(m["content"]) for m in data["messages"]]
    with_code = sum("```" in m["content"] for m in data["messages"])
    last_id = data["messages"][-1]["id"]
    load_before = loadavg()
    url, server, thread = serve()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
            )
            context = browser.new_context(viewport={"width": args.width, "height": args.height})
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url)
            page.wait_for_selector("body[data-ready=true]", state="attached")
            page.evaluate(SEED, data)
            context.add_init_script(script=f"({WATCH})({json.dumps(last_id)})")
            open_once(page, url)  # warm-up: the HTTP cache and the markdown code
            runs = [open_once(page, url) for _ in range(args.runs)]
            scroll = page.evaluate(SCROLL, args.step)
            browser.close()
    finally:
        server.should_exit = True
        thread.join(10)
    if errors:
        print("page errors:", *errors, sep="\n  ", file=sys.stderr)

    painted = [r["painted"] for r in runs]
    visible = [r["visible"] for r in runs]
    deltas = scroll["deltas"]
    summary = {
        "messages": args.messages,
        "chars_median": statistics.median(sizes),
        "chars_min": min(sizes),
        "chars_max": max(sizes),
        "messages_with_code": with_code,
        "open_runs": runs,
        "open_visible_median_ms": statistics.median(visible),
        "open_visible_max_ms": max(visible),
        "open_painted_median_ms": statistics.median(painted),
        "open_painted_max_ms": max(painted),
        "ready_median_ms": statistics.median(r["ready"] for r in runs),
        "rows_rendered": runs[-1]["rows"],
        "scroll_step_px": args.step,
        "scroll_height_px": scroll["height"],
        "scroll_seconds": scroll["seconds"],
        "frames": len(deltas),
        "frame_p50_ms": percentile(deltas, 50),
        "frame_p95_ms": percentile(deltas, 95),
        "frame_max_ms": max(deltas),
        "frames_over_50ms": sum(d > 50 for d in deltas),
        "errors": errors,
        "cpus": os.cpu_count(),
        "loadavg_before": load_before,
        "loadavg_after": loadavg(),
    }

    print(
        f"\n{args.messages:,} messages ({summary['chars_min']}-{summary['chars_max']} characters, "
        f"median {summary['chars_median']:.0f}; {with_code} with code blocks), viewport {args.width}x{args.height}; "
        f"{os.cpu_count()} CPUs, load average {load_before} before, {summary['loadavg_after']} after\n"
    )
    print("| open run | app ready (ms) | last message visible (ms) | painted (ms) | rows in the DOM |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for i, r in enumerate(runs, 1):
        print(f"| {i} | {r['ready']:.0f} | {r['visible']:.0f} | {r['painted']:.0f} | {r['rows']:.0f} |")
    verdict = "meets" if summary["open_painted_max_ms"] < TARGET_MS else "misses"
    print(
        f"| **median / max** | {summary['ready_median_ms']:.0f} | {summary['open_visible_median_ms']:.0f} / "
        f"{summary['open_visible_max_ms']:.0f} | {summary['open_painted_median_ms']:.0f} / "
        f"{summary['open_painted_max_ms']:.0f} | |"
    )
    print(f"\nopen target < {TARGET_MS:.0f} ms: {verdict} it (max painted)\n")
    print("| scroll, top to bottom | value |")
    print("| --- | ---: |")
    print(f"| step per frame | {args.step} px |")
    print(f"| list height at the end | {scroll['height']:,} px |")
    print(f"| frames | {len(deltas):,} in {scroll['seconds']:.1f} s |")
    print(f"| frame time p50 | {summary['frame_p50_ms']:.1f} ms |")
    print(f"| frame time p95 | {summary['frame_p95_ms']:.1f} ms |")
    print(f"| frame time max | {summary['frame_max_ms']:.1f} ms |")
    print(f"| frames over 50 ms | {summary['frames_over_50ms']} |")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
