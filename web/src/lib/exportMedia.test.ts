// Images and reasoning in exports and backups.
import { describe, expect, it } from "vitest";
import type { Message } from "../state/types";
import { chatToJson, chatToMarkdown, cleanBackup } from "./exportChat";

const PNG = "data:image/png;base64,iVBORw0KGgo=";
const base = { chatId: "c", createdAt: 0, status: "done" as const };
const messages: Message[] = [
  { ...base, id: "1", seq: 0, role: "user", content: "What is in these?", images: [PNG, PNG] },
  { ...base, id: "2", seq: 1, role: "assistant", content: "Two squares.", reasoning: "Look at each image.", reasoningMs: 3000 },
];

describe("exports", () => {
  it("Markdown notes the images and leaves the reasoning out", () => {
    const md = chatToMarkdown("Shapes", messages, { roles: { user: "You", assistant: "Assistant", system: "System" }, time: () => "t", image: "[图片]" });
    expect(md).toContain("[图片] [图片]\n\nWhat is in these?");
    expect(md).not.toContain("data:image");
    expect(md).not.toContain("Look at each image");
    expect(chatToMarkdown("x", messages, { roles: { user: "You", assistant: "A", system: "S" }, time: () => "" })).toContain("[image] [image]");
  });

  it("JSON keeps the images and the reasoning", () => {
    const json = chatToJson({ title: "Shapes", createdAt: 0 }, messages);
    expect(json.messages[0].images).toEqual([PNG, PNG]);
    expect(json.messages[1].reasoning).toBe("Look at each image.");
    expect(json.messages[1]).not.toHaveProperty("images");
  });
});

describe("backups", () => {
  it("keep image data URLs and reasoning, and drop anything else posing as an image", () => {
    const raw = [
      { ...messages[0], images: [PNG, "javascript:alert(1)", "https://example.com/x.png", 42] },
      { ...messages[1] },
      { ...base, id: "3", seq: 2, role: "user", content: "x", images: ["data:text/html;base64,PGI+"], reasoning: 5 },
    ];
    const { data } = cleanBackup({ chats: [], messages: raw as unknown as Message[], masks: [], prompts: [] });
    expect(data.messages[0].images).toEqual([PNG]);
    expect(data.messages[1]).toMatchObject({ reasoning: "Look at each image.", reasoningMs: 3000 });
    expect(data.messages[2].images).toBeUndefined();
    expect(data.messages[2].reasoning).toBeUndefined();
  });
});
