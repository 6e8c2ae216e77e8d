import { describe, expect, it } from "vitest";
import { answerText, splitThink } from "./think";

describe("splitThink", () => {
  it("splits a complete <think> block off the answer", () => {
    expect(splitThink("<think>\nLet me see.\n</think>\n\nThe answer.")).toEqual({ reasoning: "Let me see.", content: "The answer.", open: false });
    expect(splitThink("  \n<think>a</think>b")).toEqual({ reasoning: "a", content: "b", open: false });
  });

  it("an unclosed block is still thinking, with no answer yet", () => {
    expect(splitThink("<think>Step one, step two", true)).toEqual({ reasoning: "Step one, step two", content: "", open: true });
    // A closing tag half arrived is held back while streaming.
    expect(splitThink("<think>Step one</thi", true)).toEqual({ reasoning: "Step one", content: "", open: true });
    expect(splitThink("<think>Step one</", true).reasoning).toBe("Step one");
    // Once closed, the answer starts.
    expect(splitThink("<think>Step one</think>", true)).toEqual({ reasoning: "Step one", content: "", open: false });
    expect(splitThink("<think>Step one</think>Hel", true)).toEqual({ reasoning: "Step one", content: "Hel", open: false });
    // Stopped while thinking: what was thought is kept as reasoning.
    expect(splitThink("<think>half a thought")).toEqual({ reasoning: "half a thought", content: "", open: true });
  });

  it("holds back the start of an opening tag only while streaming", () => {
    expect(splitThink("<thi", true)).toEqual({ reasoning: "", content: "", open: true });
    expect(splitThink("<", true).content).toBe("");
    expect(splitThink("<", false).content).toBe("<");
    expect(splitThink("<b>bold</b>", true).content).toBe("<b>bold</b>");
  });

  it("leaves text without a think block alone", () => {
    expect(splitThink("Just an answer.")).toEqual({ reasoning: "", content: "Just an answer.", open: false });
    expect(splitThink("")).toEqual({ reasoning: "", content: "", open: false });
  });

  it("leaves a <think> that is not at the start alone", () => {
    const text = "Models like R1 write <think>...</think> before answering.";
    expect(splitThink(text)).toEqual({ reasoning: "", content: text, open: false });
    expect(splitThink("```\n<think>x</think>\n```", true).content).toBe("```\n<think>x</think>\n```");
    expect(answerText(text)).toBe(text);
  });

  it("answerText is what goes back in the history", () => {
    expect(answerText("<think>secret</think>Visible")).toBe("Visible");
  });
});
