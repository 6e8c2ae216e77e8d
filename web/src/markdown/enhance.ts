// Post-processing of rendered markdown, after the app has set innerHTML:
//   - code blocks: copy button + highlight.js (core + only the languages used)
//   - math placeholders: KaTeX
//   - mermaid placeholders: mermaid, with the SVG sanitized again
// Every heavy library is reached only through dynamic import(), and only when
// the root actually contains something that needs it.

import type { HLJSApi, LanguageFn } from "highlight.js";
import { copyText } from "../lib/clipboard";
import { lazy } from "./lazy";
import { enhanceMermaid } from "./mermaid";

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
    diagrams.length ? enhanceMermaid(diagrams, labels.mermaidError) : null,
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
