// LaTeX support for marked.
//
// The marked stage only recognises math and emits inert placeholders; KaTeX
// runs later, lazily, in enhance.ts:
//   inline:  <span class="math-inline" data-tex="…">…</span>
//   display: <div class="math-display" data-tex="…">…</div>
//            (<span class="math-display"> when `$$…$$` / `\[…\]` sits inside a
//            line of text, so the paragraph stays valid HTML; CSS makes it a block)
// The TeX is HTML-escaped both in the attribute and as the visible fallback text.
//
// Delimiters: `$…$`, `\(…\)` inline; `$$…$$`, `\[…\]` display. Code spans and
// code blocks are tokenised by marked itself and never reach these tokenizers.
// `$` follows pandoc's rule so prices are not math: the opening `$` must be
// followed by a non-space, the closing `$` preceded by a non-space and not
// followed by a digit; the pair stays on one line. We also refuse an opening
// `$` glued to a preceding ASCII letter/digit ("US$5").

import type { MarkedExtension, Tokens, TokenizerExtension, RendererExtension } from "marked";

const ESC: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escape text for use in HTML text content and double/single-quoted attributes. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c]);
}

export interface MathToken extends Tokens.Generic {
  type: "mathBlock" | "mathInline";
  raw: string;
  text: string;
  display: boolean;
}

/** The placeholder HTML enhance() looks for. */
export function mathPlaceholder(tex: string, display: boolean, block = false): string {
  const e = escapeHtml(tex);
  if (display && block) return `<div class="math-display" data-tex="${e}">${e}</div>\n`;
  const cls = display ? "math-display" : "math-inline";
  return `<span class="${cls}" data-tex="${e}">${e}</span>`;
}

// ---- block level -----------------------------------------------------------
// A display formula that starts a block: `$$ … $$` or `\[ … \]`, possibly over
// several lines, ending at the end of a line. No blank line inside, so a stray
// `$$` can never swallow following paragraphs.
const NO_BLANK = String.raw`(?:(?!\n[ \t]*\n)[\s\S])+?`;
const BLOCK_DOLLAR = new RegExp(String.raw`^ {0,3}\$\$(${NO_BLANK})\$\$[ \t]*(?:\n+|$)`);
const BLOCK_BRACKET = new RegExp(String.raw`^ {0,3}\\\[(${NO_BLANK})\\\][ \t]*(?:\n+|$)`);
// Where a display block may interrupt a paragraph: at the start of a line.
const BLOCK_START = /\n {0,3}(?:\$\$|\\\[)/;

const blockMath: TokenizerExtension & RendererExtension = {
  name: "mathBlock",
  level: "block",
  start(src) {
    // Only look inside the current paragraph (up to the next blank line):
    // anything after it starts a new block anyway, and scanning the whole
    // rest of the document for every paragraph would be quadratic.
    const end = src.indexOf("\n\n");
    const m = BLOCK_START.exec(end < 0 ? src : src.slice(0, end));
    return m ? m.index + 1 : undefined;
  },
  tokenizer(src) {
    // Cheap pre-check: this runs at the start of every block.
    let i = 0;
    while (i < 3 && src.charCodeAt(i) === 32) i++;
    const c = src.charCodeAt(i);
    if (c !== 36 /* $ */ && c !== 92 /* \ */) return undefined;
    const m = BLOCK_DOLLAR.exec(src) ?? BLOCK_BRACKET.exec(src);
    if (!m || !m[1].trim()) return undefined;
    const tok: MathToken = { type: "mathBlock", raw: m[0], text: m[1].trim(), display: true };
    return tok;
  },
  renderer(token) {
    return mathPlaceholder((token as MathToken).text, true, true);
  },
};

// ---- inline level ------------------------------------------------------------
const INLINE_DOUBLE = /^\$\$((?:\\[\s\S]|[^\\$])+?)\$\$/;
const INLINE_SINGLE = /^\$(?![\s$])((?:\\[^\n]|[^\\$\n])+?)\$(?!\d)/;
const INLINE_PAREN = /^\\\(([\s\S]+?)\\\)/;
const INLINE_BRACKET = /^\\\[([\s\S]+?)\\\]/;
const INLINE_START = /\$|\\[([]/;

function prevChar(tokens: readonly Tokens.Generic[]): string {
  const last = tokens[tokens.length - 1];
  return last ? last.raw.slice(-1) : "";
}

const inlineMath: TokenizerExtension & RendererExtension = {
  name: "mathInline",
  level: "inline",
  start(src) {
    const i = src.search(INLINE_START);
    return i < 0 ? undefined : i;
  },
  tokenizer(src, tokens) {
    let m: RegExpExecArray | null = null;
    let display = false;
    if (src[0] === "$") {
      if (src[1] === "$") {
        m = INLINE_DOUBLE.exec(src);
        display = true;
      } else {
        if (/[A-Za-z0-9]/.test(prevChar(tokens))) return undefined;
        m = INLINE_SINGLE.exec(src);
        if (m && /\s/.test(m[1].slice(-1))) m = null;
      }
    } else if (src[0] === "\\") {
      if (src[1] === "(") m = INLINE_PAREN.exec(src);
      else if (src[1] === "[") {
        m = INLINE_BRACKET.exec(src);
        display = true;
      }
    }
    if (!m) return undefined;
    const text = m[1].trim();
    if (!text) return undefined;
    const tok: MathToken = { type: "mathInline", raw: m[0], text, display };
    return tok;
  },
  renderer(token) {
    const t = token as MathToken;
    return mathPlaceholder(t.text, t.display);
  },
};

/** marked extension: `new Marked(mathExtension())` or `marked.use(mathExtension())`. */
export function mathExtension(): MarkedExtension {
  return { extensions: [blockMath, inlineMath] };
}
