// Markdown -> sanitized HTML for chat messages.
//
// Two stages:
//   markdownToHtml(src)  marked (GFM, breaks) + math placeholders + mermaid
//                        placeholders. Pure string work, runs without a DOM
//                        (unit-tested in node). Output is NOT safe.
//   renderMarkdown(src)  the same, sanitized with DOMPurify (strict allowlist),
//                        block by block with a cache so re-rendering a growing
//                        answer stays cheap. This is what goes into innerHTML.
//
// Heavy work (highlight.js, KaTeX, mermaid) happens later in enhance.ts.

import { Marked, type Token, type Tokens, type TokensList } from "marked";
import DOMPurify, { type DOMPurify as Purifier, type Config } from "dompurify";
import { escapeHtml, mathExtension } from "./math";
import "./markdown.css";

// ---------------------------------------------------------------------------
// URL policy (shared with enhance.ts for mermaid SVG)

/** Strip what browsers ignore in URLs (C0 controls, space, DEL, C1) before checking the scheme. */
function compactUrl(v: string): string {
  return v.replace(/[\u0000-\u0020\u007f-\u009f]/g, "");
}

/** Link targets we allow: http(s), mailto and in-page #anchors. */
export function isSafeHref(v: string): boolean {
  return /^(?:https?:|mailto:|#)/i.test(compactUrl(v));
}

/** Image sources we allow: http(s) only (no data:, blob:, relative). */
export function isSafeImageSrc(v: string): boolean {
  return /^https?:/i.test(compactUrl(v));
}

/** Make an <a> open in a new tab without leaking the opener/referrer. */
export function hardenLink(a: Element): void {
  const href = a.getAttribute("href") ?? a.getAttribute("xlink:href");
  if (href == null || compactUrl(href).startsWith("#")) {
    a.removeAttribute("target");
    return;
  }
  a.setAttribute("target", "_blank");
  a.setAttribute("rel", "noopener noreferrer nofollow");
}

// ---------------------------------------------------------------------------
// marked stage

type CodeToken = Tokens.Code & { partial?: boolean };

/** True for a fenced code token whose closing fence is missing (still streaming). */
function isUnterminatedFence(raw: string): boolean {
  const open = /^ {0,3}(`{3,}|~{3,})/.exec(raw);
  if (!open) return false; // indented code block
  const lines = raw.replace(/\s+$/, "").split("\n");
  if (lines.length < 2) return true;
  const last = lines[lines.length - 1];
  const close = /^ {0,3}(`+|~+)$/.exec(last.replace(/[ \t]+$/, ""));
  return !(close && close[1][0] === open[1][0] && close[1].length >= open[1].length);
}

function lastBlock(tokens: readonly Token[] | undefined): Token | undefined {
  if (!tokens) return undefined;
  for (let i = tokens.length - 1; i >= 0; i--) if (tokens[i].type !== "space") return tokens[i];
  return undefined;
}

/**
 * Flag the document's trailing code block if its fence is not closed yet
 * (marked renders it as a complete block). Returns the top-level token that
 * contains it, if any.
 */
function markTrailingPartialFence(tokens: readonly Token[]): Token | undefined {
  const top = lastBlock(tokens);
  let t = top;
  while (t) {
    if (t.type === "code") {
      if (!isUnterminatedFence(t.raw)) return undefined;
      (t as CodeToken).partial = true;
      return top;
    }
    if (t.type === "blockquote") t = lastBlock((t as Tokens.Blockquote).tokens);
    else if (t.type === "list") {
      const items = (t as Tokens.List).items;
      t = lastBlock(items[items.length - 1]?.tokens);
    } else return undefined;
  }
  return undefined;
}

function renderCode(token: CodeToken): string {
  const lang = (token.lang ?? "").match(/^\S*/)?.[0] ?? "";
  const text = token.text.replace(/\n$/, "");
  // Mermaid: placeholder with the escaped source (visible until rendered). A
  // still-streaming mermaid fence stays a plain code block.
  if (lang.toLowerCase() === "mermaid" && !token.partial) {
    const e = escapeHtml(text);
    return `<div class="mermaid-block" data-src="${e}">${e}</div>\n`;
  }
  const body = token.escaped ? text : escapeHtml(text);
  const cls = lang ? ` class="language-${escapeHtml(lang)}"` : "";
  const partial = token.partial ? ' data-partial=""' : "";
  return `<pre${partial}><code${cls}>${body}\n</code></pre>\n`;
}

let md: Marked | null = null;

function getMarked(): Marked {
  if (md) return md;
  md = new Marked({ gfm: true, breaks: true, async: false });
  md.use(mathExtension(), {
    renderer: {
      code(token) {
        return renderCode(token as CodeToken);
      },
    },
  });
  return md;
}

interface Lexed {
  tokens: TokensList;
  /** top-level token holding a still-open trailing code fence */
  partialTop: Token | undefined;
}

function lex(src: string): Lexed {
  const tokens = getMarked().lexer(src);
  return { tokens, partialTop: markTrailingPartialFence(tokens) };
}

function parse(tokens: Token[]): string {
  return getMarked().parser(tokens);
}

/**
 * Markdown -> HTML, NOT sanitized. Exposed for tests and for callers that
 * sanitize themselves; never put its output into the DOM directly.
 */
export function markdownToHtml(src: string): string {
  return parse(lex(src).tokens);
}

// ---------------------------------------------------------------------------
// sanitizer stage

const ALLOWED_TAGS = [
  "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col",
  "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption",
  "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd",
  "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small", "span",
  "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
  "thead", "time", "tr", "tt", "u", "ul", "var", "wbr",
];

const ALLOWED_ATTR = [
  "href", "src", "alt", "title", "width", "height", "class", "colspan", "rowspan",
  "align", "valign", "scope", "start", "reversed", "type", "checked", "disabled", "open",
  "lang", "dir", "datetime", "span",
];

const PURIFY_CONFIG: Config = {
  ALLOWED_TAGS,
  ALLOWED_ATTR,
  ALLOW_DATA_ATTR: true, // data-tex, data-src, data-partial
  ALLOW_ARIA_ATTR: true,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  // Belt and braces: none of these is in the allowlists anyway.
  FORBID_TAGS: ["script", "style", "iframe", "object", "embed", "form", "svg", "math", "template"],
  FORBID_ATTR: ["style", "srcset", "action", "formaction", "xlink:href", "id", "name", "data-enhanced"],
  KEEP_CONTENT: true,
};

// Classes raw HTML may carry: only the ones our own stage emits, so model
// output cannot borrow the app's classes (overlays, modals, ...).
const ALLOWED_CLASS = /^(?:language-[\w+#.-]+|lang-[\w+#.-]+|math-inline|math-display|mermaid-block)$/;

let purifier: Purifier | null | undefined;

function getPurifier(): Purifier | null {
  if (purifier !== undefined) return purifier;
  if (typeof window === "undefined" || !window.document) return (purifier = null);
  // A private instance: mermaid registers its own hooks on the shared
  // default instance; ours must neither see nor disturb them.
  const p = DOMPurify(window);
  if (!p.isSupported) return (purifier = null);
  p.setConfig(PURIFY_CONFIG);

  p.addHook("uponSanitizeElement", (node, data) => {
    if (data.tagName !== "input") return;
    const el = node as Element;
    // Only task-list checkboxes survive, and they are always disabled.
    if ((el.getAttribute("type") ?? "").toLowerCase() !== "checkbox") {
      el.parentNode?.removeChild(el);
      return;
    }
    el.setAttribute("disabled", "");
  });

  p.addHook("afterSanitizeAttributes", (node) => {
    const el = node as Element;
    if (el.nodeType !== 1) return;
    const tag = el.nodeName.toLowerCase();
    const href = el.getAttribute("href");
    if (href != null) {
      if (tag !== "a" || !isSafeHref(href)) el.removeAttribute("href");
    }
    if (tag === "a") hardenLink(el);
    const src = el.getAttribute("src");
    if (src != null && (tag !== "img" || !isSafeImageSrc(src))) el.removeAttribute("src");
    if (tag === "img") {
      el.setAttribute("loading", "lazy");
      el.setAttribute("decoding", "async");
      el.setAttribute("referrerpolicy", "no-referrer");
    }
    if (tag === "input") el.setAttribute("disabled", "");
    const cls = el.getAttribute("class");
    if (cls != null) {
      const kept = cls.split(/\s+/).filter((c) => ALLOWED_CLASS.test(c));
      if (kept.length) el.setAttribute("class", kept.join(" "));
      else el.removeAttribute("class");
    }
  });
  return (purifier = p);
}

// ---------------------------------------------------------------------------
// renderMarkdown, with a per-block cache
//
// Sanitizing costs several times more than parsing, and while an answer
// streams the app re-renders the whole message on every update. Top-level
// blocks are rendered and sanitized independently, keyed by their source, so
// an update only pays for lexing plus the blocks that changed (usually the
// last one). Raw HTML blocks may open a tag in one block and close it in a
// later one (<details> ... </details>), so everything from the first to the
// last top-level HTML block is treated as one unit.

const CACHE_MAX_ENTRIES = 2000;
const CACHE_MAX_CHARS = 4_000_000; // keys + values, roughly 8 MB of UTF-16
const cache = new Map<string, string>();
let cacheChars = 0;

function cached(key: string, make: () => string): string {
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key); // refresh recency
    cache.set(key, hit);
    return hit;
  }
  const html = make();
  const size = key.length + html.length;
  if (size > CACHE_MAX_CHARS / 8) return html; // not worth evicting everything else
  cache.set(key, html);
  cacheChars += size;
  for (const [k, v] of cache) {
    if (cache.size <= CACHE_MAX_ENTRIES && cacheChars <= CACHE_MAX_CHARS) break;
    cache.delete(k);
    cacheChars -= k.length + v.length;
  }
  return html;
}

/** Split top-level tokens into independently renderable units. */
function segments(tokens: Token[]): Token[][] {
  let first = -1;
  let last = -1;
  tokens.forEach((t, i) => {
    if (t.type === "html") {
      if (first < 0) first = i;
      last = i;
    }
  });
  const out: Token[][] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (i === first) {
      out.push(tokens.slice(first, last + 1));
      i = last;
    } else if (tokens[i].type !== "space") out.push([tokens[i]]);
  }
  return out;
}

/**
 * Markdown -> sanitized HTML string, safe for innerHTML.
 * Without a DOM (SSR/tests) it fails closed and returns the source as escaped text.
 */
export function renderMarkdown(src: string): string {
  return renderMarkdownBlocks(src).join("");
}

/**
 * The same, as one sanitized HTML string per top-level block, so a growing
 * answer can replace only the blocks that changed.
 */
export function renderMarkdownBlocks(src: string): string[] {
  const p = getPurifier();
  if (!p) return [`<p>${escapeHtml(src)}</p>`];
  const { tokens, partialTop } = lex(src);
  // Reference links are resolved at lex time from definitions anywhere in
  // the document, so they are part of every block's key.
  const links = Object.keys(tokens.links).length ? JSON.stringify(tokens.links) : "";
  const segs = segments(tokens);
  return segs.map((seg, i) => {
    const make = () => p.sanitize(parse(seg)) as string;
    // The last block is the one still growing while an answer streams: do
    // not fill the cache with all its intermediate versions.
    if (i === segs.length - 1) return make();
    const flag = partialTop && seg.includes(partialTop) ? "P" : "-";
    return cached(flag + links.length + ":" + links + seg.map((t) => t.raw).join("\u0000"), make);
  });
}
