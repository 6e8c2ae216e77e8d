// Token counts without a tokenizer, for answers whose upstream sent no usage,
// and the cost of a chat turn from a pricing table.
//
// GPT tokenizers (o200k_base: gpt-4o and newer; cl100k_base: gpt-4 and
// gpt-3.5) first cut text with a regular expression into pieces — a word with
// the space before it, 1–3 digits, a run of punctuation, a run of newlines —
// and then merge bytes only inside a piece. We cut text the same way and
// charge each kind of piece what it costs on average: an English word of up
// to 6 letters is almost always one token, longer ones a little more; Chinese
// characters cost a fraction of a token each, because common words are single
// tokens (o200k) or more than one (cl100k, where most characters take 1–2
// tokens). The per-kind costs were fitted to tokens.fixtures.json, counted by
// the real tokenizers (scripts/make_token_fixtures.py).

export type Encoding = "o200k" | "cl100k";

// What a text is made of: one counter per kind of piece.
const enum F {
  Word, // a run of ASCII letters, split at case changes like o200k ("fetchUser" = 2)
  WordLong, // letters beyond the 6th in such a word
  CapsLong, // letters beyond the 3rd in an ALL-CAPS word
  Glued, // a punctuation mark stuck to the word after it: "(x", ".com", "_id"
  Punct, // a run of ASCII punctuation
  PunctMore, // its marks beyond the first
  Wide, // non-ASCII punctuation and symbols: ，。“” → ©
  Emoji,
  Han, // CJK ideographs
  Kana,
  Hangul,
  Letter, // any other letter: accented Latin, Cyrillic, Greek, Arabic...
  Digits, // groups of up to 3 digits
  Newline, // a run of blank lines
  Space, // a run of 2+ spaces or tabs (one space before a word is free)
  Count,
}

// Cost of each kind of piece, in tokens, per encoding (same order as F).
const COSTS: Record<Encoding, number[]> = {
  o200k: [1, 0.16, 0.3, 0.35, 0.9, 0.3, 0.85, 1.6, 0.77, 0.9, 0.9, 0.4, 1, 1, 1],
  cl100k: [1, 0.16, 0.3, 0.35, 0.9, 0.3, 0.9, 2, 1.22, 1.2, 1.5, 0.6, 1, 1, 1],
};

const PIECE =
  /(\p{Script=Han}+)|([\p{Script=Hiragana}\p{Script=Katakana}ー]+)|(\p{Script=Hangul}+)|(\p{Lu}*[\p{Ll}\p{M}]+|\p{Lu}+[\p{M}]*|'(?:[sdmt]|ll|ve|re)(?!\p{L}))|([\p{L}\p{M}]+)|(\p{N}+)|([!-/:-@[-`{-~]+)|(\s+)|(\p{Extended_Pictographic})|[^]/gu;
const LETTER = /\p{L}/u;
const DIGIT = /\p{N}/u;
const NON_ASCII = /[^\0-\x7f]/gu;

/** Counts of each kind of piece in `text`. */
export function features(text: string): number[] {
  const f: number[] = new Array(F.Count).fill(0);
  for (const m of text.matchAll(PIECE)) {
    const s = m[0];
    const n = s.length;
    if (m[1]) f[F.Han] += n;
    else if (m[2]) f[F.Kana] += n;
    else if (m[3]) f[F.Hangul] += n;
    else if (m[4] || m[5]) {
      // A word: "the", "Hello", "JSON", "don" + "'t", "café", "Привет", "مرحبا".
      f[F.Word]++;
      if (n > 3 && s === s.toUpperCase()) f[F.CapsLong] += n - 3;
      else if (n > 6) f[F.WordLong] += n - 6;
      f[F.Letter] += s.match(NON_ASCII)?.length ?? 0;
    } else if (m[6]) f[F.Digits] += Math.ceil(n / 3);
    else if (m[7]) {
      // The mark just before a letter joins that letter's piece.
      const glued = LETTER.test(text.charAt(m.index + n)) ? 1 : 0;
      f[F.Glued] += glued;
      if (n > glued) {
        f[F.Punct]++;
        f[F.PunctMore] += n - glued - 1;
      }
    } else if (m[8]) {
      const after = text.charAt(m.index + n);
      const tail = n - 1 - Math.max(s.lastIndexOf("\n"), s.lastIndexOf("\r"));
      if (tail < n) f[F.Newline]++;
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
  if (!text) return 0;
  const f = features(text);
  const c = COSTS[encoding];
  let sum = 0;
  for (let i = 0; i < F.Count; i++) sum += f[i] * c[i];
  return Math.max(1, Math.round(sum));
}

/**
 * Prompt tokens of a chat request: each message costs its content plus about 3
 * tokens of framing (role and separators), and the reply is primed with 3 more,
 * as OpenAI documents for its chat format.
 */
export function estimateMessagesTokens(
  messages: { role: string; content: string }[],
  encoding: Encoding = "o200k",
): number {
  let sum = 3;
  for (const m of messages) sum += 3 + estimateTokens(m.role, encoding) + estimateTokens(m.content, encoding);
  return sum;
}

export interface Pricing {
  currency: string;
  models: Record<string, { input: number; output: number }>;
}

/** The pricing entry for `model`: exact name, else the longest prefix; "@provider" is ignored. */
export function findPrice(model: string, pricing: Pricing): { input: number; output: number } | null {
  const at = model.lastIndexOf("@");
  const name = (at > 0 ? model.slice(0, at) : model).trim();
  const models = pricing.models ?? {};
  if (Object.hasOwn(models, name)) return models[name];
  let best = "";
  for (const key of Object.keys(models)) {
    if (key.length > best.length && name.startsWith(key)) best = key;
  }
  return best ? models[best] : null;
}

/** Cost of a turn in `pricing.currency` (prices are per 1M tokens); null for an unknown model. */
export function estimateCost(
  model: string,
  promptTokens: number,
  completionTokens: number,
  pricing: Pricing,
): number | null {
  const price = findPrice(model, pricing);
  if (!price) return null;
  return (promptTokens * price.input + completionTokens * price.output) / 1_000_000;
}
