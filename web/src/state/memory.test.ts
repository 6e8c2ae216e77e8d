import { describe, expect, it } from "vitest";
import { summaryModel } from "./memory";
import type { ServerConfig } from "./serverConfig";

const config = (models: [string, string][]): ServerConfig => ({
  loaded: true,
  needCode: false,
  hideUserApiKey: false,
  disableGPT4: false,
  defaultModel: "",
  defaultInputTemplate: "{{input}}",
  version: "",
  models: models.map(([name, provider]) => ({ name, displayName: name, provider })),
});

describe("summaryModel", () => {
  it("uses the setting when there is one", () => {
    expect(summaryModel("gpt-4o", "my-summarizer", config([]))).toBe("my-summarizer");
  });
  it("picks a cheap model of the same provider from the table", () => {
    expect(summaryModel("gpt-4o", "", config([["gpt-4o", "openai"], ["gpt-4o-mini", "openai"]]))).toBe("gpt-4o-mini");
    expect(summaryModel("claude-sonnet-4@anthropic", "", config([["claude-sonnet-4", "anthropic"], ["claude-3-5-haiku-latest", "anthropic"], ["gpt-4o-mini", "openai"]]))).toBe("claude-3-5-haiku-latest@anthropic");
  });
  it("falls back on the chat's own model", () => {
    expect(summaryModel("gpt-4o", "", config([["gpt-4o", "openai"]]))).toBe("gpt-4o");
    expect(summaryModel("llama3@ollama", "", config([["llama3", "ollama"], ["gpt-4o-mini", "openai"]]))).toBe("llama3@ollama");
  });
});
