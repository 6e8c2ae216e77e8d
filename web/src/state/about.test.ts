import { describe, expect, it } from "vitest";
import { formatMoney, readBalance, readVersion } from "./about";

describe("readVersion", () => {
  it("keeps the server's answer and drops what is not a web link", () => {
    const v = readVersion({ current: "0.1.0", latest: "0.2.0", updateAvailable: true, releaseUrl: "javascript:alert(1)", docker: true });
    expect(v).toMatchObject({ current: "0.1.0", latest: "0.2.0", updateAvailable: true, releaseUrl: null, docker: true, checkDisabled: false });
    expect(readVersion({ current: "0.1.0", releaseUrl: "https://x.test/r" })?.releaseUrl).toBe("https://x.test/r");
  });

  it("never announces an update it was not told about", () => {
    expect(readVersion({ current: "0.1.0", latest: "0.2.0", updateAvailable: "yes" })?.updateAvailable).toBe(false);
    expect(readVersion(null)).toBeNull();
    expect(readVersion({ latest: "0.2.0" })).toBeNull();
  });
});

describe("readBalance", () => {
  it("reads numbers", () => {
    expect(readBalance(200, { supported: true, limit: 120, used: 12.35, remaining: 107.65, currency: "USD" })).toEqual({
      supported: true,
      limit: 120,
      used: 12.35,
      remaining: 107.65,
      currency: "USD",
    });
    expect(readBalance(200, { supported: true, limit: "120" })).toBeNull();
  });

  it("turns refusals into explanations, and a switched-off balance into nothing", () => {
    expect(readBalance(200, { supported: false, reason: "not_found", detail: "Invalid URL" })).toEqual({ supported: false, reason: "not_found", detail: "Invalid URL" });
    expect(readBalance(200, { supported: false, reason: "missing_api_key" })).toMatchObject({ reason: "need_key" });
    expect(readBalance(401, { error: true, code: "unauthorized" })).toMatchObject({ supported: false, reason: "need_key" });
    expect(readBalance(404, { error: true, code: "balance_query_disabled" })).toBeNull();
    expect(readBalance(500, null)).toBeNull();
  });
});

describe("formatMoney", () => {
  it("formats dollars for the locale", () => {
    expect(formatMoney(107.65, "USD", "en")).toBe("$107.65");
    expect(formatMoney(107.65, "USD", "zh-CN")).toContain("107.65");
    expect(formatMoney(1, "not a currency", "en")).toBe("1.00 not a currency");
  });
});
