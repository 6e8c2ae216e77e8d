import { describe, expect, it } from "vitest";
import type { Chat, Message } from "../state/types";
import { makeBackup, mergeBackup, readBackup } from "./backup";
import {
  backupFilename,
  chatFilename,
  chatToJson,
  chatToMarkdown,
  cleanBackup,
  closeOpenFence,
  dataUrlToBlob,
  pickFontUrl,
  sanitizeFilename,
} from "./exportChat";

const msg = (seq: number, content: string, extra: Partial<Message> = {}): Message => ({
  id: `m${seq}`,
  chatId: "c1",
  seq,
  role: seq % 2 ? "assistant" : "user",
  content,
  createdAt: 1_700_000_000_000 + seq * 1000,
  status: "done",
  ...extra,
});

const chat: Chat = {
  id: "c1",
  title: "Rust: lifetimes?",
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_100_000,
  nextSeq: 2,
  clearIndex: 0,
  messageCount: 2,
};

describe("sanitizeFilename", () => {
  it("removes what file systems refuse", () => {
    expect(sanitizeFilename('a/b\\c:d*e?f"g<h>i|j')).toBe("a b c d e f g h i j");
    expect(sanitizeFilename("line\nbreak\ttab")).toBe("line break tab");
    expect(sanitizeFilename("  ..hidden. ")).toBe("hidden");
  });

  it("keeps other scripts and emoji, and cuts at 80 characters without splitting one", () => {
    expect(sanitizeFilename("关于 Rust 的问题 🦀")).toBe("关于 Rust 的问题 🦀");
    const long = "🦀".repeat(100);
    const cut = sanitizeFilename(long);
    expect(Array.from(cut)).toHaveLength(80);
    expect(cut).toBe("🦀".repeat(80));
    expect(sanitizeFilename("x".repeat(79) + " y")).toBe("x".repeat(79));
  });

  it("falls back to chat when nothing is left", () => {
    expect(sanitizeFilename("")).toBe("chat");
    expect(sanitizeFilename('???"')).toBe("chat");
    expect(sanitizeFilename("...")).toBe("chat");
    expect(sanitizeFilename("", "x")).toBe("x");
  });

  it("avoids Windows device names", () => {
    expect(sanitizeFilename("CON")).toBe("CON_");
    expect(sanitizeFilename("console")).toBe("console");
  });

  it("makes file names with extensions", () => {
    expect(chatFilename("Rust: lifetimes?", "md")).toBe("Rust lifetimes.md");
    expect(chatFilename("", "png")).toBe("chat.png");
  });
});

describe("backupFilename", () => {
  it("uses the local date", () => {
    expect(backupFilename(new Date(2024, 0, 5, 23, 59))).toBe("chatnext-backup-2024-01-05.json");
    expect(backupFilename(new Date(2025, 11, 31))).toBe("chatnext-backup-2025-12-31.json");
  });
});

describe("chatToMarkdown", () => {
  const opts = { roles: { user: "You", assistant: "Assistant", system: "System" }, time: (ms: number) => `t${ms % 10000}` };

  it("writes a title, then each message with role, time and model, separated by rules", () => {
    const md = chatToMarkdown("Rust: lifetimes?", [msg(0, "What is 'a?"), msg(1, "A **lifetime**.\n\n```rust\nfn f<'a>() {}\n```\n", { model: "gpt-4o" })], opts);
    expect(md).toBe(
      "# Rust: lifetimes?\n\n" +
        "**You** · t0\n\nWhat is 'a?\n\n---\n\n" +
        "**Assistant** · t1000 · gpt-4o\n\nA **lifetime**.\n\n```rust\nfn f<'a>() {}\n```\n",
    );
  });

  it("uses display names for models and localized roles", () => {
    const md = chatToMarkdown("T", [msg(0, "q"), msg(1, "a", { model: "m@p" })], {
      roles: { user: "你", assistant: "助手", system: "系统" },
      time: () => "now",
      model: (id) => (id === "m@p" ? "Model P" : id),
    });
    expect(md).toContain("**你** · now\n\nq");
    expect(md).toContain("**助手** · now · Model P\n\na");
  });

  it("keeps a multi-line title on one line", () => {
    expect(chatToMarkdown("a\nb", [], opts)).toBe("# a b\n\n\n");
  });

  it("closes a code block an answer left open, so the next message is not inside it", () => {
    const md = chatToMarkdown("T", [msg(1, "```py\nprint(1)"), msg(2, "next")], opts);
    expect(md).toContain("```py\nprint(1)\n```\n\n---\n\n**You**");
  });
});

describe("closeOpenFence", () => {
  it("leaves closed or absent fences alone", () => {
    expect(closeOpenFence("plain")).toBe("plain");
    expect(closeOpenFence("```\na\n```")).toBe("```\na\n```");
    expect(closeOpenFence("~~~~\n```\n~~~~")).toBe("~~~~\n```\n~~~~");
    expect(closeOpenFence("inline ``` not a fence")).toBe("inline ``` not a fence");
  });

  it("closes with the same character and length", () => {
    expect(closeOpenFence("````md\n```\nx")).toBe("````md\n```\nx\n````");
    expect(closeOpenFence("~~~\nx")).toBe("~~~\nx\n~~~");
  });
});

describe("chatToJson", () => {
  it("has the documented shape and only the selected messages' fields", () => {
    const usage = { prompt_tokens: 3, completion_tokens: 5 };
    const json = chatToJson({ ...chat, mask: { name: "Coder", avatar: "🧑‍💻" }, context: [{ role: "system", content: "Be brief." }] }, [
      msg(0, "q"),
      msg(1, "a", { model: "gpt-4o", usage, error: undefined }),
    ]);
    expect(json).toEqual({
      app: "chatnext",
      kind: "chat",
      chat: { title: "Rust: lifetimes?", createdAt: 1_700_000_000_000, mask: { name: "Coder", avatar: "🧑‍💻" }, context: [{ role: "system", content: "Be brief." }] },
      messages: [
        { role: "user", content: "q", createdAt: 1_700_000_000_000 },
        { role: "assistant", content: "a", createdAt: 1_700_000_001_000, model: "gpt-4o", usage },
      ],
    });
  });

  it("leaves out an empty mask and context", () => {
    const json = chatToJson({ ...chat, context: [] }, []);
    expect(json.chat).toEqual({ title: "Rust: lifetimes?", createdAt: 1_700_000_000_000 });
    expect(JSON.parse(JSON.stringify(json)).messages).toEqual([]);
  });
});

describe("cleanBackup", () => {
  it("keeps good records unchanged", () => {
    const data = { chats: [chat], messages: [msg(0, "q"), msg(1, "a")], masks: [], prompts: [], settings: { theme: "dark" } };
    const { data: clean, skipped } = cleanBackup(data);
    expect(skipped).toBe(0);
    expect(clean.chats[0]).toMatchObject(chat);
    expect(clean.messages).toHaveLength(2);
    expect(clean.messages[1]).toMatchObject(msg(1, "a"));
    expect(clean.settings).toEqual({ theme: "dark" });
  });

  it("drops records it cannot repair and fills in missing fields", () => {
    const raw = {
      chats: [{ id: "c2" }, { title: "no id" }, null, "x"],
      messages: [
        { id: "m1", chatId: "c2", seq: 0, content: "hi", role: "wizard", status: "streaming" },
        { id: "m2", chatId: "c2", seq: 1 }, // no text
        { id: "m3", seq: 2, content: "no chat" },
      ],
      masks: [{ id: "k1", name: "M", context: [{ role: "system", content: "x" }, { bad: 1 }], builtin: true }],
      prompts: [{ id: "p1", content: "c", builtin: true }, { id: "p2" }],
      settings: "garbage",
    } as any;
    const { data, skipped } = cleanBackup(raw, 42);
    expect(skipped).toBe(3 + 2 + 1);
    expect(data.chats).toEqual([
      expect.objectContaining({ id: "c2", title: "", createdAt: 42, updatedAt: 42, nextSeq: 0, clearIndex: 0, messageCount: 0 }),
    ]);
    expect(data.messages).toEqual([expect.objectContaining({ id: "m1", role: "assistant", status: "interrupted", createdAt: 0 })]);
    expect(data.masks[0]).toMatchObject({ builtin: false, context: [{ role: "system", content: "x" }], modelConfig: {}, avatar: "🤖", lang: "" });
    expect(data.prompts).toEqual([{ id: "p1", content: "c", title: "", createdAt: 42, updatedAt: 42 }]);
    expect(data.settings).toBeUndefined();
  });

  it("survives a chatnext backup round trip and merges cleanly", () => {
    const file = JSON.parse(JSON.stringify(makeBackup({ chats: [chat], messages: [msg(0, "q"), msg(1, "a")], masks: [], prompts: [] }, false)));
    const { data } = cleanBackup(readBackup(file));
    const merged = mergeBackup({ chats: [], messages: [], masks: [], prompts: [] }, data);
    expect(merged.chats[0]).toMatchObject({ id: "c1", messageCount: 2, nextSeq: 2 });
    expect(mergeBackup(merged, data)).toEqual(merged);
  });
});

describe("pickFontUrl", () => {
  it("prefers woff2 and falls back to the first url", () => {
    const src = 'url("fonts/KaTeX_Main-Regular.woff2") format("woff2"), url(fonts/KaTeX_Main-Regular.woff) format("woff"), url(\'a.ttf\') format("truetype")';
    expect(pickFontUrl(src)).toBe("fonts/KaTeX_Main-Regular.woff2");
    expect(pickFontUrl(src, "truetype")).toBe("a.ttf");
    expect(pickFontUrl("url(/x.woff)")).toBe("/x.woff");
    expect(pickFontUrl('local("Arial")')).toBeNull();
  });
});

describe("dataUrlToBlob", () => {
  it("decodes base64 and plain data URLs", async () => {
    const b = dataUrlToBlob("data:image/png;base64,iVBORw0K");
    expect(b.type).toBe("image/png");
    expect([...new Uint8Array(await b.arrayBuffer())].slice(0, 4)).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(await dataUrlToBlob("data:text/plain;charset=utf-8,a%20b").text()).toBe("a b");
    expect(() => dataUrlToBlob("https://x")).toThrow();
  });
});
