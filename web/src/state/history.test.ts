import { describe, expect, it } from "vitest";
import { contextFor, parseCommand, titleFrom } from "./history";
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
