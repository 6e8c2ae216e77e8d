import { describe, expect, it } from "vitest";
// Read as raw text: tsconfig has no resolveJsonModule, and vite/client types `?raw` as string.
import masksRaw from "./masks.json?raw";
import promptsEnRaw from "./prompts-en.json?raw";
import promptsZhRaw from "./prompts-zh-CN.json?raw";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const LANGS = ["zh-CN", "en"] as const;
type Lang = (typeof LANGS)[number];

const JOBS = [
  "translator",
  "polish",
  "coding",
  "explain-code",
  "summarise",
  "interview",
  "sql",
  "regex",
  "email",
  "travel",
  "tutor",
  "prompt-improver",
] as const;

const MASK_KEYS = ["id", "builtin", "since", "lang", "job", "name", "avatar", "description", "context", "modelConfig"];
const MODEL_KEYS = ["temperature", "top_p", "max_tokens"];
const ROLES = ["system", "user", "assistant"];
const TITLE_MAX: Record<Lang, number> = { en: 24, "zh-CN": 12 };
// Chinese packs more into each character.
const CONTENT_MIN: Record<Lang, number> = { en: 40, "zh-CN": 20 };
const MIN_MASKS = 12;
const MIN_PROMPTS = 60;

const masksFile = JSON.parse(masksRaw) as Obj;
const promptFiles: Record<Lang, Obj> = {
  en: JSON.parse(promptsEnRaw) as Obj,
  "zh-CN": JSON.parse(promptsZhRaw) as Obj,
};

function isObj(v: Json | undefined): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function list(file: Obj, key: string): Obj[] {
  const v = file[key];
  if (!Array.isArray(v)) throw new Error(`"${key}" must be an array`);
  return v.map((x, i) => {
    if (!isObj(x)) throw new Error(`${key}[${i}] must be an object`);
    return x;
  });
}

function str(o: Obj, key: string): string {
  const v = o[key];
  if (typeof v !== "string") throw new Error(`${String(o.id ?? "?")}.${key} must be a string`);
  return v;
}

/** Every string anywhere in the value, with its path. */
function strings(v: Json, path: string, out: [string, string][] = []): [string, string][] {
  if (typeof v === "string") out.push([path, v]);
  else if (Array.isArray(v)) v.forEach((x, i) => strings(x, `${path}[${i}]`, out));
  else if (isObj(v)) for (const [k, x] of Object.entries(v)) strings(x, `${path}.${k}`, out);
  return out;
}

const chars = (s: string) => Array.from(s).length;
const CJK = /\p{Script=Han}/u;

const masks = list(masksFile, "masks");
const prompts: Record<Lang, Obj[]> = {
  en: list(promptFiles.en, "prompts"),
  "zh-CN": list(promptFiles["zh-CN"], "prompts"),
};

describe("file headers", () => {
  it("have a positive integer version", () => {
    for (const f of [masksFile, promptFiles.en, promptFiles["zh-CN"]]) {
      expect(Number.isInteger(f.version)).toBe(true);
      expect(f.version as number).toBeGreaterThanOrEqual(1);
    }
  });

  it("contain no empty or blank strings", () => {
    for (const [name, f] of [["masks", masksFile], ["prompts-en", promptFiles.en], ["prompts-zh-CN", promptFiles["zh-CN"]]] as const) {
      const blank = strings(f, name).filter(([, s]) => s.trim() === "").map(([p]) => p);
      expect(blank).toEqual([]);
    }
  });

  it("use unique ids across all files", () => {
    const ids = [...masks, ...prompts.en, ...prompts["zh-CN"]].map((x) => str(x, "id"));
    const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(dupes).toEqual([]);
  });
});

describe("masks.json", () => {
  const version = masksFile.version as number;

  it.each(masks.map((m) => [String(m.id), m] as const))("%s has a valid shape", (_id, m) => {
    expect(Object.keys(m).filter((k) => !MASK_KEYS.includes(k))).toEqual([]);

    const lang = str(m, "lang");
    expect(LANGS as readonly string[]).toContain(lang);
    const id = str(m, "id");
    expect(id.startsWith("builtin-")).toBe(true);
    expect(id.endsWith(`-${lang}`)).toBe(true);
    expect(id).toMatch(/^[a-z0-9-]+(zh-CN)?$/);

    expect(m.builtin).toBe(true);
    expect(Number.isInteger(m.since)).toBe(true);
    expect(m.since as number).toBeGreaterThanOrEqual(1);
    expect(m.since as number).toBeLessThanOrEqual(version);

    if (m.job !== undefined) expect(JOBS as readonly string[]).toContain(m.job);

    const name = str(m, "name");
    if (lang === "zh-CN") {
      expect(CJK.test(name)).toBe(true);
      expect(chars(name)).toBeLessThanOrEqual(8);
    } else {
      expect(CJK.test(name)).toBe(false);
      expect(chars(name)).toBeLessThanOrEqual(24);
    }
    expect(str(m, "description").includes("\n")).toBe(false);

    const avatar = str(m, "avatar");
    const graphemes = [...new Intl.Segmenter().segment(avatar)];
    expect(graphemes).toHaveLength(1);
    expect(avatar).toMatch(/\p{Extended_Pictographic}/u);

    const context = m.context;
    expect(Array.isArray(context)).toBe(true);
    const msgs = (context as Json[]).filter(isObj);
    expect(msgs).toHaveLength((context as Json[]).length);
    expect(msgs.length).toBeGreaterThanOrEqual(1);
    expect(msgs[0].role).toBe("system");
    expect(msgs.slice(1).some((x) => x.role === "system")).toBe(false);
    for (const msg of msgs) {
      expect(Object.keys(msg).sort()).toEqual(["content", "role"]);
      expect(ROLES).toContain(msg.role);
      expect(typeof msg.content).toBe("string");
      expect((msg.content as string).trim().length).toBeGreaterThan(0);
    }
    // A system prompt worth having says more than one line.
    expect((msgs[0].content as string).length).toBeGreaterThan(200);

    const mc = m.modelConfig;
    expect(isObj(mc)).toBe(true);
    const cfg = mc as Obj;
    expect(Object.keys(cfg).filter((k) => !MODEL_KEYS.includes(k))).toEqual([]);
    if (cfg.temperature !== undefined) {
      expect(typeof cfg.temperature).toBe("number");
      expect(cfg.temperature as number).toBeGreaterThanOrEqual(0);
      expect(cfg.temperature as number).toBeLessThanOrEqual(1.2);
    }
    if (cfg.top_p !== undefined) {
      expect(typeof cfg.top_p).toBe("number");
      expect(cfg.top_p as number).toBeGreaterThan(0);
      expect(cfg.top_p as number).toBeLessThanOrEqual(1);
    }
    if (cfg.max_tokens !== undefined) {
      expect(Number.isInteger(cfg.max_tokens)).toBe(true);
      expect(cfg.max_tokens as number).toBeGreaterThan(0);
    }
  });

  it.each(LANGS)(`%s: at least ${MIN_MASKS} masks, every job covered`, (lang) => {
    const mine = masks.filter((m) => m.lang === lang);
    expect(mine.length).toBeGreaterThanOrEqual(MIN_MASKS);
    const jobs = new Set(mine.map((m) => m.job));
    expect(JOBS.filter((j) => !jobs.has(j))).toEqual([]);
  });

  it.each(LANGS)("has unique mask names in %s", (lang) => {
    const names = masks.filter((m) => m.lang === lang).map((m) => str(m, "name"));
    expect(new Set(names).size).toBe(names.length);
  });
});

describe.each(LANGS)("prompts-%s.json", (lang) => {
  const items = prompts[lang];

  it(`has at least ${MIN_PROMPTS} prompts`, () => {
    expect(items.length).toBeGreaterThanOrEqual(MIN_PROMPTS);
  });

  it("has well-formed entries", () => {
    const idPattern = new RegExp(`^builtin-${lang}-\\d{3}$`);
    for (const p of items) {
      expect(Object.keys(p).sort()).toEqual(["content", "id", "title"]);
      expect(str(p, "id")).toMatch(idPattern);
      const title = str(p, "title");
      expect(title.trim()).toBe(title);
      expect(title.includes("\n")).toBe(false);
      expect(chars(title), title).toBeLessThanOrEqual(TITLE_MAX[lang]);
      const content = str(p, "content");
      expect(chars(content.trim()), title).toBeGreaterThan(CONTENT_MIN[lang]);
      if (lang === "zh-CN") {
        expect(CJK.test(title), title).toBe(true);
        expect(CJK.test(content), title).toBe(true);
      } else {
        expect(CJK.test(title + content), title).toBe(false);
      }
    }
  });

  it("has unique titles and contents", () => {
    const titles = items.map((p) => str(p, "title").toLowerCase());
    expect(titles.filter((t, i) => titles.indexOf(t) !== i)).toEqual([]);
    const contents = items.map((p) => str(p, "content"));
    expect(new Set(contents).size).toBe(contents.length);
  });
});
