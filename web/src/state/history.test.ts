import { describe, expect, it } from "vitest";
import { contextFor, parseCommand, requestMessages, titleFrom, toSummarize } from "./history";
import type { Message } from "./types";

let seq = 0;
const msg = (role: Message["role"], content: string, status: Message["status"] = "done"): Message => ({
  id: String(seq),
  chatId: "c",
  seq: seq++,
  role,
  content,
  status,
  createdAt: 0,
});

describe("contextFor", () => {
  it("sends the last N messages after the divider, skipping failures and blanks", () => {
    seq = 0;
    const list = [
      msg("user", "old q"),
      msg("assistant", "old a"),
      msg("user", "q1"),
      msg("assistant", "", "error"),
      msg("assistant", "partial", "stopped"),
      msg("user", "q2"),
    ];
    expect(contextFor(list, 2, 4).map((m) => m.content)).toEqual(["q1", "partial", "q2"]);
    expect(contextFor(list, 0, 2).map((m) => m.content)).toEqual(["partial", "q2"]);
    expect(contextFor(list, 0, 0)).toEqual([]);
  });
});

describe("parseCommand", () => {
  it("knows the chat commands, with either colon", () => {
    expect(parseCommand(":new")).toBe("new");
    expect(parseCommand("：clear")).toBe("clear");
    expect(parseCommand(" :DEL ")).toBe("del");
    expect(parseCommand(":newx")).toBeNull();
    expect(parseCommand("ask :new")).toBeNull();
    expect(parseCommand(":)")).toBeNull();
  });
});

describe("titleFrom", () => {
  it("collapses whitespace and shortens", () => {
    expect(titleFrom("  hello\n\nworld ")).toBe("hello world");
    expect(titleFrom("x".repeat(50), 10)).toBe("xxxxxxxxx…");
  });
});

describe("requestMessages", () => {
  const base = { id: "c", title: "", createdAt: 0, updatedAt: 0, nextSeq: 6, clearIndex: 0, messageCount: 6 };
  const list = () => {
    seq = 0;
    return [msg("user", "q0"), msg("assistant", "a0"), msg("user", "q1"), msg("assistant", "a1"), msg("user", "q2"), msg("assistant", "a2")];
  };
  const q = { role: "user" as const, content: "now" };

  it("puts the mask context first, then memory, recent messages and the question", () => {
    const chat = { ...base, context: [{ role: "system" as const, content: "You are a poet." }], memory: { enabled: true, prompt: "They like haiku.", upTo: 4 } };
    const out = requestMessages(chat, list(), 2, q);
    expect(out[0]).toEqual({ role: "system", content: "You are a poet." });
    expect(out[1].role).toBe("system");
    expect(out[1].content).toContain("They like haiku.");
    expect(out.slice(2).map((m) => m.content)).toEqual(["q2", "a2", "now"]);
  });

  it("leaves the memory out when it is off, empty, or older than the divider", () => {
    const memory = { enabled: true, prompt: "old", upTo: 2 };
    expect(requestMessages({ ...base, memory: { ...memory, enabled: false } }, list(), 2, q)).toHaveLength(3);
    expect(requestMessages({ ...base, memory: { ...memory, prompt: " " } }, list(), 2, q)).toHaveLength(3);
    expect(requestMessages({ ...base, clearIndex: 4, memory }, list(), 2, q)).toHaveLength(3);
    expect(requestMessages({ ...base, clearIndex: 1, memory }, list(), 2, q)).toHaveLength(4);
  });
});

describe("toSummarize", () => {
  const chat = { id: "c", title: "", createdAt: 0, updatedAt: 0, nextSeq: 6, clearIndex: 0, messageCount: 6 };
  const words = (s: string) => s.split(/\s+/).length;

  it("returns the unsummarised messages once they pass the threshold", () => {
    seq = 0;
    const list = [msg("user", "one two three"), msg("assistant", "four five six"), msg("user", "seven eight")];
    expect(toSummarize(chat, list, 10, words)).toBeNull();
    expect(toSummarize(chat, list, 7, words)?.map((m) => m.seq)).toEqual([0, 1, 2]);
    expect(toSummarize({ ...chat, memory: { enabled: true, prompt: "x", upTo: 1 } }, list, 4, words)?.map((m) => m.seq)).toEqual([1, 2]);
  });
});
