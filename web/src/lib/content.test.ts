// The request body a question with images becomes, and what history goes with it.
import { describe, expect, it } from "vitest";
import { contextFor, requestMessages } from "../state/history";
import type { Chat, Message } from "../state/types";
import { chatBody, userContent } from "./api";
import { estimateMessagesTokens, IMAGE_TOKENS } from "./tokens";

const PNG = "data:image/png;base64,iVBORw0KGgo=";
const JPEG = "data:image/jpeg;base64,/9j/4AAQ";

let seq = 0;
const msg = (role: Message["role"], content: string, extra: Partial<Message> = {}): Message => ({
  id: String(seq),
  chatId: "c",
  seq: seq++,
  role,
  content,
  status: "done",
  createdAt: 0,
  ...extra,
});
const chat: Chat = { id: "c", title: "", createdAt: 0, updatedAt: 0, nextSeq: 0, clearIndex: 0, messageCount: 0 };

describe("userContent", () => {
  it("is plain text without images", () => {
    expect(userContent("hi")).toBe("hi");
    expect(userContent("hi", [])).toBe("hi");
  });

  it("is text and image_url parts with images", () => {
    expect(userContent("What is this?", [PNG, JPEG])).toEqual([
      { type: "text", text: "What is this?" },
      { type: "image_url", image_url: { url: PNG } },
      { type: "image_url", image_url: { url: JPEG } },
    ]);
  });

  it("an image alone has no empty text part", () => {
    expect(userContent("", [PNG])).toEqual([{ type: "image_url", image_url: { url: PNG } }]);
  });
});

describe("a request with images", () => {
  it("uses the array form only for messages that have images, earlier ones included", () => {
    seq = 0;
    const prior = [msg("user", "Look at this", { images: [PNG] }), msg("assistant", "A cat."), msg("user", "And now text only"), msg("assistant", "Fine.")];
    const q = { role: "user" as const, content: userContent("And this one?", [JPEG]) };
    const body = chatBody(requestMessages(chat, prior, 8, q), { model: "gpt-4o", temperature: 1, topP: 1, maxTokens: 0, presencePenalty: 0, frequencyPenalty: 0 });
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Look at this" }, { type: "image_url", image_url: { url: PNG } }] },
      { role: "assistant", content: "A cat." },
      { role: "user", content: "And now text only" },
      { role: "assistant", content: "Fine." },
      { role: "user", content: [{ type: "text", text: "And this one?" }, { type: "image_url", image_url: { url: JPEG } }] },
    ]);
    // Through JSON, as sent.
    expect(JSON.parse(JSON.stringify(body)).messages[0].content[1].image_url.url).toBe(PNG);
  });

  it("keeps an image-only question, and leaves images out for a model that cannot see them", () => {
    seq = 0;
    const prior = [msg("user", "", { images: [PNG] }), msg("assistant", "A dog."), msg("user", "Describe", { images: [PNG] })];
    expect(contextFor(prior, 0, 8)[0]).toEqual({ role: "user", content: [{ type: "image_url", image_url: { url: PNG } }] });
    expect(contextFor(prior, 0, 8, false).map((m) => m.content)).toEqual(["A dog.", "Describe"]);
  });

  it("sends answers back without their reasoning", () => {
    seq = 0;
    const prior = [
      msg("user", "2+2?"),
      msg("assistant", "4", { reasoning: "Two and two make four.", reasoningMs: 1200 }),
      msg("user", "3+3?"),
      msg("assistant", "<think>Three and three.</think>\n6", { status: "interrupted" }),
      msg("user", "and?"),
      msg("assistant", "<think>never finished", { status: "stopped" }),
    ];
    expect(contextFor(prior, 0, 10)).toEqual([
      { role: "user", content: "2+2?" },
      { role: "assistant", content: "4" },
      { role: "user", content: "3+3?" },
      { role: "assistant", content: "6" },
      { role: "user", content: "and?" },
    ]);
  });

  it("counts an image as a fixed number of tokens", () => {
    const text = estimateMessagesTokens([{ role: "user", content: "hello" }]);
    const withImages = estimateMessagesTokens([{ role: "user", content: [{ type: "text", text: "hello" }, { type: "image_url", image_url: { url: PNG } }, { type: "image_url", image_url: { url: PNG } }] }]);
    expect(withImages - text).toBe(2 * IMAGE_TOKENS);
  });
});
