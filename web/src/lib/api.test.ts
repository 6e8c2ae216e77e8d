import { describe, expect, it } from "vitest";
import { authHeader, chatBody, chatUrl, classify, errorFromResponse, fillTemplate, isReasoningModel } from "./api";

describe("classify", () => {
  it("reads chatnext's error shape by code", () => {
    const e = classify(429, { error: true, code: "access_locked", msg: "too many", message: "too many" }, 600);
    expect(e).toMatchObject({ kind: "locked", retryAfter: 600, message: "too many" });
    expect(classify(401, { error: true, code: "empty_access_code", msg: "empty access code" }).kind).toBe("unauthorized");
    expect(classify(401, { error: true, code: "wrong_access_code", msg: "wrong access code" }).kind).toBe("wrong_code");
  });

  it("keeps the upstream's own quota message", () => {
    const body = { error: { message: "You exceeded your current quota, please check your plan.", type: "insufficient_quota", code: "insufficient_quota" } };
    const e = classify(429, body);
    expect(e.kind).toBe("quota");
    expect(e.message).toContain("You exceeded your current quota");
  });

  it("tells an expired code from an ended session", () => {
    expect(classify(401, { error: true, code: "code_expired", msg: "this access code has expired" })).toMatchObject({ kind: "code_expired", status: 401 });
    expect(classify(401, { error: true, code: "session_expired", msg: "your session has ended" })).toMatchObject({ kind: "session_expired", status: 401 });
  });

  it("keeps which limit, its value and its reset on a limit_exceeded error", () => {
    const body = { error: true, code: "limit_exceeded", msg: "daily tokens used up", limit: "tokens_per_day", limitValue: 200000, resetAt: 1767225600 };
    expect(classify(429, body)).toEqual({ kind: "limit", status: 429, code: "limit_exceeded", message: "daily tokens used up", limit: "tokens_per_day", limitValue: 200000, resetAt: 1767225600 });
    // The same fields inside an OpenAI-style error object.
    const nested = classify(429, { error: { code: "limit_exceeded", message: "slow down", limit: "requests_per_minute", limitValue: 2, resetAt: 1767225600 } }, 30);
    expect(nested).toMatchObject({ kind: "limit", limit: "requests_per_minute", limitValue: 2, retryAfter: 30 });
    // Unknown names and non-numbers are dropped, the kind stays.
    const odd = classify(429, { error: true, code: "limit_exceeded", limit: "bananas_per_hour", limitValue: "lots", resetAt: null });
    expect(odd.kind).toBe("limit");
    expect(odd.limit).toBeUndefined();
    expect(odd.limitValue).toBeUndefined();
    expect(odd.resetAt).toBeUndefined();
    // Another 429 keeps no limit fields.
    expect(classify(429, { error: true, code: "access_locked", limit: "tokens_per_day" }).limit).toBeUndefined();
  });

  it("reads Retry-After and the limit fields from a response", async () => {
    const res = new Response(JSON.stringify({ error: true, code: "limit_exceeded", msg: "m", limit: "cost_per_month", limitValue: 20, resetAt: 1767225600 }), {
      status: 429,
      headers: { "Retry-After": "120" },
    });
    expect(await errorFromResponse(res)).toMatchObject({ kind: "limit", limit: "cost_per_month", limitValue: 20, resetAt: 1767225600, retryAfter: 120 });
  });

  it("falls back on the status, then generic", () => {
    expect(classify(401, "nope").kind).toBe("unauthorized");
    expect(classify(504, {}).kind).toBe("timeout");
    expect(classify(500, { error: { message: "boom", type: "server_error" } })).toMatchObject({ kind: "generic", message: "boom" });
  });
});

describe("chatBody", () => {
  const opts = { model: "gpt-4o-mini", temperature: 0.5, topP: 1, maxTokens: 0, presencePenalty: 0, frequencyPenalty: 0 };

  it("streams, asks for usage, and sends sampling settings", () => {
    const b = chatBody([{ role: "user", content: "hi" }], opts);
    expect(b).toMatchObject({ stream: true, stream_options: { include_usage: true }, temperature: 0.5, top_p: 1 });
    expect(b).not.toHaveProperty("max_tokens");
    expect(chatBody([], { ...opts, maxTokens: 100 }).max_tokens).toBe(100);
  });

  it("gives reasoning models max_completion_tokens and no sampling knobs", () => {
    expect(isReasoningModel("o3-mini") && isReasoningModel("gpt-5") && !isReasoningModel("gpt-4o")).toBe(true);
    const b = chatBody([], { ...opts, model: "o3-mini", maxTokens: 100 });
    expect(b.max_completion_tokens).toBe(100);
    expect(b).not.toHaveProperty("temperature");
    expect(b).not.toHaveProperty("max_tokens");
  });
});

describe("fillTemplate and chatUrl", () => {
  it("fills the template, appending the input when the template lacks it", () => {
    const vars = { model: "gpt-4o", lang: "en", time: "now" };
    expect(fillTemplate("{{input}}", "hi", vars)).toBe("hi");
    expect(fillTemplate("[{{model}} {{time}}] {{input}}", "hi", vars)).toBe("[gpt-4o now] hi");
    expect(fillTemplate("Be brief.", "hi", vars)).toBe("Be brief.\nhi");
  });

  it("uses this server unless the user brings both key and endpoint", () => {
    expect(chatUrl("", "")).toBe("/api/openai/v1/chat/completions");
    expect(chatUrl("https://my.example/v1/", "")).toBe("/api/openai/v1/chat/completions");
    expect(chatUrl("https://my.example/v1/", "sk-1")).toBe("https://my.example/v1/chat/completions");
  });
});

describe("authHeader", () => {
  it("sends only the user's own key: an access code never leaves the page", () => {
    expect(authHeader("sk-mine")).toEqual({ Authorization: "Bearer sk-mine" });
    expect(authHeader("")).toEqual({});
  });
});
