import { describe, expect, it } from "vitest";
import type { Chat, Message } from "../state/types";
import { fromNextChat, makeBackup, mergeBackup, readBackup, type BackupData } from "./backup";

const chat = (id: string, updatedAt: number, extra: Partial<Chat> = {}): Chat => ({
  id,
  title: id,
  createdAt: 0,
  updatedAt,
  nextSeq: 0,
  clearIndex: 0,
  messageCount: 0,
  ...extra,
});
const msg = (id: string, chatId: string, seq: number, content: string): Message => ({
  id,
  chatId,
  seq,
  role: seq % 2 ? "assistant" : "user",
  content,
  createdAt: seq,
  status: "done",
});
const data = (chats: Chat[], messages: Message[]): BackupData => ({ chats, messages, masks: [], prompts: [] });

describe("makeBackup", () => {
  it("leaves keys out unless asked", () => {
    const d = { ...data([], []), settings: { accessCode: "c", apiKey: "k", theme: "dark" } };
    expect(makeBackup(d, false).settings).toEqual({ theme: "dark" });
    expect(makeBackup(d, true).settings).toEqual({ accessCode: "c", apiKey: "k", theme: "dark" });
  });
});

describe("mergeBackup", () => {
  it("restoring the same backup twice changes nothing", () => {
    const d = data([chat("a", 5, { nextSeq: 2, messageCount: 2 })], [msg("1", "a", 0, "q"), msg("2", "a", 1, "a")]);
    const once = mergeBackup(data([], []), d);
    expect(mergeBackup(once, d)).toEqual(once);
    expect(once.chats[0].messageCount).toBe(2);
  });

  it("keeps messages from both sides and counts them", () => {
    const mine = data([chat("a", 9, { nextSeq: 3 })], [msg("1", "a", 0, "q"), msg("2", "a", 1, "a"), msg("3", "a", 2, "later question")]);
    const theirs = data([chat("a", 5, { nextSeq: 2, title: "old" }), chat("b", 1)], [msg("1", "a", 0, "q"), msg("2", "a", 1, "a"), msg("9", "b", 0, "other")]);
    const merged = mergeBackup(mine, theirs);
    expect(merged.messages.map((m) => m.id).sort()).toEqual(["1", "2", "3", "9"]);
    const a = merged.chats.find((c) => c.id === "a")!;
    expect(a.title).toBe("a"); // the newer side wins
    expect([a.messageCount, a.nextSeq]).toEqual([3, 3]);
    expect(merged.chats.find((c) => c.id === "b")!.messageCount).toBe(1);
  });

  it("keeps the longer text when a message differs (an answer that grew)", () => {
    const merged = mergeBackup(data([], [msg("1", "a", 1, "partial")]), data([], [msg("1", "a", 1, "partial and complete")]));
    expect(merged.messages[0].content).toBe("partial and complete");
  });
});

describe("readBackup", () => {
  it("refuses what it cannot read", () => {
    expect(() => readBackup(null)).toThrow();
    expect(() => readBackup({ app: "chatnext", format: 99, chats: [] })).toThrow(/newer/);
    expect(() => readBackup({ hello: 1 })).toThrow(/not a chatnext or NextChat backup/);
  });
});

// Built from NextChat's documented backup layout: one key per persisted store.
const nextChatBackup = {
  "chat-next-web-store": {
    currentSessionIndex: 0,
    sessions: [
      {
        id: "s1",
        topic: "Rust lifetimes",
        memoryPrompt: "The user is learning Rust.",
        lastSummarizeIndex: 2,
        clearContextIndex: 0,
        lastUpdate: 1_700_000_100_000,
        stat: { tokenCount: 0, wordCount: 0, charCount: 0 },
        messages: [
          { id: "m1", role: "user", content: "What is a lifetime?", date: "11/14/2023, 10:00:00 AM" },
          { id: "m2", role: "assistant", content: "A lifetime is ...", date: "11/14/2023, 10:00:05 AM", model: "gpt-4o" },
          { id: "m3", role: "user", content: [{ type: "text", text: "And this image?" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }], date: "" },
        ],
        mask: { id: "mk", name: "Rust tutor", avatar: "1f980", context: [{ id: "c1", role: "system", content: "You teach Rust.", date: "" }], modelConfig: { model: "gpt-4o", temperature: 0.3, sendMemory: true } },
      },
    ],
  },
  "mask-store": { masks: { mk2: { id: "mk2", name: "Poet", avatar: "🎭", lang: "cn", context: [{ role: "system", content: "写诗" }], modelConfig: { temperature: 1 }, createdAt: 1_700_000_000_000 } } },
  "prompt-store": { counter: 1, prompts: { p1: { id: "p1", isUser: true, title: "Fix grammar", content: "Fix the grammar:", createdAt: 1_700_000_000_000 } } },
  "app-config": { theme: "dark", fontSize: 16, submitKey: "Ctrl + Enter", modelConfig: { model: "gpt-4o-mini", temperature: 0.7, historyMessageCount: 6, compressMessageLengthThreshold: 2000, template: "{{input}}" } },
  "access-control": { accessCode: "family", openaiApiKey: "" },
};

describe("fromNextChat", () => {
  it("brings sessions, messages, masks, prompts and settings across", () => {
    const d = readBackup(nextChatBackup);
    expect(d.chats).toHaveLength(1);
    const c = d.chats[0];
    expect(c).toMatchObject({ title: "Rust lifetimes", messageCount: 3, nextSeq: 3, mask: { name: "Rust tutor" } });
    expect(c.context).toEqual([{ role: "system", content: "You teach Rust." }]);
    expect(c.memory).toEqual({ enabled: true, prompt: "The user is learning Rust.", upTo: 2 });
    expect(d.messages.map((m) => m.content)).toEqual(["What is a lifetime?", "A lifetime is ...", "And this image?"]);
    expect(d.messages[1].model).toBe("gpt-4o");
    expect(d.masks[0]).toMatchObject({ name: "Poet", lang: "zh-CN", builtin: false });
    expect(d.prompts[0]).toMatchObject({ title: "Fix grammar", content: "Fix the grammar:" });
    expect(d.settings).toMatchObject({ theme: "dark", fontSize: 16, sendKey: "Ctrl+Enter", model: "gpt-4o-mini", historyCount: 6, compressThreshold: 2000, accessCode: "family" });
  });

  it("importing twice does not duplicate (ids are stable)", () => {
    const d = fromNextChat(nextChatBackup, 0);
    const twice = mergeBackup(d, fromNextChat(nextChatBackup, 0));
    expect(twice.messages).toHaveLength(3);
    expect(twice.chats).toHaveLength(1);
  });
});
