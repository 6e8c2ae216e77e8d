import { describe, expect, it } from "vitest";
import { isVisionModel, type ModelInfo } from "../state/serverConfig";
import { groupModels } from "./modelGroups";

const m = (name: string, provider: string, extra: Partial<ModelInfo> = {}): ModelInfo => ({ name, displayName: name, provider, ...extra });

describe("groupModels", () => {
  it("puts OpenAI first, then the providers in the server's order", () => {
    const groups = groupModels([m("claude-sonnet-4", "anthropic"), m("gpt-4o", "openai"), m("gemini-2.5-pro", "google"), m("claude-haiku", "anthropic"), m("gpt-4o-mini", "openai")]);
    expect(groups.map((g) => g.provider)).toEqual(["openai", "anthropic", "google"]);
    expect(groups.map((g) => g.models.map((x) => x.name))).toEqual([["gpt-4o", "gpt-4o-mini"], ["claude-sonnet-4", "claude-haiku"], ["gemini-2.5-pro"]]);
  });

  it("labels a group with the provider's name, or its id when the server sends none", () => {
    const groups = groupModels([m("gpt-4o", "openai", { providerName: "OpenAI" }), m("claude", "anthropic"), m("deepseek-chat", "deepseek", { providerName: "DeepSeek" })]);
    expect(groups.map((g) => g.label)).toEqual(["OpenAI", "anthropic", "DeepSeek"]);
  });

  it("works without OpenAI and with no models", () => {
    expect(groupModels([m("a", "x"), m("b", "y")]).map((g) => g.provider)).toEqual(["x", "y"]);
    expect(groupModels([])).toEqual([]);
  });
});

describe("isVisionModel", () => {
  const config = (models: ModelInfo[], visionModels: string[] = []) => ({ models, visionModels });

  it("trusts the server when it says", () => {
    expect(isVisionModel("gpt-4o", config([m("gpt-4o", "openai", { vision: false })]))).toBe(false);
    expect(isVisionModel("my-model", config([m("my-model", "openai", { vision: true })]))).toBe(true);
  });

  it("guesses from the name otherwise", () => {
    const list = config([m("gpt-4o-mini", "openai"), m("gpt-3.5-turbo", "openai"), m("claude-test", "anthropic"), m("qwen-vl-max", "alibaba")]);
    expect(isVisionModel("gpt-4o-mini", list)).toBe(true);
    expect(isVisionModel("claude-test@anthropic", list)).toBe(true);
    expect(isVisionModel("qwen-vl-max@alibaba", list)).toBe(true);
    expect(isVisionModel("gpt-3.5-turbo", list)).toBe(false);
    expect(isVisionModel("deepseek-chat@deepseek", list)).toBe(false);
  });

  it("counts VISION_MODELS", () => {
    expect(isVisionModel("my-llava", config([m("my-llava", "openai")], ["my-llava"]))).toBe(true);
  });
});
