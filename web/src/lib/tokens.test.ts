import { beforeAll, describe, expect, it } from "vitest";
import {
  chineseTableLoaded,
  type Encoding,
  estimateCost,
  estimateMessagesTokens,
  estimateTokens,
  estimateWith,
  findPrice,
  loadChineseTable,
  parseChineseTable,
  type Pricing,
} from "./tokens";
// Counted by the real tokenizers: scripts/make_token_fixtures.py.
import fixturesRaw from "./tokens.fixtures.json?raw";

type Lang = "en" | "zh" | "code" | "mixed";
interface Fixture {
  lang: Lang;
  kind: string;
  text: string;
  o200k: number;
  cl100k: number;
}
const FIXTURES: Fixture[] = JSON.parse(fixturesRaw);
const LANGS: Lang[] = ["en", "zh", "code", "mixed"];

type Estimator = (text: string, encoding: Encoding) => number;
/** What estimateTokens gives before loadChineseTable(), and always for cl100k. */
const perCharacter: Estimator = (text, encoding) => estimateWith(text, encoding, null);

// How far the per-character estimate may be from the real count, in tokens.
// 10% of the count, and ±2 tokens for short texts, except where a
// character-class estimator cannot know enough: how many Chinese characters
// merge into one token depends on which words the text uses (o200k spends
// 0.64–0.91 tokens per character on the fixtures), so Chinese is held to its
// mean and total instead, with a wider bound per sample. cl100k is the older
// encoding, estimated for gpt-4 and gpt-3.5, where Chinese is looser still.
function tolerance(lang: Lang, encoding: Encoding, real: number): number {
  if (lang === "zh") {
    if (encoding === "o200k") return real >= 50 ? 0.18 * real : Math.max(4, 0.2 * real);
    return real >= 50 ? 0.25 * real : Math.max(5, 0.45 * real);
  }
  if (lang === "mixed" && real < 50) return Math.max(2, 0.2 * real);
  return Math.max(2, 0.1 * real);
}

function errors(estimate: Estimator, lang: Lang, encoding: Encoding, minTokens = 0) {
  return FIXTURES.filter((f) => f.lang === lang && f[encoding] >= minTokens).map((f) => {
    const real = f[encoding];
    const estimated = estimate(f.text, encoding);
    return { text: f.text.slice(0, 60), real, estimate: estimated, relative: (estimated - real) / real };
  });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function report(estimate: Estimator, encoding: Encoding): string {
  return LANGS.map((lang) => {
    const errs = errors(estimate, lang, encoding, 50).map((e) => Math.abs(e.relative));
    return `${lang}: n=${errs.length} mean ${pct(mean(errs))} worst ${pct(Math.max(...errs))}`;
  }).join("; ");
}

describe("fixtures", () => {
  it("cover every language, short and long texts, and come from a real tokenizer", () => {
    const count = (lang: Lang) => FIXTURES.filter((f) => f.lang === lang).length;
    expect(count("en")).toBeGreaterThanOrEqual(40);
    expect(count("zh")).toBeGreaterThanOrEqual(40);
    expect(count("code")).toBeGreaterThanOrEqual(15);
    expect(count("mixed")).toBeGreaterThanOrEqual(15);
    for (const lang of ["en", "zh"] as const) {
      const lengths = FIXTURES.filter((f) => f.lang === lang).map((f) => f.text.length);
      expect(Math.min(...lengths)).toBeLessThan(20);
      expect(lengths.filter((n) => n >= 300).length).toBeGreaterThanOrEqual(5);
    }
    for (const f of FIXTURES) {
      expect(f.o200k).toBeGreaterThan(0);
      expect(f.cl100k).toBeGreaterThan(0);
    }
  });
});

// These run before the describe below loads the Chinese table (vitest runs a
// file's blocks in order, and a block's beforeAll only when it starts).
describe("before the Chinese table loads", () => {
  it("is not loaded until asked, and estimateTokens uses the per-character costs", () => {
    expect(chineseTableLoaded()).toBe(false);
    for (const f of FIXTURES) {
      expect(estimateTokens(f.text)).toBe(perCharacter(f.text, "o200k"));
      expect(estimateTokens(f.text, "cl100k")).toBe(perCharacter(f.text, "cl100k"));
    }
  });
});

describe.each(["o200k", "cl100k"] as const)("per-character costs, %s", (encoding) => {
  it.each(LANGS)("%s: every sample within its tolerance", (lang) => {
    const outside = errors(perCharacter, lang, encoding).filter(
      (e) => Math.abs(e.estimate - e.real) > tolerance(lang, encoding, e.real),
    );
    expect(outside).toEqual([]);
  });

  it.each(LANGS)("%s: mean error and total within bounds on texts of 50+ tokens", (lang) => {
    const errs = errors(perCharacter, lang, encoding, 50);
    expect(errs.length).toBeGreaterThan(0);
    const meanAbs = mean(errs.map((e) => Math.abs(e.relative)));
    const total = errs.reduce((a, e) => a + e.estimate, 0) / errs.reduce((a, e) => a + e.real, 0) - 1;
    const loose = lang === "zh" && encoding === "cl100k";
    expect(meanAbs).toBeLessThan(loose ? 0.1 : 0.07);
    expect(Math.abs(total)).toBeLessThan(loose ? 0.1 : 0.05);
  });

  it("English and code: every sample of 50+ tokens within 10%", () => {
    for (const lang of ["en", "code"] as const) {
      for (const e of errors(perCharacter, lang, encoding, 50)) {
        expect(Math.abs(e.relative), e.text).toBeLessThanOrEqual(0.1);
      }
    }
  });

  it("reports its error per language", () => {
    console.log(`per-character estimate vs ${encoding}, texts of 50+ tokens: ${report(perCharacter, encoding)}`);
  });
});

describe("with o200k's Chinese table", () => {
  beforeAll(async () => {
    await loadChineseTable();
  });

  it("is loaded once", () => {
    expect(chineseTableLoaded()).toBe(true);
    expect(loadChineseTable()).toBe(loadChineseTable());
  });

  it("Chinese: every sample of 50+ tokens within 10% of o200k, shorter ones within 2 tokens", () => {
    for (const e of errors(estimateTokens, "zh", "o200k")) {
      const bound = e.real >= 50 ? 0.1 * e.real : 2;
      expect(Math.abs(e.estimate - e.real), `${e.text}: ${e.estimate} for ${e.real}`).toBeLessThanOrEqual(bound);
    }
  });

  it("Chinese: mean error and total within 3% on texts of 50+ tokens", () => {
    const errs = errors(estimateTokens, "zh", "o200k", 50);
    expect(errs.length).toBeGreaterThanOrEqual(25);
    const total = errs.reduce((a, e) => a + e.estimate, 0) / errs.reduce((a, e) => a + e.real, 0) - 1;
    expect(mean(errs.map((e) => Math.abs(e.relative)))).toBeLessThan(0.03);
    expect(Math.abs(total)).toBeLessThan(0.03);
  });

  it("mixed Chinese and English: every sample within its tolerance, and no worse than before", () => {
    const before = errors(perCharacter, "mixed", "o200k");
    errors(estimateTokens, "mixed", "o200k").forEach((e, i) => {
      expect(Math.abs(e.estimate - e.real), e.text).toBeLessThanOrEqual(tolerance("mixed", "o200k", e.real));
      if (e.real >= 50) expect(Math.abs(e.relative), e.text).toBeLessThanOrEqual(Math.abs(before[i].relative));
    });
  });

  it("changes nothing without Chinese characters, nor for cl100k", () => {
    for (const f of FIXTURES) {
      if (f.lang === "en" || f.lang === "code") expect(estimateTokens(f.text)).toBe(perCharacter(f.text, "o200k"));
      expect(estimateTokens(f.text, "cl100k")).toBe(perCharacter(f.text, "cl100k"));
    }
  });

  it("cuts Chinese into o200k's words", () => {
    // Real o200k counts, with its tokens.
    const cases: [string, number][] = [
      ["我们今天讨论一下人工智能", 6], // 我们 今天 讨论 一下 人工 智能
      ["请用三句话介绍一下长城的历史。", 11], // 请 用 三 句话 介绍 一下 长 城 的 历史 。
      ["他说，我们走吧。", 5], // 他说 ，我们 走 吧 。: the mark is cut with the word after it
      ["好的，谢谢你！", 4], // 好的 ，谢谢 你 ！
      ["我在 Docker 里部署了服务", 8], // 我 在 ␣Docker ␣ 里 部署 了 服务: no "␣里", so the space is a token
      ["蜜蜂", 2], // one token each
      ["龘龘", 4], // not tokens: 2 each
    ];
    for (const [text, real] of cases) expect(estimateTokens(text), text).toBe(real);
    // A mark after another mark is cut with it (o200k: 。“ 我们), not with the word.
    expect(estimateTokens("。“我们")).toBe(estimateTokens("。“") + estimateTokens("我们"));
  });

  it("reports its error per language", () => {
    console.log(`estimate with the Chinese table vs o200k, texts of 50+ tokens: ${report(estimateTokens, "o200k")}`);
  });
});

describe("the Chinese table (tokens-zh.json)", () => {
  it("holds o200k's Chinese characters and words, each after at most one space or mark", async () => {
    const table = parseChineseTable((await import("./tokens-zh.json")).default);
    expect(table.single.size).toBeGreaterThan(2000);
    expect(table.words.size).toBeGreaterThan(3000);
    expect(table.longest).toBe(3);
    for (const cp of table.single) expect(String.fromCodePoint(cp)).toMatch(/^\p{Script=Han}$/u);
    for (const w of table.words) {
      // The mark before a word must be one that estimateWith charges as a mark of its own ("Wide").
      expect(w).toMatch(/^(?: |[^\0-\x7f\s\p{L}\p{N}\p{Extended_Pictographic}])?\p{Script=Han}{1,3}$/u);
      expect(w.length).toBeGreaterThan(1);
    }
    for (const w of ["我们", "人工智能".slice(0, 2), "，我们", "中国"]) expect(table.words.has(w), w).toBe(true);
  });
});

describe("estimateTokens", () => {
  it("counts nothing as nothing and anything as at least one token", () => {
    expect(estimateTokens("")).toBe(0);
    expect(estimateTokens(" ")).toBe(1);
    expect(estimateTokens("a")).toBe(1);
    expect(estimateTokens("hello")).toBe(1);
  });

  it("charges by the kind of text, not by its length alone", () => {
    expect(estimateTokens("hello world")).toBe(2);
    expect(estimateTokens("1234567")).toBe(3); // 123 456 7
    expect(estimateTokens("fetchUserName")).toBe(3); // fetch User Name
    const zh = "我们今天讨论一下人工智能"; // o200k: 6 tokens, cl100k: 13
    for (const estimate of [perCharacter, estimateTokens]) {
      expect(estimate(zh, "o200k")).toBeGreaterThanOrEqual(6);
      expect(estimate(zh, "o200k")).toBeLessThanOrEqual(12);
      // The older encoding has few Chinese words: more tokens for the same text.
      expect(estimate(zh, "cl100k")).toBeGreaterThan(estimate(zh, "o200k"));
    }
  });

  it("is reasonable on other scripts and emoji", () => {
    // Real o200k counts: 23, 20, 22, 19, 10.
    const cases: [string, number][] = [
      ["Привет, как дела? Сегодня мы обсуждаем развитие искусственного интеллекта и его влияние на общество.", 23],
      ["Le café était fermé, alors nous avons marché jusqu’à la boulangerie près de la gare.", 20],
      ["안녕하세요. 오늘 회의는 오후 세 시에 시작합니다. 자료를 미리 준비해 주세요.", 22],
      ["カタカナのテキストとコンピューターのプログラミング", 19],
      ["😀😂👍🎉❤️🔥 🚀✨", 10],
    ];
    for (const [text, real] of cases) {
      const e = estimateTokens(text);
      expect(e, text).toBeGreaterThanOrEqual(real * 0.6);
      expect(e, text).toBeLessThanOrEqual(real * 1.5);
    }
  });

  it("is fast enough to run on every message, with the Chinese table or without", () => {
    const text = FIXTURES.map((f) => f.text).join("\n\n");
    const big = text.repeat(Math.ceil(1_000_000 / text.length));
    for (const estimate of [perCharacter, estimateTokens]) {
      const start = performance.now();
      const n = estimate(big, "o200k");
      expect(n).toBeGreaterThan(100_000);
      expect(performance.now() - start).toBeLessThan(2000); // ~1 MB; typically well under 200 ms
    }
  });
});

describe("estimateMessagesTokens", () => {
  it("adds 3 tokens per message and 3 to prime the reply", () => {
    expect(estimateMessagesTokens([])).toBe(3);
    // "user" and "hi" are one token each: 3 + (3 + 1 + 1).
    expect(estimateMessagesTokens([{ role: "user", content: "hi" }])).toBe(8);
    const messages = [
      { role: "system", content: "You are a helpful assistant." },
      { role: "user", content: "What is the capital of Australia?" },
      { role: "assistant", content: "Canberra." },
    ];
    const content = messages.reduce((a, m) => a + estimateTokens(m.role) + estimateTokens(m.content), 0);
    expect(estimateMessagesTokens(messages)).toBe(content + 3 * messages.length + 3);
    // OpenAI's cookbook count with the real o200k tokenizer: 31.
    expect(Math.abs(estimateMessagesTokens(messages) - 31)).toBeLessThanOrEqual(2);
  });

  it("uses the encoding asked for", () => {
    const messages = [{ role: "user", content: "请用三句话介绍一下长城的历史。" }];
    expect(estimateMessagesTokens(messages, "cl100k")).toBeGreaterThan(estimateMessagesTokens(messages));
  });
});

describe("estimateCost", () => {
  const pricing: Pricing = {
    currency: "USD",
    models: {
      "gpt-4o": { input: 2.5, output: 10 },
      "gpt-4o-mini": { input: 0.15, output: 0.6 },
      "gpt-4": { input: 30, output: 60 },
      "claude-sonnet-4": { input: 3, output: 15 },
    },
  };

  it("prices per million tokens, input and output apart", () => {
    expect(estimateCost("gpt-4o", 1_000_000, 0, pricing)).toBeCloseTo(2.5);
    expect(estimateCost("gpt-4o", 0, 1_000_000, pricing)).toBeCloseTo(10);
    expect(estimateCost("gpt-4o", 1000, 500, pricing)).toBeCloseTo(0.0075, 10);
    expect(estimateCost("gpt-4o", 0, 0, pricing)).toBe(0);
  });

  it("matches exactly, then by the longest prefix", () => {
    expect(findPrice("gpt-4o-mini", pricing)).toEqual({ input: 0.15, output: 0.6 });
    expect(findPrice("gpt-4o-2024-08-06", pricing)).toEqual({ input: 2.5, output: 10 });
    expect(findPrice("gpt-4o-mini-2024-07-18", pricing)).toEqual({ input: 0.15, output: 0.6 });
    expect(findPrice("gpt-4-0613", pricing)).toEqual({ input: 30, output: 60 });
    expect(findPrice("claude-sonnet-4-20250514", pricing)).toEqual({ input: 3, output: 15 });
  });

  it("needs a separator after the prefix: gpt-4.5 is not gpt-4, gpt-4x not gpt-4", () => {
    expect(findPrice("gpt-4.5-preview", pricing)).toBeNull();
    expect(findPrice("gpt-4x", pricing)).toBeNull();
  });

  it("ignores an @provider suffix, a vendor/ prefix and letter case", () => {
    expect(findPrice("gpt-4o-mini@azure", pricing)).toEqual({ input: 0.15, output: 0.6 });
    expect(findPrice("gpt-4o@OpenAI", pricing)).toEqual({ input: 2.5, output: 10 });
    expect(findPrice("openai/gpt-4o-mini", pricing)).toEqual({ input: 0.15, output: 0.6 });
    expect(findPrice("GPT-4o", pricing)).toEqual({ input: 2.5, output: 10 });
    expect(estimateCost("gpt-4o@azure", 1_000_000, 1_000_000, pricing)).toBeCloseTo(12.5);
  });

  it("is null for a model it does not know", () => {
    expect(estimateCost("llama-3-70b", 100, 100, pricing)).toBeNull();
    expect(estimateCost("", 100, 100, pricing)).toBeNull();
    expect(estimateCost("gpt-4o", 100, 100, { currency: "USD", models: {} })).toBeNull();
  });
});
