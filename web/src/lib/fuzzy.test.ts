import { describe, expect, it } from "vitest";
import { fuzzyScore, searchPrompts } from "./fuzzy";

describe("fuzzyScore", () => {
  it("matches in order, prefers direct and early hits", () => {
    expect(fuzzyScore("trn", "Translator")).toBeGreaterThan(0);
    expect(fuzzyScore("xyz", "Translator")).toBe(0);
    expect(fuzzyScore("trans", "Translator")).toBeGreaterThan(fuzzyScore("trans", "A good translator"));
    expect(fuzzyScore("翻译", "中英翻译")).toBeGreaterThan(0);
  });
});

describe("searchPrompts", () => {
  const p = (title: string, content = "") => ({ title, content });
  it("puts the user's own prompts first and finds by content too", () => {
    const mine = [p("My email helper", "write emails")];
    const builtin = [p("Email writer", "Write an email"), p("Poem", "write a poem about email")];
    const hits = searchPrompts("email", mine, builtin);
    expect(hits[0].title).toBe("My email helper");
    expect(hits.map((h) => h.title)).toContain("Poem");
  });

  it("an empty query lists everything, own first", () => {
    expect(searchPrompts("", [p("b")], [p("a")]).map((x) => x.title)).toEqual(["b", "a"]);
  });
});
