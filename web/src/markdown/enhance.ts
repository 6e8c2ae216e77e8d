// Post-processing of rendered markdown, after the app has set innerHTML:
//   - code blocks: copy button + highlight.js (core + only the languages used)
//   - math placeholders: KaTeX
//   - mermaid placeholders: mermaid, with the SVG sanitized again
// Every heavy library is reached only through dynamic import(), and only when
// the root actually contains something that needs it.

import DOMPurify, { type DOMPurify as Purifier } from "dompurify";
import type { HLJSApi, LanguageFn } from "highlight.js";
import { hardenLink, isSafeHref, isSafeImageSrc } from "./render";

// ---------------------------------------------------------------------------
// labels (i18n)

export interface EnhanceLabels {
  copy: string;
  copied: string;
  /** Prefix of the note shown under a diagram that failed to render. */
  mermaidError?: string;
}

const labels: Required<EnhanceLabels> = {
  copy: "Copy",
  copied: "Copied",
  mermaidError: "Diagram error",
};

/** Set the UI strings; already-created buttons are updated too. */
export function setEnhanceLabels(l: EnhanceLabels): void {
  labels.copy = l.copy;
  labels.copied = l.copied;
  if (l.mermaidError) labels.mermaidError = l.mermaidError;
  if (typeof document === "undefined") return;
  document.querySelectorAll<HTMLButtonElement>("button.code-copy").forEach((b) => {
    const copied = b.classList.contains("copied");
    b.textContent = copied ? labels.copied : labels.copy;
    b.setAttribute("aria-label", labels.copy);
  });
}

// ---------------------------------------------------------------------------
// entry point

const DONE = "data-enhanced";
const CODE_SEL = `pre:not([${DONE}])`;
const MATH_SEL = `.math-inline:not([${DONE}]),.math-display:not([${DONE}])`;
const MERMAID_SEL = `.mermaid-block:not([${DONE}])`;

export interface EnhanceOptions {
  /**
   * The text is final (not streaming any more). By default a trailing code
   * block whose fence is still open (`<pre data-partial>`, set by
   * renderMarkdown) is skipped and left unmarked, as it is probably still
   * being written. Pass `final: true` once the answer is complete, so that an
   * answer that was stopped or truncated inside a code block still gets the
   * copy button and highlighting for it.
   */
  final?: boolean;
}

/**
 * Enhance rendered markdown inside `root`. Idempotent; when there is nothing
 * new it returns without loading anything, so it is cheap to call after every
 * update.
 */
export async function enhance(root: HTMLElement, opts: EnhanceOptions = {}): Promise<void> {
  const pres = Array.from(root.querySelectorAll<HTMLPreElement>(CODE_SEL)).filter(
    (p) => !p.closest(".mermaid-block") && (opts.final || !p.hasAttribute("data-partial")),
  );
  const maths = Array.from(root.querySelectorAll<HTMLElement>(MATH_SEL));
  const diagrams = Array.from(root.querySelectorAll<HTMLElement>(MERMAID_SEL));
  if (!pres.length && !maths.length && !diagrams.length) return;
  // Mark synchronously so a concurrent call does not pick the same elements.
  for (const el of [...pres, ...maths, ...diagrams]) el.setAttribute(DONE, "pending");
  await Promise.all([
    pres.length ? enhanceCode(pres) : null,
    maths.length ? enhanceMath(maths) : null,
    diagrams.length ? enhanceMermaid(diagrams) : null,
  ]);
}

/** Run `fn`, and on failure log it instead of rejecting the whole enhance(). */
async function guarded(what: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    console.warn(`[markdown] ${what} failed`, e);
  }
}

/** Memoize a lazy loader; forget a failed attempt so a later call retries. */
function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | null = null;
  return () =>
    (p ??= load().catch((e: unknown) => {
      p = null;
      throw e;
    }));
}

// ---------------------------------------------------------------------------
// code blocks

type LangLoader = () => Promise<{ default: LanguageFn }>;

// One dynamic import per language, so each becomes its own small chunk.
const LANG_LOADERS: Record<string, LangLoader> = {
  javascript: () => import("highlight.js/lib/languages/javascript"),
  typescript: () => import("highlight.js/lib/languages/typescript"),
  python: () => import("highlight.js/lib/languages/python"),
  bash: () => import("highlight.js/lib/languages/bash"),
  shell: () => import("highlight.js/lib/languages/shell"),
  json: () => import("highlight.js/lib/languages/json"),
  xml: () => import("highlight.js/lib/languages/xml"),
  css: () => import("highlight.js/lib/languages/css"),
  sql: () => import("highlight.js/lib/languages/sql"),
  go: () => import("highlight.js/lib/languages/go"),
  rust: () => import("highlight.js/lib/languages/rust"),
  java: () => import("highlight.js/lib/languages/java"),
  c: () => import("highlight.js/lib/languages/c"),
  cpp: () => import("highlight.js/lib/languages/cpp"),
  yaml: () => import("highlight.js/lib/languages/yaml"),
  markdown: () => import("highlight.js/lib/languages/markdown"),
  diff: () => import("highlight.js/lib/languages/diff"),
};

// Grammars that delegate to another one (shell sessions embed bash).
const LANG_DEPS: Record<string, string[]> = { shell: ["bash"] };

const LANG_ALIASES: Record<string, string> = {
  js: "javascript", jsx: "javascript", mjs: "javascript", cjs: "javascript", node: "javascript",
  ts: "typescript", tsx: "typescript", mts: "typescript", cts: "typescript",
  py: "python", python3: "python", py3: "python", gyp: "python",
  sh: "bash", zsh: "bash", shell: "bash", shellscript: "bash",
  console: "shell", "shell-session": "shell", shellsession: "shell",
  jsonc: "json", json5: "json",
  html: "xml", xhtml: "xml", svg: "xml", rss: "xml", atom: "xml", plist: "xml",
  golang: "go", rs: "rust", h: "c", "c++": "cpp", cc: "cpp", cxx: "cpp", hpp: "cpp",
  hh: "cpp", hxx: "cpp", yml: "yaml", md: "markdown", mkd: "markdown", patch: "diff",
  postgres: "sql", postgresql: "sql", mysql: "sql", sqlite: "sql", plsql: "sql",
};

/** Canonical highlight.js grammar name for a fence language, or null if unsupported. */
export function resolveLanguage(lang: string | null | undefined): string | null {
  if (!lang) return null;
  const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
  const l = lang.toLowerCase();
  const name = own(LANG_ALIASES, l) ? LANG_ALIASES[l] : l;
  return own(LANG_LOADERS, name) ? name : null;
}

const loadHljs = lazy(async () => (await import("highlight.js/lib/core")).default);
const langPromises = new Map<string, Promise<void>>();

function loadLanguage(hljs: HLJSApi, name: string): Promise<void> {
  let p = langPromises.get(name);
  if (!p) {
    p = Promise.all([
      LANG_LOADERS[name](),
      ...(LANG_DEPS[name] ?? []).map((d) => loadLanguage(hljs, d)),
    ]).then(([mod]) => {
      if (!hljs.getLanguage(name)) hljs.registerLanguage(name, mod.default);
    });
    p.catch(() => langPromises.delete(name));
    langPromises.set(name, p);
  }
  return p;
}

const MAX_HIGHLIGHT = 100_000; // characters; bigger blocks stay plain

function codeLanguage(code: Element | null): string | null {
  if (!code) return null;
  for (const c of Array.from(code.classList)) {
    const m = /^(?:language|lang)-(.+)$/.exec(c);
    if (m) return m[1];
  }
  return null;
}

async function enhanceCode(pres: HTMLPreElement[]): Promise<void> {
  const todo: { code: HTMLElement; lang: string }[] = [];
  for (const pre of pres) {
    const code = pre.querySelector<HTMLElement>(":scope > code");
    const rawLang = codeLanguage(code);
    addToolbar(pre, code, rawLang);
    pre.setAttribute(DONE, "1");
    const lang = resolveLanguage(rawLang);
    if (code && lang && (code.textContent ?? "").length <= MAX_HIGHLIGHT) todo.push({ code, lang });
  }
  if (!todo.length) return;
  await guarded("highlight", async () => {
    const hljs = await loadHljs();
    await Promise.all([...new Set(todo.map((t) => t.lang))].map((l) => loadLanguage(hljs, l)));
    for (const { code, lang } of todo) {
      if (!code.isConnected || code.classList.contains("hljs")) continue;
      // highlight.js escapes its input; the result stays inside <code>.
      const html = hljs.highlight(code.textContent ?? "", { language: lang, ignoreIllegals: true }).value;
      code.innerHTML = html;
      code.classList.add("hljs");
    }
  });
}

function addToolbar(pre: HTMLPreElement, code: HTMLElement | null, lang: string | null): void {
  const wrap = document.createElement("div");
  wrap.className = "code-block";
  const bar = document.createElement("div");
  bar.className = "code-toolbar";
  const name = document.createElement("span");
  name.className = "code-lang";
  name.textContent = lang ?? "";
  const btn = document.createElement("button");
  btn.type = "button";
  btn.className = "code-copy";
  btn.textContent = labels.copy;
  btn.setAttribute("aria-label", labels.copy);
  btn.addEventListener("click", () => {
    // Read at click time: the text is the same before and after highlighting.
    void copyText(((code ?? pre).textContent ?? "").replace(/\n$/, "")).then((ok) => ok && flashCopied(btn));
  });
  bar.append(name, btn);
  pre.parentNode?.insertBefore(wrap, pre);
  wrap.append(bar, pre);
}

const copyTimers = new WeakMap<HTMLButtonElement, number>();

function flashCopied(btn: HTMLButtonElement): void {
  btn.textContent = labels.copied;
  btn.classList.add("copied");
  clearTimeout(copyTimers.get(btn));
  copyTimers.set(
    btn,
    window.setTimeout(() => {
      btn.textContent = labels.copy;
      btn.classList.remove("copied");
    }, 1500),
  );
}

async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* fall through to the legacy path */
  }
  // Self-hosted over plain http has no async clipboard API.
  const ta = document.createElement("textarea");
  ta.value = text;
  ta.setAttribute("readonly", "");
  ta.style.cssText = "position:fixed;top:0;left:0;opacity:0;pointer-events:none";
  document.body.appendChild(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}

// ---------------------------------------------------------------------------
// math

const loadKatex = lazy(async () => {
  const [mod] = await Promise.all([import("katex"), import("katex/dist/katex.min.css")]);
  return mod.default;
});

async function enhanceMath(els: HTMLElement[]): Promise<void> {
  let katex: Awaited<ReturnType<typeof loadKatex>>;
  try {
    katex = await loadKatex();
  } catch (e) {
    // Leave the TeX source visible; allow a retry on the next call.
    for (const el of els) el.removeAttribute(DONE);
    console.warn("[markdown] loading KaTeX failed", e);
    return;
  }
  for (const el of els) {
    // The sanitizer may drop an attribute whose value looks like markup
    // ("-->", "]>"), so the escaped text content is the fallback source.
    const tex = el.getAttribute("data-tex") ?? el.textContent ?? "";
    el.setAttribute("data-tex", tex);
    try {
      katex.render(tex, el, {
        displayMode: el.classList.contains("math-display"),
        throwOnError: false,
        trust: false,
        strict: "ignore",
        maxExpand: 1000,
        maxSize: 50,
      });
    } catch {
      el.textContent = tex;
      el.classList.add("math-error");
    }
    el.setAttribute(DONE, "1");
  }
}

// ---------------------------------------------------------------------------
// mermaid

type Mermaid = (typeof import("mermaid"))["default"];

let mermaidTheme: string | null = null;
let mermaidSeq = 0;

function currentMermaidTheme(): "dark" | "default" {
  return document.documentElement.dataset.theme === "dark" ? "dark" : "default";
}

const loadMermaid = lazy(async () => (await import("mermaid")).default);

function initMermaid(mermaid: Mermaid): void {
  const theme = currentMermaidTheme();
  if (theme === mermaidTheme) return;
  mermaid.initialize({
    startOnLoad: false,
    securityLevel: "strict",
    theme,
    // Throw instead of drawing the "bomb" error diagram; we show our own.
    suppressErrorRendering: true,
    maxTextSize: 50_000,
  });
  mermaidTheme = theme;
}

let svgPurifier: Purifier | null = null;

function getSvgPurifier(): Purifier {
  if (svgPurifier) return svgPurifier;
  const p = DOMPurify(window);
  p.setConfig({
    USE_PROFILES: { svg: true, svgFilters: true, html: true },
    // Mermaid puts HTML labels inside <foreignObject>.
    ADD_TAGS: ["foreignObject"],
    ADD_ATTR: ["dominant-baseline"],
    HTML_INTEGRATION_POINTS: { foreignobject: true },
    FORBID_TAGS: [
      "script", "iframe", "object", "embed", "form", "input", "button", "textarea",
      "select", "option", "audio", "video", "source", "track", "link", "meta", "base",
      "animate", "set", "template",
    ],
    FORBID_ATTR: ["srcset", "action", "formaction", "ping"],
  });
  p.addHook("afterSanitizeAttributes", (node) => {
    const el = node as Element;
    if (el.nodeType !== 1) return;
    for (const attr of ["href", "xlink:href"]) {
      const v = el.getAttribute(attr);
      if (v != null && !isSafeHref(v)) el.removeAttribute(attr);
    }
    const src = el.getAttribute("src");
    if (src != null && !isSafeImageSrc(src)) el.removeAttribute("src");
    if (el.nodeName.toLowerCase() === "a") hardenLink(el);
    else el.removeAttribute("target");
  });
  return (svgPurifier = p);
}

/** Remove the scratch elements mermaid leaves in <body> (it uses ids "d"+id, "i"+id, id). */
function cleanupMermaidScratch(id: string, keepInside: Element): void {
  for (const x of [`d${id}`, `i${id}`, id]) {
    const n = document.getElementById(x);
    if (n && !keepInside.contains(n)) n.remove();
  }
}

function showMermaidError(el: HTMLElement, src: string, err: unknown): void {
  const pre = document.createElement("pre");
  pre.className = "mermaid-source";
  pre.setAttribute(DONE, "1"); // no toolbar for the failed source
  pre.textContent = src;
  const note = document.createElement("div");
  note.className = "mermaid-error";
  const msg = (err instanceof Error ? err.message : String(err ?? "")).split("\n")[0].slice(0, 200);
  note.textContent = msg ? `${labels.mermaidError}: ${msg}` : labels.mermaidError;
  el.replaceChildren(pre, note);
  el.classList.add("mermaid-failed");
}

async function enhanceMermaid(els: HTMLElement[]): Promise<void> {
  let mermaid: Mermaid;
  try {
    mermaid = await loadMermaid();
    initMermaid(mermaid);
  } catch (e) {
    for (const el of els) el.removeAttribute(DONE);
    console.warn("[markdown] loading mermaid failed", e);
    return;
  }
  const purify = getSvgPurifier();
  // One at a time: mermaid keeps global state while rendering.
  for (const el of els) {
    if (!el.isConnected) {
      // Replaced by a newer render meanwhile; leave it for a later call.
      el.removeAttribute(DONE);
      continue;
    }
    const src = el.getAttribute("data-src") ?? el.textContent ?? "";
    el.setAttribute("data-src", src);
    const id = `mermaid-${Date.now().toString(36)}-${++mermaidSeq}`;
    try {
      const { svg } = await mermaid.render(id, src);
      const clean = purify.sanitize(svg) as string;
      if (!clean.includes("<svg")) throw new Error("empty diagram");
      el.innerHTML = clean;
      el.classList.add("mermaid-rendered");
    } catch (e) {
      showMermaidError(el, src, e);
    } finally {
      cleanupMermaidScratch(id, el);
    }
    el.setAttribute(DONE, "1");
  }
}
