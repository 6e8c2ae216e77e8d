// Token counts without a tokenizer, for answers whose upstream sent no usage,
// and the cost of a chat turn from a pricing table.
//
// GPT tokenizers (o200k_base: gpt-4o and newer; cl100k_base: gpt-4 and
// gpt-3.5) first cut text with a regular expression into pieces — a word with
// the space before it, 1–3 digits, a run of punctuation with the line breaks
// after it, a run of whitespace — and then merge bytes only inside a piece. We
// cut text much the same way and charge each kind of piece what it costs on
// average: a word of up to 6 letters is almost always one token, longer ones a
// little more; a Chinese character costs about 3/4 of a token in o200k, where
// common words are single tokens, and more in cl100k, where many characters
// take 2. The costs were fitted to tokens.fixtures.json, counted by the real
// tokenizers (scripts/make_token_fixtures.py): on texts of 50+ tokens, English
// and code are within 10% (mean 1–4%).
//
// Chinese needs more: how many characters merge depends on which words a text
// uses, which no character class can tell (per-character costs are 6% off on
// average and up to 16–20% on one text). So for o200k there is a table of its
// Chinese tokens (tokens-zh.json, ~14 kB gzipped, scripts/make_zh_token_table.py),
// loaded on demand by loadChineseTable() and not part of the first screen: once
// it is in, runs of Chinese characters are cut greedily into the longest words
// it has, which is within 2% of o200k on every fixture. Until then, and always
// for cl100k, the per-character costs are used.

import type { ContentPart } from "./api";

export type Encoding = "o200k" | "cl100k";

// What a text is made of: one counter per kind of piece.
const enum F {
  Word, // a word, split at case changes like o200k does ("fetchUser" is 2)
  WordLong, // letters beyond the 6th in a word
  CapsLong, // letters beyond the 4th in an ALL-CAPS word
  Glued, // a punctuation mark stuck to the word after it: "(x", ".com", "_id"
  Punct, // a run of ASCII punctuation
  PunctMore, // its marks beyond the first
  Wide, // non-ASCII punctuation and symbols: ，。“” → ©
  Emoji,
  Han, // CJK ideographs
  Kana,
  Hangul,
  Letter, // non-ASCII letters in words: accented Latin, Cyrillic, Greek, Arabic...
  Digits, // groups of up to 3 digits
  Newline, // a run of line breaks, unless it follows punctuation (".\n\n" is one token)
  Space, // 2+ spaces or tabs, or a space before a digit (one space before a word is free)
  HanToken, // tokens of Chinese text cut with the table (then Han counts nothing)
  Count,
}

// Cost of each kind of piece, in tokens, per encoding (same order as F).
const COSTS: Record<Encoding, number[]> = {
  o200k: [0.95, 0.09, 0.2, 0.3, 1.08, 0.06, 1, 1.3, 0.75, 0.7, 0.65, 0.12, 1.04, 0.82, 0.82, 1],
  cl100k: [1.02, 0.11, 0.2, 0.1, 1.02, 0.05, 0.9, 2.2, 1.13, 1, 1.1, 0.4, 1.07, 0.93, 0.8, 1],
};

// The pieces, one capture group per kind (the order matters: first match wins).
const PIECE = new RegExp(
  [
    String.raw`(\p{Script=Han}+)`,
    String.raw`([\p{Script=Hiragana}\p{Script=Katakana}ー]+)`,
    String.raw`(\p{Script=Hangul}+)`,
    // A word of a cased alphabet ("Hello", "JSON", "fetch" + "User"), or the 't of "don't".
    String.raw`(\p{Lu}*[\p{Ll}\p{M}]+|\p{Lu}+\p{M}*|'(?:[sdmt]|ll|ve|re)(?!\p{L}))`,
    String.raw`([\p{L}\p{M}]+)`, // a word of another script: Arabic, Thai...
    String.raw`(\p{N}+)`,
    String.raw`([!-/:-@[-\x60{-~]+)`, // ASCII punctuation
    String.raw`(\s+)`,
    String.raw`(\p{Extended_Pictographic}\uFE0F?)`,
    String.raw`[^]`, // anything else: other symbols, CJK punctuation, controls
  ].join("|"),
  "gu",
);
const LETTER = /\p{L}/u;
const DIGIT = /\p{N}/u;
const SPACE = /[^\S\r\n]/u;
const PUNCT_BEFORE = /[^\s\p{L}\p{N}]/u;
const NON_ASCII = /[^\0-\x7f]/gu;

/** Counts of each kind of piece in `text`; Chinese cut into words when there is a table. */
function features(text: string, zh: ChineseTable | null): number[] {
  const f: number[] = new Array(F.Count).fill(0);
  for (const m of text.matchAll(PIECE)) {
    const s = m[0];
    const n = s.length;
    if (m[1]) {
      if (zh) f[F.HanToken] += chineseTokens(text, m.index, s, zh, f);
      else f[F.Han] += n;
    }
    else if (m[2]) f[F.Kana] += n;
    else if (m[3]) f[F.Hangul] += n;
    else if (m[4] || m[5]) {
      // A word: "the", "Hello", "JSON", "don" + "'t", "café", "Привет", "مرحبا".
      f[F.Word]++;
      if (n > 4 && s === s.toUpperCase() && s !== s.toLowerCase()) f[F.CapsLong] += n - 4;
      else if (n > 6) f[F.WordLong] += n - 6;
      f[F.Letter] += s.match(NON_ASCII)?.length ?? 0;
    } else if (m[6]) f[F.Digits] += Math.ceil(n / 3);
    else if (m[7]) {
      // One mark between a non-space and a letter joins the letter's piece: "(x", ".com", "_id".
      // After a space the marks join the space instead: ' "x' is ' "' + 'x'.
      if (n === 1 && LETTER.test(text.charAt(m.index + 1)) && !SPACE.test(text.charAt(m.index - 1))) f[F.Glued]++;
      else {
        f[F.Punct]++;
        f[F.PunctMore] += n - 1;
      }
    } else if (m[8]) {
      const after = text.charAt(m.index + n);
      const tail = n - 1 - Math.max(s.lastIndexOf("\n"), s.lastIndexOf("\r"));
      // Line breaks right after punctuation join it: ".\n\n" is one token.
      if (tail < n && !PUNCT_BEFORE.test(text.charAt(m.index - 1))) f[F.Newline]++;
      // The last space or tab before a word or mark joins it; before a digit or at the end it does not.
      if (tail > 1) f[F.Space]++;
      if (tail > 0 && (after === "" || DIGIT.test(after))) f[F.Space]++;
    } else if (m[9]) f[F.Emoji]++;
    else if (s.codePointAt(0)! > 0x7f) f[F.Wide]++;
    else if (s > " ") f[F.Punct]++;
  }
  return f;
}

/** Estimated token count of `text` for o200k_base (gpt-4o and newer) or cl100k_base (gpt-4, gpt-3.5). */
export function estimateTokens(text: string, encoding: Encoding = "o200k"): number {
  return estimateWith(text, encoding, encoding === "o200k" ? chinese : null);
}

/** estimateTokens with a given Chinese table, or none (the per-character costs). Exported for tests. */
export function estimateWith(text: string, encoding: Encoding, zh: ChineseTable | null): number {
  if (!text) return 0;
  const f = features(text, zh);
  const c = COSTS[encoding];
  let sum = 0;
  for (let i = 0; i < F.Count; i++) sum += f[i] * c[i];
  return Math.max(1, Math.round(sum));
}

// ---- o200k's Chinese tokens, loaded on demand ----

/** o200k_base's Chinese tokens: which characters are one token, and words of 2+ characters. */
export interface ChineseTable {
  single: Set<number>; // code points
  words: Set<string>; // 2–3 characters, or one more before: a space or a mark like "，"
  longest: number; // characters in the longest word, not counting the one before
}

// A character o200k cuts together with the Chinese word after it: a space or a mark like "，".
const LEAD = /^[^\s\p{L}\p{N}]$|^ $/u;

/** The format of tokens-zh.json, described in scripts/make_zh_token_table.py. */
export function parseChineseTable(data: { single: string; words: string }): ChineseTable {
  const single = new Set<number>();
  let cp = 0;
  let carry = 0;
  for (let i = 0; i < data.single.length; i++) {
    const d = data.single.charCodeAt(i);
    if (d === 0x7e) carry += 57; // "~"
    else {
      cp += carry + d - 0x23; // "#" is 0
      carry = 0;
      single.add(cp);
    }
  }
  const words = new Set<string>();
  let longest = 0;
  for (const group of data.words.split("|")) {
    const first = group.charAt(0);
    for (const rest of group.slice(1).split(" ")) {
      words.add(first + rest);
      longest = Math.max(longest, LEAD.test(first) ? rest.length : rest.length + 1);
    }
  }
  return { single, words, longest };
}

let chinese: ChineseTable | null = null;
let loading: Promise<void> | null = null;

/**
 * Fetch o200k's Chinese tokens (a separate ~14 kB gzipped chunk) so that
 * estimateTokens counts Chinese closely from then on. Call it when a text
 * with Chinese characters turns up; calling it again costs nothing, and a
 * failed load can be retried.
 */
export function loadChineseTable(): Promise<void> {
  loading ??= import("./tokens-zh.json").then(
    (m) => {
      chinese = parseChineseTable(m.default);
    },
    (e: unknown) => {
      loading = null;
      throw e;
    },
  );
  return loading;
}

/** Whether loadChineseTable() has finished, so estimateTokens counts Chinese with the table. */
export function chineseTableLoaded(): boolean {
  return chinese !== null;
}

/**
 * Tokens of the run of Chinese characters `run` at `start` in `text`, cut
 * greedily into the longest words of the table. o200k cuts a space or a single
 * punctuation mark before the run together with it ("，我们"), and many such
 * pairs are one token: then the mark's own cost (in `f`) is given back.
 */
function chineseTokens(text: string, start: number, run: string, zh: ChineseTable, f: number[]): number {
  let n = 0;
  let i = 0;
  const lead = text.charAt(start - 1);
  const before = text.charAt(start - 2);
  // A mark after another mark or a space is cut with them ("。“", " ，"), not with the word.
  if (lead === " " || (lead > "\x7f" && PUNCT_BEFORE.test(lead) && before !== " " && !PUNCT_BEFORE.test(before))) {
    for (let k = Math.min(zh.longest, run.length); k > 0; k--) {
      if (zh.words.has(lead + run.slice(0, k))) {
        i = k;
        n++;
        if (lead !== " ") f[F.Wide]--;
        break;
      }
    }
    if (i === 0 && lead === " ") n++; // a space before a word is free elsewhere, but not before Chinese
  }
  while (i < run.length) {
    let k = Math.min(zh.longest, run.length - i);
    while (k > 1 && !zh.words.has(run.slice(i, i + k))) k--;
    if (k > 1) {
      n++;
      i += k;
    } else {
      const cp = run.codePointAt(i)!;
      n += zh.single.has(cp) ? 1 : 2; // 3 bytes: one token or two
      i += cp > 0xffff ? 2 : 1;
    }
  }
  return n;
}

/**
 * Prompt tokens of a chat request: each message costs its content plus about 3
 * tokens of framing (role and separators), and the reply is primed with 3 more,
 * as OpenAI documents for its chat format.
 */
export function estimateMessagesTokens(
  messages: { role: string; content: string | ContentPart[] }[],
  encoding: Encoding = "o200k",
): number {
  let sum = 3;
  for (const m of messages) {
    sum += 3 + estimateTokens(m.role, encoding);
    const parts = typeof m.content === "string" ? [{ type: "text" as const, text: m.content }] : m.content;
    for (const p of parts) sum += p.type === "text" ? estimateTokens(p.text, encoding) : IMAGE_TOKENS;
  }
  return sum;
}

/** An image, counted as one fixed amount: OpenAI's charge for a 1024 px square in high detail. */
export const IMAGE_TOKENS = 765;

// Prices live in their own small module: the chat header needs them on the
// first screen, the estimator only after an answer.
export { estimateCost, findPrice, type Pricing } from "./cost";
