import { describe, expect, it, vi } from "vitest";
import { locale } from "../i18n";
import { classify } from "../lib/api";

// The page's router reads the address on import; these tests need none of it.
vi.mock("../state/ui", () => ({ go: () => undefined }));
const { errorHeadline, resetTime } = await import("./ErrorNotice");

const limit = (name: string, value: number, resetAt: number, retryAfter?: number) =>
  classify(429, { error: true, code: "limit_exceeded", msg: "limit", limit: name, limitValue: value, resetAt }, retryAfter);

describe("limit messages", () => {
  it("say which limit, its value and when it resets, in English", () => {
    locale.set("en");
    const reset = Math.floor(Date.now() / 1000) + 3600;
    const [day, time] = resetTime(reset);
    const text = errorHeadline(limit("tokens_per_day", 200000, reset));
    expect(text).toContain("daily token budget is used up");
    expect(text).toContain("200,000");
    expect(text).toContain(time);
    if (day) expect(text).toContain(day);
    expect(errorHeadline(limit("cost_per_month", 20, reset))).toContain("$20.00");
    expect(errorHeadline(limit("requests_per_minute", 2, reset, 42))).toBe("This access code allows 2 requests a minute. Try again in 42 s.");
  });

  it("in Chinese", () => {
    locale.set("zh-CN");
    const reset = Math.floor(Date.now() / 1000) + 3600;
    expect(errorHeadline(limit("tokens_per_day", 200000, reset))).toContain("今日 token 额度已用完");
    expect(errorHeadline(limit("tokens_per_month", 3000000, reset))).toContain("本月 token 额度已用完");
    expect(errorHeadline(limit("requests_per_minute", 2, reset, 30))).toBe("请求太频繁：此访问密码每分钟最多 2 次请求。请 30 秒后再试。");
    locale.set("en");
  });

  it("without details still name the cause", () => {
    locale.set("en");
    expect(errorHeadline(classify(429, { error: true, code: "limit_exceeded", msg: "x" }))).toBe("This access code has reached one of its limits.");
  });

  it("give the day only when the reset is not today", () => {
    const now = new Date(2030, 0, 15, 10, 0);
    expect(resetTime(new Date(2030, 0, 15, 23, 0).getTime() / 1000, now)[0]).toBe("");
    expect(resetTime(new Date(2030, 1, 1, 0, 0).getTime() / 1000, now)[0]).not.toBe("");
  });
});

describe("expired codes and sessions", () => {
  it("have their own texts", () => {
    locale.set("en");
    expect(errorHeadline(classify(401, { error: true, code: "session_expired" }))).toContain("signed out");
    expect(errorHeadline(classify(401, { error: true, code: "code_expired" }))).toContain("expired");
  });
});
